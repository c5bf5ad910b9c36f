import assert from "node:assert/strict";
import { join } from "node:path";
import {
  DOWNLOAD_URL,
  ENV_VAR,
  type Fetch,
  FILE_NAMES,
  type FileKey,
  locateFashionMnist,
  type LocateOptions,
  sha256Hex,
} from "../../src/data/locate.ts";
import { loadFashionMnist } from "../../src/data/dataset.ts";
import { gz, inTemp, rejectsUser, synthetic, withEnv, writeDataset } from "./_helpers.ts";

const quiet = { log: () => {} };

/** Temp dirs a, b, cache, system (each holding the dataset unless absent) under `root`. */
async function setup(root: string, absent: string[] = []) {
  const dirs = Object.fromEntries(
    ["a", "b", "cache", "system"].map((k) => [k, join(root, k)]),
  ) as Record<"a" | "b" | "cache" | "system", string>;
  for (const [k, dir] of Object.entries(dirs)) {
    if (!absent.includes(k)) await writeDataset(dir, { zip: k === "b" });
  }
  return dirs;
}

const failing: Fetch = () =>
  Promise.reject(new TypeError("fetch failed", { cause: new Error("dns error:\nno such host") }));

Deno.test("locate: flag beats env beats cache beats system", async () => {
  await inTemp(async (root) => {
    const d = await setup(root);
    const base: LocateOptions = {
      cacheDir: d.cache,
      systemDir: d.system,
      fetch: failing,
      ...quiet,
    };
    await withEnv({ [ENV_VAR]: d.b }, async () => {
      const flag = await locateFashionMnist({ ...base, dataDir: d.a });
      assert.deepEqual([flag.source, flag.dir], ["flag", d.a]);
      assert.equal(flag.files.trainImages, join(d.a, FILE_NAMES.trainImages));
      const env = await locateFashionMnist(base);
      assert.deepEqual([env.source, env.dir], ["env", d.b]);
      assert.equal(env.files.testLabels, join(d.b, FILE_NAMES.testLabels + ".gz"));
    });
    await withEnv({ [ENV_VAR]: undefined }, async () => {
      const cache = await locateFashionMnist(base);
      assert.deepEqual([cache.source, cache.dir], ["cache", d.cache]);
      await Deno.remove(cache.files.trainLabels);
      const system = await locateFashionMnist(base);
      assert.deepEqual([system.source, system.dir], ["system", d.system]);
    });
  });
});

Deno.test("locate: cache dir defaults to $XDG_CACHE_HOME/fashion-mnist", async () => {
  await inTemp(async (root) => {
    await writeDataset(join(root, "fashion-mnist"));
    await withEnv({ [ENV_VAR]: undefined, XDG_CACHE_HOME: root }, async () => {
      const found = await locateFashionMnist({ systemDir: join(root, "none"), ...quiet });
      assert.deepEqual([found.source, found.dir], ["cache", join(root, "fashion-mnist")]);
    });
  });
});

Deno.test("locate: a named dir missing files is an error, not a fall-through", async () => {
  await inTemp(async (root) => {
    const d = await setup(root, ["a"]);
    await writeDataset(d.a, { skip: ["testImages", "trainLabels"] });
    const base = { cacheDir: d.cache, systemDir: d.system, ...quiet };
    await withEnv({ [ENV_VAR]: undefined }, async () => {
      await rejectsUser(
        locateFashionMnist({ ...base, dataDir: d.a }),
        `${d.a} (from --data-dir) lacks Fashion-MNIST files: `,
        "train-labels-idx1-ubyte[.gz], t10k-images-idx3-ubyte[.gz]",
      );
    });
    const nowhere = join(root, "nowhere");
    await withEnv({ [ENV_VAR]: nowhere }, async () => {
      await rejectsUser(locateFashionMnist(base), `${nowhere} (from ${ENV_VAR}) lacks`);
    });
  });
});

Deno.test("locate: a dataset file that is a link to /dev/zero is named as not a regular file", async () => {
  await inTemp(async (root) => {
    const d = await setup(root, ["a"]);
    await writeDataset(d.a, { skip: ["trainImages"] });
    await Deno.symlink("/dev/zero", join(d.a, FILE_NAMES.trainImages));
    await withEnv({ [ENV_VAR]: undefined }, async () => {
      await rejectsUser(
        locateFashionMnist({ cacheDir: d.cache, systemDir: d.system, ...quiet, dataDir: d.a }),
        "lacks Fashion-MNIST files: train-images-idx3-ubyte[.gz] (a character device, not a " +
          "regular file)",
      );
    });
  });
});

Deno.test("locate: nothing found and the download failing lists every way", async () => {
  await inTemp(async (root) => {
    const d = await setup(root, ["a", "b", "cache", "system"]);
    await withEnv({ [ENV_VAR]: undefined }, async () => {
      const opts = { cacheDir: d.cache, systemDir: d.system, ...quiet };
      await rejectsUser(
        locateFashionMnist({ ...opts, fetch: failing }),
        "Fashion-MNIST not found",
        "--data-dir",
        ENV_VAR,
        d.cache,
        "apt-get install dataset-fashion-mnist",
        DOWNLOAD_URL,
        "download failed: fetch failed: dns error: no such host",
      );
      await rejectsUser(locateFashionMnist({ ...opts, download: false }), "(download disabled)");
      const notFound: Fetch = () =>
        Promise.resolve({
          ok: false,
          status: 404,
          statusText: "Not Found",
          arrayBuffer: () => Promise.resolve(new ArrayBuffer(0)),
        });
      await rejectsUser(locateFashionMnist({ ...opts, fetch: notFound }), "HTTP 404 Not Found");
      const page: Fetch = () =>
        Promise.resolve({
          ok: true,
          status: 200,
          statusText: "OK",
          arrayBuffer: () => Promise.resolve(new Uint8Array([60, 104, 116, 109, 108, 62]).buffer),
        });
      await rejectsUser(
        locateFashionMnist({ ...opts, fetch: page }),
        "train-images-idx3-ubyte.gz: corrupt gzip data",
      );
    });
  });
});

/** A fake server for the synthetic dataset; `tamper` corrupts one file. */
function server(tamper?: FileKey) {
  const files = synthetic();
  const served: string[] = [];
  const digests = Object.fromEntries(
    Object.entries(files).map(([k, v]) => [k, sha256Hex(v)]),
  ) as Record<FileKey, string>;
  const fetch: Fetch = (url) => {
    served.push(url);
    const key = (Object.keys(FILE_NAMES) as FileKey[]).find((k) =>
      url === `${DOWNLOAD_URL}${FILE_NAMES[k]}.gz`
    );
    assert.ok(key, `unexpected url ${url}`);
    const raw = files[key].slice();
    if (key === tamper) raw[raw.length - 1] ^= 1;
    const body = gz(raw);
    return Promise.resolve({
      ok: true,
      status: 200,
      statusText: "OK",
      arrayBuffer: () => Promise.resolve(body.slice().buffer),
    });
  };
  return { fetch, digests, served };
}

Deno.test("locate: downloads the missing files into the cache, verified", async () => {
  await inTemp(async (root) => {
    const d = await setup(root, ["a", "b", "cache", "system"]);
    // A file already in the cache (say from an interrupted download) is not fetched again.
    await writeDataset(d.cache, { zip: true, skip: ["trainImages", "trainLabels", "testImages"] });
    const { fetch, digests, served } = server();
    await withEnv({ [ENV_VAR]: undefined }, async () => {
      const opts = { cacheDir: d.cache, systemDir: d.system, fetch, digests, ...quiet };
      const got = await locateFashionMnist(opts);
      assert.deepEqual([got.source, got.dir], ["download", d.cache]);
      assert.equal(served.length, 3);
      for (const key of Object.keys(FILE_NAMES) as FileKey[]) {
        assert.equal(got.files[key], join(d.cache, FILE_NAMES[key] + ".gz"));
      }
      assert.deepEqual(
        [...Deno.readDirSync(d.cache)].map((e) => e.name).sort(),
        Object.values(FILE_NAMES).map((n) => n + ".gz").sort(),
      );
      const again = await loadFashionMnist(opts);
      assert.equal(again.source, "cache");
      assert.equal(served.length, 3);
      assert.deepEqual([again.train.count, again.test.count], [20, 10]);
    });
  });
});

Deno.test("locate: a digest mismatch is an error and the bad download is not kept", async () => {
  await inTemp(async (root) => {
    const d = await setup(root, ["a", "b", "cache", "system"]);
    const { fetch, digests } = server("testLabels");
    await withEnv({ [ENV_VAR]: undefined }, async () => {
      await rejectsUser(
        locateFashionMnist({ cacheDir: d.cache, systemDir: d.system, fetch, digests, ...quiet }),
        `${DOWNLOAD_URL}t10k-labels-idx1-ubyte.gz: SHA-256 mismatch (expected ${digests.testLabels}`,
      );
      // The verified files stay for the next try; the bad one leaves nothing, not even a temp file.
      const left = [...Deno.readDirSync(d.cache)].map((e) => e.name).sort();
      assert.deepEqual(left, [
        "t10k-images-idx3-ubyte.gz",
        "train-images-idx3-ubyte.gz",
        "train-labels-idx1-ubyte.gz",
      ]);
    });
  });
});
