"""Checks an exported model in PyTorch: loads it into its tools/torch_models.py module with a strict
load_state_dict, runs it on a batch and compares with the workbench's logits for that batch.

    python3 tools/torch_check.py WEIGHTS.safetensors BATCH.safetensors

WEIGHTS: written by `deno task export` (its metadata names the architecture). BATCH: "input"
[N, 1, 28, 28] (pixels / 255), "logits" [N, classes] (ours), optionally "labels" [N] (as F32).
Prints one JSON object: the module, the number of keys loaded, the largest absolute and relative
logit differences, how many predictions agree, and both accuracies when labels are given.
Used by tools/torch_verify.ts; needs python3-torch.
"""

import json
import os
import sys

import torch

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import torch_models as tm  # noqa: E402

try:
    from safetensors.torch import load_file
except ImportError:
    load_file = tm.load_file


def main(weights_path, batch_path):
    state = load_file(weights_path)
    _, metadata = tm.read_file(weights_path)
    arch = json.loads(metadata["architecture"])
    make = tm.ZOO.get(arch["name"])
    # The zoo's hand-written module where there is one; the generic builder otherwise.
    model = make(arch["classes"]) if make else tm.from_architecture(arch)
    result = model.load_state_dict(state, strict=True)
    assert not result.missing_keys and not result.unexpected_keys
    model.eval()
    batch = load_file(batch_path)
    x, ours = batch["input"], batch["logits"]
    with torch.no_grad():
        theirs = torch.cat([model(x[i:i + 500]) for i in range(0, len(x), 500)])
    diff = (theirs - ours).abs()
    out = {
        "architecture": arch["name"],
        "module": f"torch_models.{make.__name__}" if make else "torch_models.from_architecture",
        "keys": len(state),
        "images": len(x),
        "maxAbsDiff": diff.max().item(),
        "maxRelDiff": (diff / ours.abs().clamp(min=1)).max().item(),
        "predictionsAgree": int((theirs.argmax(1) == ours.argmax(1)).sum().item()),
        "torch": torch.__version__,
    }
    if "labels" in batch:
        labels = batch["labels"].long()
        out["torchAccuracy"] = (theirs.argmax(1) == labels).float().mean().item()
        out["ourAccuracy"] = (ours.argmax(1) == labels).float().mean().item()
    print(json.dumps(out))


if __name__ == "__main__":
    if len(sys.argv) != 3:
        sys.exit(__doc__)
    main(sys.argv[1], sys.argv[2])
