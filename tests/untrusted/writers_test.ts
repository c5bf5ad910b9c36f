// One writer per folder, a full disk and a diverged run: what the commands that write models and
// results do when another run writes the same folder, the disk fills while saving, or training
// blows up. Every run writes into temporary folders.
import assert from "node:assert/strict";
import { join } from "node:path";
import { assertCleanRefusal, type Measured, ROOT, runCommand } from "./_run.ts";
import { acquireFolderLock, FolderLockedError, LOCK_FILE } from "../../src/util/lock.ts";
import { DiskFullError, writeFileAtomicVia } from "../../src/util/atomic.ts";

const ENV = { DENO_WEBGPU_BACKEND: "vulkan" };
const LOCK_URL = new URL("../../src/util/lock.ts", import.meta.url).href;

/** Spawns `deno run -A src/cli/<cli>.ts args`, as runCommand does, without waiting for it. */
function spawnCommand(cli: string, args: string[]) {
  return new Deno.Command(Deno.execPath(), {
    args: ["run", "-A", join(ROOT, `src/cli/${cli}.ts`), ...args],
    cwd: ROOT,
    env: { NO_COLOR: "1", ...ENV },
    stdin: "null",
    stdout: "piped",
    stderr: "piped",
  }).spawn();
}

/** A separate process holding `dir`'s lock until killed (a run busy writing it). */
async function holdLock(dir: string) {
  const script = join(await Deno.makeTempDir(), "hold.ts");
  await Deno.writeTextFile(
    script,
    `import { acquireFolderLock } from ${JSON.stringify(LOCK_URL)};\n` +
      `acquireFolderLock(Deno.args[0], "--out");\nconsole.log("held");\n` +
      `await new Promise((r) => setTimeout(r, 120_000));\n`,
  );
  const child = new Deno.Command(Deno.execPath(), {
    args: ["run", "-A", script, dir],
    stdin: "null",
    stdout: "piped",
    stderr: "inherit",
  }).spawn();
  const reader = child.stdout.getReader();
  const { value } = await reader.read();
  assert.match(new TextDecoder().decode(value), /held/);
  reader.releaseLock();
  return {
    pid: child.pid,
    async kill() {
      child.kill("SIGKILL");
      await child.status;
      await child.stdout.cancel();
      await Deno.remove(join(script, ".."), { recursive: true });
    },
  };
}

async function waitFor(path: string, ms = 60_000) {
  const until = Date.now() + ms;
  while (!(await Deno.stat(path).then(() => true, () => false))) {
    if (Date.now() > until) throw new Error(`${path} never appeared`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

const json = async (path: string) => JSON.parse(await Deno.readTextFile(path));
const exists = (path: string) => Deno.stat(path).then(() => true, () => false);

function report(what: string, r: Measured) {
  console.log(`  ${what}: exit ${r.code}, ${r.seconds.toFixed(2)} s, ${r.peakMiB.toFixed(0)} MiB`);
}

Deno.test("two trains into one --out: the second refuses at once (exit 2), before the data; the first's files are all its own", async () => {
  const dir = await Deno.makeTempDir();
  const out = join(dir, "model");
  const flags = ["--model", "mlp", "--limit", "3000", "--epochs", "2", "--quiet", "--out", out];
  const first = spawnCommand("train", [...flags, "--seed", "1"]);
  await waitFor(join(out, LOCK_FILE));
  const lock = await json(join(out, LOCK_FILE));
  assert.equal(lock.pid, first.pid);
  assert.equal(lock.hostname, Deno.hostname());
  assert.match(lock.command, /^train\.ts --model mlp/);
  assert.ok(!Number.isNaN(Date.parse(lock.started)));

  // Other settings: had it run, its config, weights and state would have mixed with the first's.
  const second = await runCommand("train", [...flags, "--seed", "2"], { env: ENV });
  report("second train", second);
  assertCleanRefusal(
    second,
    new RegExp(
      `^error: --out ${out}: another run \\(PID ${first.pid} on ${Deno.hostname()}, started ` +
        `${
          lock.started.replace(/\./g, "\\.")
        }\\) is writing here; wait for it or choose another --out$`,
    ),
    { code: 2, seconds: 5, mib: 300 },
  );
  assert.doesNotMatch(second.stderr, /^(data|adapter|model):/m, "refused before the data");

  const done = await first.output();
  assert.equal(done.code, 0, new TextDecoder().decode(done.stderr));
  assert.equal((await json(join(out, "config.json"))).hyperParameters.seed, 1);
  const state = await Deno.readFile(join(out, "training-state.safetensors"));
  const headerLength = Number(new DataView(state.buffer).getBigUint64(0, true));
  const header = JSON.parse(new TextDecoder().decode(state.subarray(8, 8 + headerLength)));
  assert.equal(JSON.parse(header.__metadata__.state).settings.seed, 1);
  assert.ok(!(await exists(join(out, LOCK_FILE))), "the lock is removed at the end");
  await Deno.remove(dir, { recursive: true });
});

Deno.test("baselines and experiments refuse a folder another run is writing (exit 2, before the data)", async () => {
  const dir = await Deno.makeTempDir();
  const models = join(dir, "models");
  const results = join(dir, "results");
  await Deno.mkdir(models);
  const holder = await holdLock(models);
  try {
    const b = await runCommand("baselines", ["--models", "softmax", "--out", models], {
      env: ENV,
    });
    report("baselines", b);
    assertCleanRefusal(
      b,
      new RegExp(`^error: --out ${models}: another run \\(PID ${holder.pid} on .*is writing here`),
      { code: 2 },
    );
    // experiments writes DIR/experiments and --train-dir: the latter is held here.
    const e = await runCommand("experiments", [
      "--models",
      dir,
      "--out",
      results,
      "--train-dir",
      models,
    ], { env: ENV });
    report("experiments", e);
    assertCleanRefusal(e, /^error: --train-dir .*: another run \(PID \d+ .*is writing here/, {
      code: 2,
    });
    // Its own lock on results/experiments was released as it refused.
    assert.ok(!(await exists(join(results, "experiments", LOCK_FILE))));
  } finally {
    await holder.kill();
  }
  await Deno.remove(dir, { recursive: true });
});

Deno.test("quantize and evaluate refuse an --out another run is writing (exit 2, before the data)", async () => {
  const dir = await Deno.makeTempDir();
  const out = join(dir, "out");
  await Deno.mkdir(out);
  const holder = await holdLock(out);
  try {
    const model = join(ROOT, "web/model");
    for (
      const [cli, args] of [
        ["quantize", ["--model", model, "--out", out]],
        ["evaluate", ["--models", join(dir, "none"), "--out", out]],
      ] as const
    ) {
      const r = await runCommand(cli, [...args], { env: ENV });
      report(cli, r);
      assertCleanRefusal(
        r,
        new RegExp(`^error: --out ${out}: another run \\(PID ${holder.pid} on .*is writing here`),
        { code: 2 },
      );
    }
  } finally {
    await holder.kill();
  }
  await Deno.remove(dir, { recursive: true });
});

Deno.test("a lock left by a killed run is taken over with a note; a live or foreign one is not", async () => {
  const dir = await Deno.makeTempDir();
  const holder = await holdLock(dir);
  assert.throws(
    () => acquireFolderLock(dir, "--out"),
    (e) =>
      e instanceof FolderLockedError && e.exitCode === 2 && e.owner?.pid === holder.pid &&
      /another run \(PID \d+ on .*\) is writing here; wait for it or choose another --out$/
        .test(e.message),
  );
  // SIGKILL: nothing cleaned up, the lock file stays; the kernel drops its flock.
  await holder.kill();
  const left = await json(join(dir, LOCK_FILE));
  assert.equal(left.pid, holder.pid);
  const r = await runCommand("train", [
    "--model",
    "softmax",
    "--limit",
    "100",
    "--epochs",
    "1",
    "--quiet",
    "--out",
    dir,
  ], { env: ENV });
  report("train over a stale lock", r);
  assert.equal(r.code, 0, r.stderr);
  assert.match(
    r.stderr,
    new RegExp(
      `^note: --out ${dir}: took over the lock of a run that ended without releasing it \\(PID ` +
        `${holder.pid} on ${Deno.hostname()}, started `,
      "m",
    ),
  );
  assert.ok(!(await exists(join(dir, LOCK_FILE))));

  // Unreadable and unlocked: stale too.
  await Deno.writeTextFile(join(dir, LOCK_FILE), "\u0000garbage");
  const lock = acquireFolderLock(dir, "--out");
  assert.equal((await json(join(dir, LOCK_FILE))).pid, Deno.pid);
  // The same folder twice in one process: one lock, released with the last handle.
  const again = acquireFolderLock(dir, "--out");
  again.release();
  assert.ok(await exists(join(dir, LOCK_FILE)));
  lock.release();
  assert.ok(!(await exists(join(dir, LOCK_FILE))));

  // Another machine's lock on a shared folder cannot be checked: refused, and how to clear it.
  await Deno.writeTextFile(
    join(dir, LOCK_FILE),
    JSON.stringify({ pid: 1, hostname: "elsewhere", command: "train", started: "2026-01-01" }),
  );
  assert.throws(
    () => acquireFolderLock(dir, "--out"),
    new RegExp(`a run on another machine \\(PID 1 on elsewhere.*delete ${dir}/\\.lock if it`),
  );
  await Deno.remove(dir, { recursive: true });
});

Deno.test("folders made only for the lock go with it; one with files stays", async () => {
  const parent = await Deno.makeTempDir();
  const made = join(parent, "new", "run");
  acquireFolderLock(made, "--out").release();
  assert.deepEqual([...Deno.readDirSync(parent)], [], "it and its new parent removed");
  {
    using _lock = acquireFolderLock(made, "--out");
    await Deno.writeTextFile(join(made, "config.json"), "{}");
  }
  assert.deepEqual([...Deno.readDirSync(made)].map((e) => e.name), ["config.json"]);
  // A parent that existed before is never removed, even when empty.
  const kept = join(parent, "kept");
  await Deno.mkdir(kept);
  acquireFolderLock(join(kept, "run"), "--out").release();
  assert.deepEqual([...Deno.readDirSync(kept)], []);
  assert.ok(await exists(kept));
  await Deno.remove(parent, { recursive: true });
});

Deno.test("a full disk while writing atomically: one UserError naming the folder; the old file kept, no temp file left", async () => {
  const dir = await Deno.makeTempDir();
  const path = join(dir, "weights.safetensors");
  await Deno.writeTextFile(path, "previous");
  for (
    const [code, reason] of [["ENOSPC", "no space left on device"], [
      "EDQUOT",
      "disk quota exceeded",
    ]]
  ) {
    // A disk that fills half-way: part of the temporary file is written, then the error.
    const failing = async (tmp: string) => {
      await Deno.writeTextFile(tmp, "half");
      throw Object.assign(new Error(`os error: writefile '${tmp}'`), { code });
    };
    await assert.rejects(
      () => writeFileAtomicVia(path, new Uint8Array(8), failing),
      (e) =>
        e instanceof DiskFullError && e.exitCode === 1 && e.dir === dir &&
        e.file === "weights.safetensors" &&
        e.message ===
          `${dir}: the disk is full (${reason}) while writing weights.safetensors, which was ` +
            "left as it was (nothing half-written); free space and run again",
    );
    assert.equal(await Deno.readTextFile(path), "previous");
    assert.deepEqual([...Deno.readDirSync(dir)].map((e) => e.name), ["weights.safetensors"]);
  }
  // Other failures are not disk-full ones: passed on as they are.
  const denied = new Deno.errors.PermissionDenied("no");
  await assert.rejects(
    () => writeFileAtomicVia(path, "x", () => Promise.reject(denied)),
    (e) => e === denied,
  );
  await Deno.remove(dir, { recursive: true });
});

/** A tmpfs of `kib` KiB mounted on a new folder, or the reason it cannot be (not root...). */
async function mountTmpfs(
  kib: number,
): Promise<{ dir: string; unmount(): Promise<void> } | string> {
  const dir = await Deno.makeTempDir();
  const r = await new Deno.Command("mount", {
    args: ["-t", "tmpfs", "-o", `size=${kib}k`, "tmpfs", dir],
    stdout: "null",
    stderr: "piped",
  }).output().catch((e: Error) => ({
    success: false,
    stderr: new TextEncoder().encode(e.message),
  }));
  if (!r.success) {
    await Deno.remove(dir);
    return new TextDecoder().decode(r.stderr).trim() || "mount failed";
  }
  return {
    dir,
    async unmount() {
      await new Deno.Command("umount", { args: [dir] }).output();
      await Deno.remove(dir);
    },
  };
}

/** Fills `dir`'s file system but for `keepKiB` KiB. */
async function fill(dir: string, keepKiB: number) {
  const df = new TextDecoder().decode(
    (await new Deno.Command("df", { args: ["-k", "--output=avail", dir] }).output()).stdout,
  );
  const avail = Number(df.trim().split("\n").at(-1));
  await Deno.writeFile(join(dir, "filler"), new Uint8Array(Math.max(0, avail - keepKiB) * 1024));
}

Deno.test("disk full while saving: one line naming the folder, the previous model intact, --resume afterwards", async () => {
  const fs = await mountTmpfs(1024);
  if (typeof fs === "string") {
    // Only this part needs a real full disk; the translation itself is tested above.
    console.log(`  SKIPPED (mounting a 1 MiB tmpfs needs root): ${fs}`);
    return;
  }
  try {
    const out = join(fs.dir, "model");
    const flags = ["--model", "softmax", "--limit", "300", "--quiet"];
    const ok = await runCommand("train", [...flags, "--epochs", "2", "--out", out], {
      env: ENV,
    });
    assert.equal(ok.code, 0, ok.stderr);
    const before = new Map<string, Uint8Array>();
    for (const e of Deno.readDirSync(out)) {
      before.set(e.name, await Deno.readFile(join(out, e.name)));
    }

    // The next epoch's weights do not fit: nothing there changes.
    await fill(fs.dir, 8);
    const full = await runCommand("train", ["--resume", out, "--epochs", "3", "--quiet"], {
      env: ENV,
    });
    report("resume on a full disk", full);
    assertCleanRefusal(
      full,
      new RegExp(
        `^error: --resume ${out}: the disk is full \\(no space left on device\\) while saving ` +
          `weights\\.safetensors; weights\\.safetensors there keeps its previous version and ` +
          `nothing is half-written; free space and continue with --resume ${out}$`,
      ),
      { code: 1, seconds: 60, mib: 1000 },
    );
    const after = [...Deno.readDirSync(out)].map((e) => e.name).sort();
    assert.deepEqual(after, [...before.keys()].sort(), "no temporary or lock file left");
    for (const [name, bytes] of before) {
      assert.deepEqual(await Deno.readFile(join(out, name)), bytes, `${name} unchanged`);
    }
    await Deno.remove(join(fs.dir, "filler"));
    const resumed = await runCommand("train", ["--resume", out, "--epochs", "3", "--quiet"], {
      env: ENV,
    });
    assert.equal(resumed.code, 0, resumed.stderr);
    assert.equal((await json(join(out, "config.json"))).epochsCompleted, 3);

    // Room for the model but not its training state (96 KiB): the first epoch's state is lost,
    // and --resume says what is there instead of "not found".
    const fresh = join(fs.dir, "fresh");
    await fill(fs.dir, 80);
    const partial = await runCommand("train", [...flags, "--epochs", "2", "--out", fresh], {
      env: ENV,
    });
    report("first epoch's state on a full disk", partial);
    assertCleanRefusal(
      partial,
      new RegExp(
        `^error: --out ${fresh}: the disk is full \\(no space left on device\\) while saving ` +
          `training-state\\.safetensors; nothing is half-written; free space and run the same ` +
          `command again$`,
      ),
      { code: 1, seconds: 60, mib: 1000 },
    );
    assert.deepEqual(
      [...Deno.readDirSync(fresh)].map((e) => e.name).sort(),
      ["config.json", "history.json", "weights.safetensors"],
    );
    await Deno.remove(join(fs.dir, "filler"));
    const resume = await runCommand("train", ["--resume", fresh], { env: ENV });
    assertCleanRefusal(
      resume,
      new RegExp(
        `^error: --resume ${fresh}: it holds an interrupted run's model \\(1 epoch saved\\) ` +
          "but no training state \\(training-state\\.safetensors\\) to continue from: its " +
          "state's save did not complete \\(a full disk\\?\\); start again with " +
          `--out ${fresh} --overwrite, or from its weights with --init ${fresh} and another --out$`,
      ),
      { code: 2 },
    );
  } finally {
    await fs.unmount();
  }
});

Deno.test("train --lr 10 says 'diverged' with the fix, exit 1, and writes nothing over a better model", async () => {
  const dir = await Deno.makeTempDir();
  const flags = ["--model", "mlp", "--limit", "2000", "--quiet"];
  const fresh = join(dir, "fresh");
  const r = await runCommand("train", [...flags, "--epochs", "2", "--lr", "10", "--out", fresh], {
    env: ENV,
  });
  report("--lr 10", r);
  assertCleanRefusal(
    r,
    new RegExp(
      "^error: diverged: validation accuracy is \\d+\\.\\d\\d% after epoch 1, chance for 10 " +
        "classes, and the training loss reached \\d+ \\(a uniform guess scores 2\\.30\\); lower " +
        `--lr \\(now 10\\), e\\.g\\. --lr 1; nothing was saved in ${fresh}$`,
    ),
    { code: 1, seconds: 60, mib: 1000 },
  );
  assert.ok(!(await exists(fresh)), "no folder, not even the lock's");

  // A good model, then a diverging run over it with --overwrite: the good one stays, byte for byte.
  const good = join(dir, "good");
  const first = await runCommand("train", [...flags, "--epochs", "1", "--out", good], {
    env: ENV,
  });
  assert.equal(first.code, 0, first.stderr);
  const files = [
    "config.json",
    "weights.safetensors",
    "history.json",
    "training-state.safetensors",
  ];
  const before = await Promise.all(files.map((f) => Deno.readFile(join(good, f))));
  const bad = await runCommand("train", [
    ...flags,
    "--epochs",
    "2",
    "--lr",
    "10",
    "--overwrite",
    "--out",
    good,
  ], { env: ENV });
  assertCleanRefusal(
    bad,
    new RegExp(
      `^error: diverged: .*; lower --lr \\(now 10\\), e\\.g\\. --lr 1 --overwrite \\(${good} ` +
        "keeps what epoch 1 saved\\)$",
    ),
    { code: 1, seconds: 60, mib: 1000 },
  );
  const after = await Promise.all(files.map((f) => Deno.readFile(join(good, f))));
  files.forEach((f, i) => assert.deepEqual(after[i], before[i], `${f} unchanged`));
  await Deno.remove(dir, { recursive: true });
});
