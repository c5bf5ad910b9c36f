#!/usr/bin/env python3
"""PyTorch's training step for the workbench's reference CNN, timed like bench/training_bench.ts.

The network is src/nn/zoo.ts's `cnn`: Conv3x3(32, same, bias)-BN-ReLU-MaxPool2 ->
Conv3x3(64, same, bias)-BN-ReLU-MaxPool2 -> Flatten -> Dense128-ReLU-Dropout(0.3) -> Dense10
(421,834 parameters), trained with Adam (lr 1e-3) and cross-entropy on synthetic data: random
pixels in [0, 1) and random labels. A step is what our bench times: the batch copied to the
device (from pinned host memory on CUDA; a no-op on the CPU), forward, loss, backward, Adam.

  python3 bench/torch_cnn.py [--device cpu|cuda] [--batch-sizes 32,128,512] [--steps N]
                             [--repeats R] [--threads T] [--json]

Without --steps, each measurement times as many steps as fill about --seconds (2.5) seconds,
estimated from untimed calibration steps after the warm-up. The figure for a batch size is the
median of --repeats measurements. --json prints one JSON object on stdout; everything else goes
to stderr. Needs only PyTorch (tested with 1.13 on the CPU and 2.x with CUDA). bench/peer_bench.ts
runs it next to our own step.
"""

import argparse
import json
import os
import platform
import statistics
import sys
import time

import torch

# The zoo's modules in PyTorch (the export/import layouts are checked against them): the network
# timed here is tools/torch_models.py's `cnn`, not a second copy of it.
sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "tools"))
from torch_models import cnn as reference_cnn  # noqa: E402

PARAMETERS = 421_834


def note(*args):
    print("torch_cnn:", *args, file=sys.stderr, flush=True)


def cpu_name():
    try:
        with open("/proc/cpuinfo") as f:
            for line in f:
                if line.startswith("model name"):
                    return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or platform.machine() or "cpu"


def all_cores():
    try:
        return len(os.sched_getaffinity(0))
    except AttributeError:
        return os.cpu_count() or 1


def batch_sizes(text):
    sizes = [int(s) for s in text.split(",") if s.strip()]
    if not sizes or any(b < 1 for b in sizes):
        raise argparse.ArgumentTypeError(f"not a list of positive batch sizes: {text!r}")
    return sizes


def positive(text):
    n = int(text)
    if n < 1:
        raise argparse.ArgumentTypeError(f"must be at least 1: {text!r}")
    return n


class Trainer:
    """One model, optimiser and synthetic batch; `steps(n)` runs n training steps and waits."""

    def __init__(self, device, batch, seed=1):
        torch.manual_seed(seed)
        self.device = device
        self.model = reference_cnn().to(device).train()
        count = sum(p.numel() for p in self.model.parameters())
        if count != PARAMETERS:
            raise SystemExit(f"torch_cnn: {count} parameters, expected {PARAMETERS}")
        self.optimizer = torch.optim.Adam(self.model.parameters(), lr=1e-3)
        self.loss = torch.nn.CrossEntropyLoss()
        pixels = torch.rand(batch, 1, 28, 28)
        labels = torch.randint(0, 10, (batch,))
        if device.type == "cuda":
            pixels, labels = pixels.pin_memory(), labels.pin_memory()
        self.pixels, self.labels = pixels, labels

    def sync(self):
        if self.device.type == "cuda":
            torch.cuda.synchronize(self.device)

    def steps(self, n):
        for _ in range(n):
            x = self.pixels.to(self.device, non_blocking=True)
            y = self.labels.to(self.device, non_blocking=True)
            self.optimizer.zero_grad(set_to_none=True)
            self.loss(self.model(x), y).backward()
            self.optimizer.step()
        self.sync()

    def timed(self, n):
        self.sync()
        t0 = time.perf_counter()
        self.steps(n)
        return time.perf_counter() - t0


def measure(device, batch, args):
    trainer = Trainer(device, batch)
    trainer.steps(args.warmup)
    steps = args.steps
    if steps is None:
        # Calibration: whole steps until a quarter second has passed (more warm-up, too).
        done, spent = 0, 0.0
        while spent < 0.25:
            spent += trainer.timed(1)
            done += 1
        steps = max(3, round(args.seconds / (spent / done)))
    times = [trainer.timed(steps) for _ in range(args.repeats)]
    seconds = statistics.median(times)
    result = {
        "batch": batch,
        "imagesPerSecond": round(batch * steps / seconds, 2),
        "msPerStep": round(seconds / steps * 1000, 3),
        "steps": steps,
        "repeats": args.repeats,
    }
    note(
        f"batch {batch}: {result['imagesPerSecond']:.1f} images/s, "
        f"{result['msPerStep']:.2f} ms/step ({steps} steps, median of {args.repeats})"
    )
    return result


def main(argv=None):
    parser = argparse.ArgumentParser(
        description="Times PyTorch training steps of the workbench's reference CNN."
    )
    parser.add_argument("--device", choices=["cpu", "cuda"], default="cpu")
    parser.add_argument("--batch-sizes", type=batch_sizes, default=[32, 128, 512])
    parser.add_argument(
        "--steps", type=positive, default=None,
        help="timed steps per measurement (default: as many as fill --seconds)",
    )
    parser.add_argument("--seconds", type=float, default=2.5,
                        help="target length of a measurement without --steps (default 2.5)")
    parser.add_argument("--repeats", type=positive, default=3,
                        help="measurements per batch size; the median is reported (default 3)")
    parser.add_argument("--warmup", type=int, default=3, help="untimed steps first (default 3)")
    parser.add_argument("--threads", type=positive, default=None,
                        help="CPU threads (default: all cores)")
    parser.add_argument("--json", action="store_true", help="print one JSON object on stdout")
    args = parser.parse_args(argv)

    threads = args.threads or all_cores()
    torch.set_num_threads(threads)
    if args.device == "cuda":
        if not torch.cuda.is_available():
            raise SystemExit(
                f"torch_cnn: --device cuda but torch {torch.__version__} sees no CUDA device"
            )
        torch.backends.cudnn.benchmark = True
        device = torch.device("cuda")
        device_name = torch.cuda.get_device_name(device)
    else:
        device = torch.device("cpu")
        device_name = cpu_name()
    note(f"torch {torch.__version__} on {args.device} ({device_name}), {threads} threads")

    results = [measure(device, b, args) for b in args.batch_sizes]
    report = {
        "torch": torch.__version__,
        "device": args.device,
        "deviceName": device_name,
        "threads": threads,
        "results": results,
    }
    if args.json:
        print(json.dumps(report), flush=True)
    else:
        for r in results:
            print(f"batch {r['batch']:>5}: {r['imagesPerSecond']:>10.1f} images/s "
                  f"{r['msPerStep']:>9.2f} ms/step")


if __name__ == "__main__":
    main()
