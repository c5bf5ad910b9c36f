// A 5×7 bitmap font for ASCII 32–126, drawn for this project: 7 rows per glyph, each row one
// base-32 digit whose 5 bits are the pixels, most significant on the left.
const GLYPHS =
  "00000004444404aa00000aavavaa4fke5u4op248j3cik8lid44800002488842842224804lel40044v440" +
  "0000c48000v00000000cc01248g0ehjlphe4c4444eeh1248vv2421he26aiv22vgu11he68guhhev124888" +
  "ehhehheehhf12c0cc0cc00cc0c48248g84200v0v008421248eh12404eh1dlleehhvhhhuhhuhhuehggghe" +
  "sihhhisvgguggvvggugggehgnhhfhhhvhhhe44444e72222ichikokihggggggvhrllhhhhhpljhhehhhhhe" +
  "uhhugggehhhliduhhukihfgge11uv444444hhhhhhehhhhha4hhhlllahha4ahhhha4444v1248gve88888e" +
  "0g84210e22222e4ah0000000000v842000000e1fhfggmphhu00egghe11djhhf00ehvge698s8880fhhf1e" +
  "ggmphhh40c444e20622icggikokic44444e00qllhh00mphhh00ehhhe00uhugg00djf1100mpggg00ege1u" +
  "88s889600hhhjd00hhha400hhlla00ha4ah00hhf1e00v248v244844244444448442448008l200";

export const GLYPH_WIDTH = 5;
export const GLYPH_HEIGHT = 7;
/** Horizontal distance from one character to the next (one blank column between glyphs). */
export const ADVANCE = GLYPH_WIDTH + 1;

/** Whether pixel (x, y) of the character's glyph is ink; others than ASCII 32–126 draw as "?". */
export function ink(ch: string, x: number, y: number): boolean {
  let i = ch.charCodeAt(0) - 32;
  if (!(i >= 0 && i < 95)) i = "?".charCodeAt(0) - 32;
  return ((parseInt(GLYPHS[i * GLYPH_HEIGHT + y], 32) >> (GLYPH_WIDTH - 1 - x)) & 1) === 1;
}

export function textWidth(s: string): number {
  return s.length === 0 ? 0 : s.length * ADVANCE - 1;
}
