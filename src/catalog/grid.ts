/**
 * `deno task similar --out grid.png`: one row per query, the query's 28×28 image (as the model
 * saw it) then its nearest catalogue images, each labelled with its class and cosine similarity.
 * Pixels laid out here, text set in Inter by resvg (src/report/svg_png.ts), as the report's grids.
 */
import { encodePng } from "../report/png.ts";
import { escapeXml, pngWithText, textWidth } from "../report/svg_png.ts";

/** One tile: 28×28 gray pixels (0 = background, drawn black as in the dataset) and two lines. */
export interface GridTile {
  pixels: Uint8Array;
  title: string;
  detail: string;
}

const SIDE = 28;
const SCALE = 3;
const PAD = 8;
/** Gap after the query's column. */
const GAP = 16;
const FONT = 11;
const LINE = 14;

/**
 * A PNG of `rows`: each row's first tile is the query, the others its neighbours, in order.
 * Labels are cut to 22 characters so that a long file or class name cannot widen the grid.
 */
export function similarGrid(rows: GridTile[][]): Uint8Array {
  const cut = (s: string) => (s.length > 22 ? s.slice(0, 21) + "…" : s);
  const cellW = Math.max(
    SIDE * SCALE,
    ...rows.flat().map((t) =>
      Math.max(textWidth(cut(t.title), FONT), textWidth(cut(t.detail), FONT))
    ),
  );
  const cellH = SIDE * SCALE + 4 + 2 * LINE;
  const columns = Math.max(1, ...rows.map((r) => r.length));
  const width = 2 * PAD + columns * cellW + (columns - 1) * PAD + GAP;
  const height = PAD + rows.length * (cellH + PAD);
  const rgb = new Uint8Array(width * height * 3).fill(255);
  const texts: string[] = [];
  rows.forEach((row, r) => {
    const y0 = PAD + r * (cellH + PAD);
    row.forEach((tile, c) => {
      const x0 = PAD + c * (cellW + PAD) + (c > 0 ? GAP : 0);
      const x = x0 + Math.floor((cellW - SIDE * SCALE) / 2);
      for (let y = 0; y < SIDE * SCALE; y++) {
        for (let xx = 0; xx < SIDE * SCALE; xx++) {
          const v = tile.pixels[Math.floor(y / SCALE) * SIDE + Math.floor(xx / SCALE)];
          rgb.fill(v, ((y0 + y) * width + x + xx) * 3, ((y0 + y) * width + x + xx) * 3 + 3);
        }
      }
      const cx = x0 + cellW / 2;
      const ty = y0 + SIDE * SCALE + 4 + FONT;
      texts.push(
        `<text x="${cx}" y="${ty}" font-size="${FONT}" text-anchor="middle"${
          c === 0 ? ' font-weight="bold"' : ""
        }>${escapeXml(cut(tile.title))}</text>`,
        `<text x="${cx}" y="${ty + LINE}" font-size="${FONT}" text-anchor="middle" ` +
          `fill="rgb(90,90,90)">${escapeXml(cut(tile.detail))}</text>`,
      );
    });
  });
  return pngWithText(encodePng(width, height, 3, rgb), width, height, texts);
}
