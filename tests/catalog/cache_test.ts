// The embedding cache is written atomically and, being untrusted when read, every damaged,
// foreign or stale file is a miss with a reason, never an exception or a wrong answer.
import assert from "node:assert/strict";
import { join } from "node:path";
import {
  cachePath,
  type EmbeddingCache,
  readEmbeddingCache,
  sha256,
  writeEmbeddingCache,
} from "../../src/catalog/cache.ts";
import { l2Normalize } from "../../src/catalog/neighbours.ts";

const DIM = 5;

function sample(pixels: boolean): EmbeddingCache {
  const count = 7;
  const embeddings = l2Normalize(
    Float32Array.from({ length: count * DIM }, (_, i) => ((i * 37) % 11) - 3),
    DIM,
  );
  return {
    weights: sha256(new Uint8Array([1, 2, 3])),
    catalogue: sha256(["folder", "a", "b"]),
    count,
    dim: DIM,
    classNames: ["a", "b"],
    files: pixels ? Array.from({ length: count }, (_, i) => `a/${i}.png`) : null,
    embeddings,
    labels: Uint8Array.from({ length: count }, (_, i) => i % 2),
    pixels: pixels ? Uint8Array.from({ length: count * 784 }, (_, i) => i % 251) : null,
  };
}

const expectOf = (c: EmbeddingCache) => ({
  weights: c.weights,
  catalogue: c.catalogue,
  dim: c.dim,
  count: c.count,
});

Deno.test("a cache file reads back what was written, with and without pixels", async () => {
  const dir = await Deno.makeTempDir({ prefix: "emb_cache_" });
  try {
    for (const pixels of [false, true]) {
      const c = sample(pixels);
      const path = cachePath(dir, c.weights, c.catalogue);
      assert.match(path, /[0-9a-f]{16}-[0-9a-f]{16}\.emb$/);
      await writeEmbeddingCache(path, c);
      const read = await readEmbeddingCache(path, expectOf(c));
      assert.ok("cache" in read, JSON.stringify(read));
      assert.deepEqual(read.cache, c);
      // No temporary file left beside it.
      assert.deepEqual([...Deno.readDirSync(dir)].map((e) => e.name), [path.split("/").at(-1)]);
      await Deno.remove(path);
    }
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("stale, foreign and damaged cache files are misses with a reason", async () => {
  const dir = await Deno.makeTempDir({ prefix: "emb_cache_" });
  try {
    const c = sample(true);
    const path = join(dir, "x.emb");
    await writeEmbeddingCache(path, c);
    const good = await Deno.readFile(path);
    const miss = async (bytes: Uint8Array | null, expect = expectOf(c)) => {
      if (bytes) await Deno.writeFile(path, bytes);
      const r = await readEmbeddingCache(path, expect);
      assert.ok("miss" in r, "expected a miss");
      return r.miss;
    };
    assert.match(
      await miss(null, { ...expectOf(c), weights: sha256(new Uint8Array([9])) }),
      /other weights/,
    );
    assert.match(await miss(null, { ...expectOf(c), catalogue: "x" }), /another catalogue/);
    assert.match(await miss(null, { ...expectOf(c), dim: 6 }), /embedding size/);
    assert.match(await miss(null, { ...expectOf(c), count: 8 }), /another count/);
    assert.match(await miss(good.subarray(0, good.length - 1)), /bytes where .* are due/);
    assert.match(await miss(new Uint8Array([...good, 0])), /bytes where .* are due/);
    assert.match(await miss(new Uint8Array(0)), /not a cache/);
    const magic = good.slice();
    magic[0] = 0x58;
    assert.match(await miss(magic), /not a cache file/);
    const length = good.slice();
    new DataView(length.buffer).setUint32(8, 0xfffffff0, true);
    assert.match(await miss(length), /header length/);
    const header = good.slice();
    header[12] = 0x5b; // "[": not an object
    assert.match(await miss(header), /damaged header/);
    // A NaN in the embeddings, then a row not of unit length.
    const headerLength = new DataView(good.buffer).getUint32(8, true);
    const nan = good.slice();
    new DataView(nan.buffer).setFloat32(12 + headerLength + 4, NaN, true);
    assert.match(await miss(nan), /NaN or infinite/);
    const long = good.slice();
    new DataView(long.buffer).setFloat32(12 + headerLength, 5, true);
    assert.match(await miss(long), /unit length/);
    const label = good.slice();
    label[12 + headerLength + c.count * DIM * 4] = 9;
    assert.match(await miss(label), /label outside/);
    await Deno.remove(path);
    assert.match(await miss(null), /no cache yet/);
    await Deno.mkdir(path);
    assert.match(await miss(null), /not a regular file/);
    await Deno.remove(path);
    await Deno.symlink("/dev/zero", path);
    assert.match(await miss(null), /not a regular file/);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});
