"""Makes the PyTorch fixture that tests/io/torch_test.ts checks our import against, without PyTorch.

    python3 tools/torch_fixture.py            # needs python3-torch; writes tests/fixtures/torch/

Writes, for the modules of tools/torch_models.py:
- keys.json: every zoo architecture's state_dict() keys, shapes and dtypes, in order;
- cnn-strided.safetensors: a state dict of torch_models.cnn_strided() after a few SGD steps in
  training mode (so batch-norm running statistics and num_batches_tracked are PyTorch's own);
- mix.safetensors + mix.architecture.json: the same for a small network built by
  torch_models.from_architecture, with every layer type whose layout needs care (conv with bias,
  2-D and 1-D batch norm, residual blocks with identity and projection shortcuts, depthwise
  conv, flatten of a multi-channel map into a dense layer) on 12x12 inputs;
- NAME.batch.safetensors: an input batch ("input", [B, 1, H, W], pixels k/255) and PyTorch's
  eval-mode logits for it ("logits", [B, classes]).
The state dicts are saved as safetensors.torch.save_file(model.state_dict()) would (no metadata).
Seeded: running it again on the same PyTorch gives the same files.
"""

import json
import os
import sys

import torch

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import torch_models as tm  # noqa: E402

try:
    from safetensors.torch import save_file
except ImportError:
    save_file = tm.save_file

OUT = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "tests", "fixtures", "torch")

# 12x12 inputs: conv(bias) 8 -> BN -> ReLU -> maxpool (6x6) -> identity block -> projection block
# (stride 2: 3x3, 12 channels) -> depthwise 3x3 (bias) -> 1x1 conv -> BN -> ReLU -> flatten (108)
# -> BN1d -> dense 16 -> ReLU -> dropout -> dense 5.
MIX = {
    "name": "mix",
    "input": [12, 12, 1],
    "classes": 5,
    "layers": [
        {"type": "conv2d", "filters": 8, "kernel": 3, "padding": "same"},
        {"type": "batchnorm"},
        {"type": "relu"},
        {"type": "maxpool", "size": 2},
        {"type": "residual", "relu": True, "body": [
            {"type": "conv2d", "filters": 8, "kernel": 3, "padding": "same", "bias": False},
            {"type": "batchnorm"},
            {"type": "relu"},
            {"type": "conv2d", "filters": 8, "kernel": 3, "padding": "same", "bias": False},
            {"type": "batchnorm"},
        ]},
        {"type": "residual", "relu": True, "body": [
            {"type": "conv2d", "filters": 12, "kernel": 3, "stride": 2, "padding": "same",
             "bias": False},
            {"type": "batchnorm"},
            {"type": "relu"},
            {"type": "conv2d", "filters": 12, "kernel": 3, "padding": "same", "bias": False},
            {"type": "batchnorm"},
        ], "shortcut": [
            {"type": "conv2d", "filters": 12, "kernel": 1, "stride": 2, "bias": False},
            {"type": "batchnorm"},
        ]},
        {"type": "depthwise_conv2d", "kernel": 3, "padding": "same"},
        {"type": "conv2d", "filters": 12, "kernel": 1, "bias": False},
        {"type": "batchnorm"},
        {"type": "relu"},
        {"type": "flatten"},
        {"type": "batchnorm"},
        {"type": "dense", "units": 16},
        {"type": "relu"},
        {"type": "dropout", "rate": 0.2},
        {"type": "dense", "units": 5},
    ],
}

BATCH = 4


def dtype_name(t):
    return {torch.float32: "F32", torch.int64: "I64"}[t.dtype]


def trained(model, side, classes, seed):
    """`model` after 3 SGD steps on random batches (training mode), then in eval mode."""
    torch.manual_seed(seed)
    opt = torch.optim.SGD(model.parameters(), lr=0.05, momentum=0.9)
    model.train()
    for _ in range(3):
        x = torch.randint(0, 256, (16, 1, side, side)).float() / 255
        y = torch.randint(0, classes, (16,))
        opt.zero_grad()
        torch.nn.functional.cross_entropy(model(x), y).backward()
        opt.step()
    return model.eval()


def write_fixture(name, model, side, classes, seed):
    model = trained(model, side, classes, seed)
    torch.manual_seed(seed + 1)
    x = torch.randint(0, 256, (BATCH, 1, side, side)).float() / 255
    with torch.no_grad():
        logits = model(x)
    save_file(model.state_dict(), os.path.join(OUT, f"{name}.safetensors"))
    save_file({"input": x.contiguous(), "logits": logits.contiguous()},
              os.path.join(OUT, f"{name}.batch.safetensors"),
              metadata={"torch": torch.__version__, "note": "eval-mode logits of the input"})
    print(f"{name}: {len(model.state_dict())} tensors, logits {list(logits.shape)}")


def main():
    os.makedirs(OUT, exist_ok=True)
    keys = {}
    for name, make in tm.ZOO.items():
        keys[name] = [[k, list(t.shape), dtype_name(t)] for k, t in make().state_dict().items()]
    with open(os.path.join(OUT, "keys.json"), "w") as f:
        json.dump({"torch": torch.__version__, "architectures": keys}, f, indent=1)
        f.write("\n")
    torch.manual_seed(0)
    write_fixture("cnn-strided", tm.cnn_strided(), 28, 10, 1)
    torch.manual_seed(0)
    write_fixture("mix", tm.from_architecture(MIX), 12, 5, 2)
    with open(os.path.join(OUT, "mix.architecture.json"), "w") as f:
        json.dump(MIX, f, indent=1)
        f.write("\n")


if __name__ == "__main__":
    main()
