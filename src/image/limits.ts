/**
 * How large a picture the command line (`deno task predict --images`) and the page read, in one
 * place. Both limits are checked before anything is decoded: the file's size from `stat`, the
 * pixels from the file's header (`./header.ts`). Decoding stays within what they imply: a PNG's
 * compressed pixel data is inflated to at most the exact size its header's width, height, bit
 * depth, colour type and interlacing give (`pngDataBytes`, at most about 8 bytes a pixel), and a
 * JPEG is decoded by jpeg-js with the same pixel limit. A 64-megapixel picture takes up to about
 * 1 GB of memory to decode (its RGBA pixels alone are 256 MB).
 */

/** Pictures of more pixels (width × height, from the header) are refused: 64 megapixels. */
export const MAX_PIXELS = 64_000_000;

/** Picture files larger than this are refused before they are read: 200 MB (decimal). */
export const MAX_PICTURE_BYTES = 200_000_000;
