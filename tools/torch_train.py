"""Trains a zoo network in PyTorch (tools/torch_models.py) on Fashion-MNIST and saves its state dict,
for importing into the workbench:

    python3 tools/torch_train.py --model cnn --epochs 1 --limit 12000 --out /tmp/cnn-torch.safetensors
    deno task train --init /tmp/cnn-torch.safetensors --epochs 0 --out models/cnn-torch

Prints PyTorch's test accuracy on the 10,000 test images as JSON on stdout, to compare with what the
workbench measures for the imported model. Needs python3-torch and numpy; reads the gzipped IDX
files from --data-dir (default /usr/share/datasets/fashion-mnist, Debian's dataset-fashion-mnist).
"""

import argparse
import gzip
import json
import os
import sys
import time

import numpy as np
import torch

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import torch_models as tm  # noqa: E402


def idx(path):
    raw = gzip.open(path).read() if path.endswith(".gz") else open(path, "rb").read()
    dims = [int.from_bytes(raw[4 + 4 * i:8 + 4 * i], "big") for i in range(raw[3])]
    return np.frombuffer(raw, np.uint8, offset=4 + 4 * len(dims)).reshape(dims)


def load(data_dir, split):
    find = lambda stem: next(os.path.join(data_dir, stem + ext) for ext in (".gz", "")
                             if os.path.exists(os.path.join(data_dir, stem + ext)))
    x = idx(find(f"{split}-images-idx3-ubyte")).astype(np.float32) / 255
    y = idx(find(f"{split}-labels-idx1-ubyte")).astype(np.int64)
    return torch.from_numpy(x).unsqueeze(1), torch.from_numpy(y)


def main():
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("--model", default="cnn", choices=sorted(tm.ZOO))
    p.add_argument("--epochs", type=int, default=1)
    p.add_argument("--limit", type=int, default=60000, help="first N training images")
    p.add_argument("--lr", type=float, default=1e-3)
    p.add_argument("--seed", type=int, default=1)
    p.add_argument("--data-dir", default="/usr/share/datasets/fashion-mnist")
    p.add_argument("--out", required=True)
    a = p.parse_args()
    torch.manual_seed(a.seed)
    x, y = load(a.data_dir, "train")
    x, y = x[:a.limit], y[:a.limit]
    tx, ty = load(a.data_dir, "t10k")
    model = tm.ZOO[a.model]()
    opt = torch.optim.Adam(model.parameters(), lr=a.lr)
    started = time.time()
    for epoch in range(a.epochs):
        model.train()
        order = torch.randperm(len(x))
        for i in range(0, len(x), 128):
            batch = order[i:i + 128]
            opt.zero_grad()
            torch.nn.functional.cross_entropy(model(x[batch]), y[batch]).backward()
            opt.step()
        print(f"epoch {epoch + 1}/{a.epochs} done", file=sys.stderr)
    model.eval()
    with torch.no_grad():
        pred = torch.cat([model(tx[i:i + 1000]).argmax(1) for i in range(0, len(tx), 1000)])
    save = tm.save_file
    try:
        from safetensors.torch import save_file as save
    except ImportError:
        pass
    save(model.state_dict(), a.out)
    print(json.dumps({"model": a.model, "out": a.out, "epochs": a.epochs, "trainImages": len(x),
                      "trainSeconds": time.time() - started, "torch": torch.__version__,
                      "testAccuracy": (pred == ty).float().mean().item()}))


if __name__ == "__main__":
    main()
