"""Trains a zoo network in PyTorch (tools/torch_models.py) on Fashion-MNIST and saves its state dict,
for importing into the workbench, or times it as the peer of `deno task tta-bench`:

    python3 tools/torch_train.py --model cnn --epochs 1 --limit 12000 --out /tmp/cnn-torch.safetensors
    deno task train --init /tmp/cnn-torch.safetensors --epochs 0 --out models/cnn-torch

Prints PyTorch's test accuracy on the 10,000 test images as JSON on stdout, to compare with what the
workbench measures for the imported model.

The workbench's default recipe (deno task train; src/train/recipe.ts, from which deno task tta-bench
builds these arguments) is --optimizer adamw --lr 3e-3 --weight-decay 0.01 --schedule onecycle
--label-smoothing 0.1 --batch-size 128 --epochs 12: AdamW (decoupled decay), PyTorch's OneCycleLR
(30% rising, cosine, div 25 and 1e4, momentum not cycled, as src/optim/schedule.ts), cross-entropy
with label smoothing. --augment flip mirrors each training image with probability 1/2, --tta scores
the test images with flip test-time augmentation. The weights start from PyTorch's default
initialisation, not the workbench's He normal. With --val-indices FILE (a JSON list of training-
image indices, e.g. the workbench's stratified split) those images are held out and each epoch
prints one JSON line {"epoch", "valAccuracy", "seconds"} on stdout (seconds since the process
started, validation included); the summary stays the last line. --out is optional then. Needs
python3-torch and numpy; reads the gzipped IDX files from --data-dir (default
/usr/share/datasets/fashion-mnist, Debian's dataset-fashion-mnist).
"""

import time

PROCESS_START = time.time()  # before numpy and torch load: their import is part of the run

import argparse  # noqa: E402
import gzip  # noqa: E402
import json  # noqa: E402
import os  # noqa: E402
import sys  # noqa: E402

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


def accuracy(model, x, y, tta=False):
    """Top-1 accuracy; with tta, of the mean of the softmax of each image and its mirror image
    (src/augment/tta.ts)."""
    model.eval()

    def predict(b):
        if not tta:
            return model(b).argmax(1)
        return (model(b).softmax(1) + model(b.flip(3)).softmax(1)).argmax(1)

    with torch.no_grad():
        pred = torch.cat([predict(x[i:i + 1000]) for i in range(0, len(x), 1000)])
    # The count over the total in double precision: a float32 mean reads 5,640 of 6,000 as
    # 0.93999999, under a 94% target it met.
    return (pred == y).sum().item() / len(y)


def he_init(model):
    """The workbench's initialisation (src/nn/layers.ts): He normal weights for convolutions and
    dense layers, std sqrt(2 / fan_in) with fan_in = inputs × kernel area, and zero biases."""
    for m in model.modules():
        if isinstance(m, (torch.nn.Conv2d, torch.nn.Linear)):
            torch.nn.init.kaiming_normal_(m.weight, mode="fan_in", nonlinearity="relu")
            if m.bias is not None:
                torch.nn.init.zeros_(m.bias)


def flip_half(x, generator):
    """Mirrors each image of the batch [B, 1, H, W] with probability 1/2 (--augment flip)."""
    mirror = torch.rand(len(x), generator=generator) < 0.5
    return torch.where(mirror[:, None, None, None], x.flip(3), x)


def main():
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("--model", default="cnn", choices=sorted(tm.ZOO))
    p.add_argument("--epochs", type=int, default=1)
    p.add_argument("--limit", type=int, default=60000, help="first N training images")
    p.add_argument("--lr", type=float, default=1e-3)
    p.add_argument("--optimizer", choices=["adam", "adamw"], default="adam")
    p.add_argument("--weight-decay", type=float, default=0.0)
    p.add_argument("--schedule", choices=["constant", "onecycle"], default="constant")
    p.add_argument("--label-smoothing", type=float, default=0.0)
    p.add_argument("--batch-size", type=int, default=128)
    p.add_argument("--augment", choices=["none", "flip"], default="none",
                   help="flip: mirror each training image with probability 1/2")
    p.add_argument("--tta", action="store_true",
                   help="test accuracy with flip test-time augmentation")
    p.add_argument("--init", choices=["torch", "he"], default="torch",
                   help="torch: PyTorch's default initialisation; he: the workbench's (He normal "
                   "weights, std sqrt(2/fan_in), zero biases)")
    p.add_argument("--val-indices", help="JSON list of training indices to hold out and score")
    p.add_argument("--threads", type=int, default=None, help="CPU threads (default: all cores)")
    p.add_argument("--seed", type=int, default=1)
    p.add_argument("--data-dir", default="/usr/share/datasets/fashion-mnist")
    p.add_argument("--out", help="where to save the state dict (safetensors)")
    a = p.parse_args()
    if not a.out and not a.val_indices:
        p.error("give --out (save the weights) or --val-indices (time to accuracy), or both")
    torch.manual_seed(a.seed)
    torch.set_num_threads(a.threads or len(os.sched_getaffinity(0)))
    x, y = load(a.data_dir, "train")
    x, y = x[:a.limit], y[:a.limit]
    vx = vy = None
    if a.val_indices:
        with open(a.val_indices) as f:
            held = torch.tensor(json.load(f), dtype=torch.long)
        held = held[held < len(x)]
        keep = torch.ones(len(x), dtype=torch.bool)
        keep[held] = False
        vx, vy, x, y = x[held], y[held], x[keep], y[keep]
    tx, ty = load(a.data_dir, "t10k")
    model = tm.ZOO[a.model]()
    if a.init == "he":
        he_init(model)
    Opt = torch.optim.AdamW if a.optimizer == "adamw" else torch.optim.Adam
    opt = Opt(model.parameters(), lr=a.lr, weight_decay=a.weight_decay)
    steps_per_epoch = (len(x) + a.batch_size - 1) // a.batch_size
    sched = None
    if a.schedule == "onecycle":
        sched = torch.optim.lr_scheduler.OneCycleLR(
            opt, max_lr=a.lr, total_steps=a.epochs * steps_per_epoch, pct_start=0.3,
            anneal_strategy="cos", div_factor=25, final_div_factor=1e4, cycle_momentum=False)
    loss_fn = torch.nn.CrossEntropyLoss(label_smoothing=a.label_smoothing)
    flips = torch.Generator().manual_seed(a.seed + 1)
    started = time.time()
    history = []
    for epoch in range(a.epochs):
        model.train()
        order = torch.randperm(len(x))
        for i in range(0, len(x), a.batch_size):
            batch = order[i:i + a.batch_size]
            xb = x[batch] if a.augment == "none" else flip_half(x[batch], flips)
            opt.zero_grad()
            loss_fn(model(xb), y[batch]).backward()
            opt.step()
            if sched:
                sched.step()
        line = {"epoch": epoch + 1}
        if vx is not None:
            line["valAccuracy"] = accuracy(model, vx, vy)
        line["seconds"] = time.time() - PROCESS_START
        history.append(line)
        if vx is not None:
            print(json.dumps(line), flush=True)
        print(f"epoch {epoch + 1}/{a.epochs} done"
              + (f", val_acc {line['valAccuracy'] * 100:.2f}%" if vx is not None else ""),
              file=sys.stderr, flush=True)
    train_seconds = time.time() - started
    test_accuracy = accuracy(model, tx, ty, a.tta)
    if a.out:
        save = tm.save_file
        try:
            from safetensors.torch import save_file as save
        except ImportError:
            pass
        save(model.state_dict(), a.out)
    print(json.dumps({"model": a.model, "out": a.out, "epochs": a.epochs, "trainImages": len(x),
                      "validationImages": 0 if vx is None else len(vx),
                      "trainSeconds": train_seconds, "torch": torch.__version__,
                      "threads": torch.get_num_threads(), "history": history,
                      "augment": a.augment, "tta": a.tta, "init": a.init, "testAccuracy": test_accuracy}))


if __name__ == "__main__":
    main()
