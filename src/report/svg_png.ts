// SVG to pixels with resvg (the Rust SVG renderer, as WebAssembly: no native addon, so no
// --allow-ffi, and the same pixels on every platform) and one real font, Inter, from its npm
// package: text in the PNG grids is drawn and measured with it, never with a system font.
import { createRequire } from "node:module";
import { Buffer } from "node:buffer";
import { initWasm, Resvg } from "@resvg/resvg-wasm";
import { encodePng } from "./png.ts";
// Imported for its side effect only: it makes the font package part of the module graph, so that
// Deno installs it (and locks it) and require.resolve below finds its files.
import "@expo-google-fonts/inter/metadata.json" with { type: "json" };

const require = createRequire(import.meta.url);

/** The family name inside the font file, for `font-family` in the SVGs. */
export const FONT_FAMILY = "Inter";
const FONT = Deno.readFileSync(
  require.resolve("@expo-google-fonts/inter/400Regular/Inter_400Regular.ttf"),
);
await initWasm(Deno.readFileSync(require.resolve("@resvg/resvg-wasm/index_bg.wasm")));

const options = {
  font: {
    fontBuffers: [FONT],
    defaultFontFamily: FONT_FAMILY,
    sansSerifFamily: FONT_FAMILY,
  },
  background: "white",
  // Pixel images stay pixels when drawn at their size: no smoothing.
  imageRendering: 1 as const,
};

/** Renders an SVG document to RGB pixels (row-major, 3 bytes each) on a white background. */
export function svgToRgb(svg: string): { width: number; height: number; rgb: Uint8Array } {
  const resvg = new Resvg(svg, options);
  try {
    const image = resvg.render();
    try {
      const rgba = image.pixels;
      const rgb = new Uint8Array((rgba.length / 4) * 3);
      for (let i = 0, j = 0; i < rgba.length; i += 4, j += 3) {
        rgb[j] = rgba[i];
        rgb[j + 1] = rgba[i + 1];
        rgb[j + 2] = rgba[i + 2];
      }
      return { width: image.width, height: image.height, rgb };
    } finally {
      image.free();
    }
  } finally {
    resvg.free();
  }
}

export function escapeXml(s: string): string {
  return s.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}

const widths = new Map<string, number>();

/**
 * The width in pixels of `text` set in the font at `size` px: the right edge of its ink, measured
 * by laying it out with resvg (kerning included). Cached: grid labels repeat.
 */
export function textWidth(text: string, size: number): number {
  if (!text.trim()) return 0;
  const key = `${size} ${text}`;
  let w = widths.get(key);
  if (w === undefined) {
    const svg = `<svg xmlns="http://www.w3.org/2000/svg" width="${4 * size * text.length}" ` +
      `height="${2 * size}"><text x="0" y="${size}" font-family="${FONT_FAMILY}" ` +
      `font-size="${size}">${escapeXml(text)}</text></svg>`;
    const resvg = new Resvg(svg, options);
    try {
      const box = resvg.getBBox();
      w = box ? Math.ceil(box.x + box.width) : 0;
      box?.free();
    } finally {
      resvg.free();
    }
    widths.set(key, w);
  }
  return w;
}

/**
 * A PNG of `png` (width × height pixels) with SVG `texts` (elements such as <text>) drawn over it
 * in FONT_FAMILY: the pixels embedded as one image at their own size, the text rendered on top.
 */
export function pngWithText(png: Uint8Array, width: number, height: number, texts: string[]) {
  const svg =
    `<svg xmlns="http://www.w3.org/2000/svg" xmlns:xlink="http://www.w3.org/1999/xlink" ` +
    `width="${width}" height="${height}" font-family="${FONT_FAMILY}">` +
    `<image x="0" y="0" width="${width}" height="${height}" image-rendering="optimizeSpeed" ` +
    `xlink:href="data:image/png;base64,${Buffer.from(png).toString("base64")}"/>` +
    texts.join("") + "</svg>";
  const out = svgToRgb(svg);
  return encodePng(out.width, out.height, 3, out.rgb);
}
