import assert from "node:assert/strict";
import { architectureSvg } from "../../src/report/diagram.ts";
import { architecture, ARCHITECTURES } from "../../src/nn/zoo.ts";
import { architectureSummary } from "../../src/nn/summary.ts";

/**
 * A strict-enough XML well-formedness check for generated SVG (Deno has no DOMParser): tags
 * balance, attributes are quoted, text holds no bare "<" or unknown entities.
 */
function assertWellFormed(svg: string) {
  const stack: string[] = [];
  const token = /<(\/?)([a-zA-Z][\w:-]*)((?:\s+[\w:-]+="[^"<]*")*)\s*(\/?)>|([^<]+)|(<)/g;
  let m: RegExpExecArray | null;
  let roots = 0;
  while ((m = token.exec(svg))) {
    const [, close, tag, , selfClose, text, stray] = m;
    if (stray) {
      throw new Error(`malformed markup at ${m.index}: ${svg.slice(m.index, m.index + 40)}`);
    }
    if (text !== undefined) {
      const entity = /&(?!(amp|lt|gt|quot|apos);)/.exec(text);
      if (entity) throw new Error(`bare & in text at ${m.index}`);
      if (stack.length === 0 && text.trim()) throw new Error("text outside the root element");
      continue;
    }
    if (close) {
      const open = stack.pop();
      if (open !== tag) throw new Error(`</${tag}> closes <${open}> at ${m.index}`);
    } else if (!selfClose) {
      if (stack.length === 0) roots++;
      stack.push(tag);
    } else if (stack.length === 0) roots++;
  }
  assert.deepEqual(stack, [], "unclosed elements");
  assert.equal(roots, 1, "one root element");
}

function textOf(svg: string): string {
  return [...svg.matchAll(/<text[^>]*>([^<]*)<\/text>/g)].map((m) => m[1]).join("\n")
    .replace(/&quot;/g, '"').replace(/&lt;/g, "<").replace(/&gt;/g, ">").replace(/&amp;/g, "&");
}

Deno.test("architectureSvg is well-formed SVG that names every layer, nested ones included", () => {
  for (const name of Object.keys(ARCHITECTURES)) {
    const arch = architecture(name);
    const svg = architectureSvg(arch);
    assert.match(svg, /^<svg xmlns="http:\/\/www\.w3\.org\/2000\/svg" width="\d+" height="\d+"/);
    assertWellFormed(svg);
    const text = textOf(svg);
    for (const row of architectureSummary(arch).layers) {
      assert.ok(text.includes(`${row.layer}: ${row.description}`), `${name}: ${row.layer} missing`);
      assert.ok(text.includes(`[${row.output.join(", ")}]`), `${name}: shape of ${row.layer}`);
    }
    assert.ok(text.includes("input [28, 28, 1]") && text.includes("logits [10]"), name);
  }
});

Deno.test("residual blocks are framed, with one skip arrow into one add node each", () => {
  const svg = architectureSvg(architecture("resnet"));
  const frames = svg.match(/stroke-dasharray/g) ?? [];
  const skips = svg.match(/<path d="M[^"]*" fill="none" stroke="#c0392b"/g) ?? [];
  const adds = svg.match(/>\+<\/text>/g) ?? [];
  assert.equal(frames.length, 3);
  assert.equal(skips.length, 3);
  assert.equal(adds.length, 3);
  // A plain CNN has none of them.
  const cnn = architectureSvg(architecture("cnn"));
  assert.doesNotMatch(cnn, /stroke-dasharray|>\+<\/text>/);
});

Deno.test("a diagram is named by its saved model, and by its architecture where they differ", () => {
  const cnn = architecture("cnn");
  const same = architectureSvg(cnn, { model: "cnn" });
  assert.match(same, /aria-label="cnn architecture"/);
  const best = architectureSvg(cnn, { model: "cnn-best" });
  assertWellFormed(best);
  assert.match(best, /aria-label="cnn-best \(architecture cnn\) architecture"/);
  assert.ok(textOf(best).includes("cnn-best (architecture cnn)"));
  assert.ok(!textOf(same).includes("architecture cnn"));
});
