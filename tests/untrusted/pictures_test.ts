// Hostile pictures given to `predict --images` (a file or a folder): each case met is a named
// regression test, run through the command (tests/untrusted/_run.ts) for exit code, one error
// line, time and peak memory. Files are made in a temporary folder; nothing is written into the
// project.
import assert from "node:assert/strict";
import { join } from "node:path";
import jpeg from "jpeg-js";
import { assertCleanRefusal, ROOT, runCommand } from "./_run.ts";
import { png, zerosStream } from "../image/_png.ts";
import { pngDataBytes } from "../../src/image/header.ts";

const MODEL = join(ROOT, "web/model");
const PULLOVER = join(ROOT, "tests/image/fixtures/pullover_white_bg_224.png");

const predict = (...args: string[]) => runCommand("predict", ["--model", MODEL, ...args]);

async function inTemp(fn: (dir: string) => Promise<void>) {
  const dir = await Deno.makeTempDir({ prefix: "untrusted-pictures-" });
  try {
    await fn(dir);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
}

/** Makes a FIFO at `path` with mkfifo(1); false where there is none. */
function mkfifo(path: string): Promise<boolean> {
  return new Deno.Command("mkfifo", { args: [path] }).output().then(
    (o) => o.code === 0,
    () => false,
  );
}

Deno.test("an interlaced 10×10 PNG that inflates to 2 GB is refused at its 420 bytes", async () => {
  await inTemp(async (dir) => {
    for (const interlace of [1, 0]) {
      const h = { width: 10, height: 10, bitDepth: 8, colourType: 6, interlace };
      const path = join(dir, `bomb${interlace}.png`);
      await Deno.writeFile(path, png(h, zerosStream(2 ** 31)));
      const r = await predict("--images", path);
      assertCleanRefusal(
        r,
        new RegExp(
          `bomb${interlace}\\.png: a damaged or forged PNG file: its pixel data inflates to more ` +
            `than the ${pngDataBytes(h)} bytes its header \\(10×10, 8-bit RGBA${
              interlace ? ", interlaced" : ""
            }\\) implies`,
        ),
        { seconds: 5, mib: 300 },
      );
    }
  });
});

Deno.test("pictures over the pixel limit are refused from their header, PNG and JPEG", async () => {
  await inTemp(async (dir) => {
    // 8,001 × 8,000 = 64,008,000 pixels: just over 64 megapixels, with real pixel data behind it.
    const big = { width: 8001, height: 8000, bitDepth: 8, colourType: 0, interlace: 1 };
    await Deno.writeFile(join(dir, "big.png"), png(big, zerosStream(pngDataBytes(big))));
    assertCleanRefusal(
      await predict("--images", join(dir, "big.png")),
      /big\.png: the picture is 8,001×8,000 pixels, more than the 64 megapixels read/,
    );
    // A small JPEG whose frame header says 8000×8000 (within the limit, but no data for it).
    const data = new Uint8Array(16 * 16 * 4).fill(128);
    const forged = new Uint8Array(jpeg.encode({ width: 16, height: 16, data }, 90).data);
    const sof = forged.findIndex((b, i) => b === 0xff && forged[i + 1] === 0xc0);
    new DataView(forged.buffer).setUint16(sof + 5, 8000);
    new DataView(forged.buffer).setUint16(sof + 7, 8000);
    await Deno.writeFile(join(dir, "forged.jpg"), forged);
    assertCleanRefusal(
      await predict("--images", join(dir, "forged.jpg")),
      /forged\.jpg: a truncated or forged JPG file: \d+ bytes cannot hold the 8000×8000 pixels/,
    );
  });
});

Deno.test("a picture path that is a link to /dev/zero, a FIFO or a 250 MB file is refused before reading", async () => {
  await inTemp(async (dir) => {
    await Deno.symlink("/dev/zero", join(dir, "zero.png"));
    assertCleanRefusal(
      await predict("--images", join(dir, "zero.png")),
      /zero\.png: a character device, not a regular file; give a PNG or JPEG file/,
    );
    if (await mkfifo(join(dir, "pipe.png"))) {
      assertCleanRefusal(
        await predict("--images", join(dir, "pipe.png")),
        /pipe\.png: a FIFO \(named pipe\), not a regular file/,
      );
    }
    const sparse = join(dir, "huge.png");
    await Deno.writeFile(sparse, new Uint8Array());
    await Deno.truncate(sparse, 250_000_000);
    assertCleanRefusal(
      await predict("--images", sparse),
      /huge\.png: 250 MB, more than the 200 MB read from one file/,
    );
  });
});

Deno.test("a folder's links out, dangling links and FIFOs are named in warnings and counted as skipped", async () => {
  await inTemp(async (dir) => {
    const folder = join(dir, "pictures");
    const elsewhere = join(dir, "elsewhere");
    await Deno.mkdir(folder);
    await Deno.mkdir(elsewhere);
    await Deno.mkdir(join(folder, "sub"));
    await Deno.copyFile(PULLOVER, join(folder, "a.png"));
    await Deno.copyFile(PULLOVER, join(elsewhere, "secret.png"));
    await Deno.symlink("a.png", join(folder, "b-inside.png")); // followed: inside the folder
    await Deno.symlink(join(elsewhere, "secret.png"), join(folder, "c-out.png"));
    await Deno.symlink("../elsewhere/secret.png", join(folder, "c-out-relative.png"));
    await Deno.symlink("nowhere.png", join(folder, "d-dangling.png"));
    await Deno.symlink("/dev/zero", join(folder, "e-zero.png"));
    const fifo = await mkfifo(join(folder, "f-pipe.png"));
    if (fifo) await Deno.symlink("f-pipe.png", join(folder, "g-to-pipe.png"));
    await Deno.writeTextFile(join(folder, "notes.txt"), "not a picture");
    const r = await predict("--images", folder, "--json");
    assert.equal(r.code, 0, r.stderr);
    const out = JSON.parse(r.stdout);
    assert.equal(out.count, 2);
    assert.deepEqual(out.pictures.map((p: { file: string }) => p.file), [
      join(folder, "a.png"),
      join(folder, "b-inside.png"),
    ]);
    const skipped = [
      "c-out.png",
      "c-out-relative.png",
      "d-dangling.png",
      "e-zero.png",
      ...(fifo ? ["f-pipe.png", "g-to-pipe.png"] : []),
      "notes.txt",
    ];
    assert.deepEqual([...out.skipped].sort(), [...skipped].sort());
    assert.match(r.stderr, new RegExp(`left out ${skipped.length} file\\(s\\)`));
    const warning = (name: string, why: string) =>
      assert.match(r.stderr, new RegExp(`warning: ${join(folder, name)}: ${why}; left out`));
    warning(
      "c-out\\.png",
      `a symbolic link to "${elsewhere}/secret\\.png", outside the folder: not followed`,
    );
    warning("c-out-relative\\.png", "a symbolic link to .*, outside the folder: not followed");
    warning("d-dangling\\.png", 'a symbolic link to "nowhere\\.png", which leads to no file');
    warning("e-zero\\.png", 'a symbolic link to "/dev/zero", outside the folder: not followed');
    if (fifo) {
      warning("f-pipe\\.png", "a FIFO \\(named pipe\\), not a picture file");
      warning("g-to-pipe\\.png", "a symbolic link to a FIFO \\(named pipe\\), not a picture file");
    }
    assert.doesNotMatch(r.stderr, /secret\.png: /); // never read
    assert.ok(r.peakMiB < 400, `peak ${r.peakMiB} MiB`);
  });
});

Deno.test("a folder of nothing but bad links is refused in one line", async () => {
  await inTemp(async (dir) => {
    await Deno.symlink("/dev/zero", join(dir, "zero.png"));
    await Deno.symlink("gone.png", join(dir, "gone-link.png"));
    const r = await predict("--images", dir);
    assertCleanRefusal(
      r,
      /no pictures in this folder \(PNG or JPEG\); 2 other file\(s\): "gone-link\.png", "zero\.png"/,
    );
    assert.match(r.stderr, /warning: .*zero\.png: a symbolic link to "\/dev\/zero", outside/);
  });
});
