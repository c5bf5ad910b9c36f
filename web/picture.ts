/// <reference lib="dom" />
/**
 * Pictures in the page: decoded by the browser (createImageBitmap, EXIF orientation applied, any
 * format it reads: PNG, JPEG, WebP, GIF, AVIF, ...) into RGBA, then converted by the same module
 * as the command line (src/image/preprocess.ts). Headers are checked first (src/image/header.ts)
 * so an empty or enormous picture is refused before the browser decodes it.
 */
import { checkedPictureHeader } from "../src/image/header.ts";
import { preprocess, type Preprocessed, type RgbaImage } from "../src/image/preprocess.ts";
import { UserError } from "../src/util/errors.ts";

/** A picture as the page shows it and as the model will see it. */
export interface Picture {
  name: string;
  image: RgbaImage;
  preprocessed: Preprocessed;
}

/** The RGBA pixels of a bitmap (or canvas, or video frame) of `width`×`height`. */
export function pixelsOf(source: CanvasImageSource, width: number, height: number): RgbaImage {
  const canvas = new OffscreenCanvas(width, height);
  const ctx = canvas.getContext("2d", { willReadFrequently: true });
  if (!ctx) throw new Error("no 2D canvas in this browser");
  ctx.drawImage(source, 0, 0, width, height);
  const data = ctx.getImageData(0, 0, width, height).data;
  return { width, height, data };
}

/**
 * Reads a file the user chose: checks its header (a UserError naming the file when it is not a
 * picture, has no pixels or is too large), decodes it with the browser, converts it.
 */
export async function pictureFromFile(file: File): Promise<Picture> {
  const bytes = new Uint8Array(await file.arrayBuffer());
  checkedPictureHeader(bytes, file.name);
  let bitmap: ImageBitmap;
  try {
    bitmap = await createImageBitmap(new Blob([bytes]), { imageOrientation: "from-image" });
  } catch {
    throw new UserError(`${file.name}: the browser cannot decode this picture (damaged?)`);
  }
  const image = pixelsOf(bitmap, bitmap.width, bitmap.height);
  bitmap.close();
  return { name: file.name, image, preprocessed: preprocess(image, file.name) };
}

/** A canvas (the drawing pad) or a video frame (the camera) as a picture. */
export function pictureFromSource(
  source: CanvasImageSource,
  width: number,
  height: number,
  name: string,
): Picture {
  const image = pixelsOf(source, width, height);
  return { name, image, preprocessed: preprocess(image, name) };
}
