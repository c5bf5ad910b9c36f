// loadPictures on a folder, in-process (no GPU): which entries are read, which are left out with
// a warning, and that a link is never followed out of the folder.
import assert from "node:assert/strict";
import { join } from "node:path";
import { isPictureInput, loadPictures } from "../../src/image/files.ts";
import { UserError } from "../../src/util/errors.ts";

const PULLOVER = new URL("./fixtures/pullover_white_bg_224.png", import.meta.url).pathname;

async function mkfifo(path: string): Promise<boolean> {
  return await new Deno.Command("mkfifo", { args: [path] }).output().then(
    (o) => o.code === 0,
    () => false,
  );
}

Deno.test("loadPictures follows links inside the folder only; others are warned about and skipped", async () => {
  const root = await Deno.makeTempDir({ prefix: "files-test-" });
  try {
    const dir = join(root, "pictures");
    await Deno.mkdir(join(dir, "sub"), { recursive: true });
    await Deno.copyFile(PULLOVER, join(dir, "a.png"));
    await Deno.copyFile(PULLOVER, join(root, "outside.png"));
    await Deno.symlink("a.png", join(dir, "b.png"));
    await Deno.symlink("sub", join(dir, "c-dir-link"));
    await Deno.symlink("../outside.png", join(dir, "d-out.png"));
    await Deno.symlink("missing.png", join(dir, "e-dangling.png"));
    await Deno.symlink("e-dangling.png", join(dir, "f-chain.png"));
    await Deno.symlink("/dev/null", join(dir, "g-null.png"));
    await Deno.symlink("h-loop.png", join(dir, "h-loop.png"));
    const fifo = await mkfifo(join(dir, "i-pipe.png"));
    await Deno.writeTextFile(join(dir, "notes.txt"), "no picture");
    const warnings: string[] = [];
    const set = await loadPictures(dir, { warn: (line) => warnings.push(line) });
    assert.deepEqual(set.pictures.map((p) => p.file), [join(dir, "a.png"), join(dir, "b.png")]);
    assert.deepEqual(set.pictures[0].preprocessed.pixels, set.pictures[1].preprocessed.pixels);
    const left = ["d-out.png", "e-dangling.png", "f-chain.png", "g-null.png", "h-loop.png"];
    if (fifo) left.push("i-pipe.png");
    assert.deepEqual(set.skipped, [...left, "notes.txt"]);
    // One warning line each, naming the entry; notes.txt is just not a picture.
    assert.equal(warnings.length, left.length);
    left.forEach((name, i) => {
      assert.ok(warnings[i].startsWith(`warning: ${join(dir, name)}: `), warnings[i]);
      assert.ok(warnings[i].endsWith("; left out"), warnings[i]);
    });
    assert.match(warnings[0], /a symbolic link to ".*outside\.png", outside the folder/);
    assert.match(warnings[1], /a symbolic link to "missing\.png", which leads to no file/);
    assert.match(warnings[3], /a symbolic link to "\/dev\/null", outside the folder/);
    if (fifo) assert.match(warnings[5], /a FIFO \(named pipe\), not a picture file/);
  } finally {
    await Deno.remove(root, { recursive: true });
  }
});

Deno.test("a picture path that is a device or FIFO is not opened to be sniffed", async () => {
  const dir = await Deno.makeTempDir({ prefix: "files-test-" });
  try {
    // /dev/zero is left to the IDX/CSV reader, which refuses it; opening a FIFO would block.
    assert.equal(await isPictureInput("/dev/zero"), false);
    if (await mkfifo(join(dir, "pipe"))) {
      assert.equal(await isPictureInput(join(dir, "pipe")), false);
    }
    await Deno.symlink("/dev/zero", join(dir, "zero.jpg"));
    assert.equal(await isPictureInput(join(dir, "zero.jpg")), true); // named as a picture
    await assert.rejects(
      () => loadPictures(join(dir, "zero.jpg")),
      (e) =>
        e instanceof UserError &&
        /zero\.jpg: a character device, not a regular file; give a PNG or JPEG/.test(e.message),
    );
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});
