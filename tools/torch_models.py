"""PyTorch modules equivalent to the workbench's model zoo (src/nn/zoo.ts).

`deno task export --model DIR --format torch` writes a safetensors file whose keys, shapes and
element orders are those of these modules' state_dict(), so

    import torch_models, safetensors.torch
    model = torch_models.cnn()                       # or from_architecture(config["architecture"])
    model.load_state_dict(safetensors.torch.load_file("models/cnn/weights.torch.safetensors"))
    model.eval()
    logits = model(x)                                # x: [B, 1, 28, 28] float32, pixels / 255

predicts what the workbench predicts, and `deno task train --init FILE` reads a state dict of one
of these modules saved with safetensors.torch.save_file(model.state_dict(), FILE).

Each module is an nn.Sequential whose index i is layer i of the workbench's network (ReLU, pooling,
dropout and flatten included), so the state-dict keys match the layer numbers that
`deno task summary --model NAME` prints. A residual block is `Residual` (body, then shortcut).
Inputs are NCHW as usual in PyTorch; the workbench is NHWC inside and converts on export/import.

Needs only torch (Debian: apt-get install python3-torch). `load_file`/`save_file` below read and
write safetensors files without the `safetensors` package, for machines that lack it.
"""

import json
import struct

import torch
from torch import nn


class Residual(nn.Module):
    """out = body(x) + shortcut(x), then a ReLU when `relu`; an empty shortcut is the identity."""

    def __init__(self, body, shortcut=(), relu=True):
        super().__init__()
        self.body = nn.Sequential(*body)
        self.shortcut = nn.Sequential(*shortcut)
        self.relu = relu

    def forward(self, x):
        y = self.body(x) + self.shortcut(x)
        return torch.relu(y) if self.relu else y


class GlobalAvgPool(nn.Module):
    """Mean over the pixels of each channel: [B, C, H, W] -> [B, C]."""

    def forward(self, x):
        return x.mean(dim=(2, 3))


def conv_block(c_in, filters):
    """3x3 'same' conv (with bias) -> batch norm -> ReLU -> 2x2 max-pool."""
    return [nn.Conv2d(c_in, filters, 3, padding=1), nn.BatchNorm2d(filters), nn.ReLU(),
            nn.MaxPool2d(2)]


def conv_bn_relu(c_in, filters, stride=1):
    """3x3 'same' conv without bias (batch norm's beta plays that part) -> batch norm -> ReLU."""
    return [nn.Conv2d(c_in, filters, 3, stride, padding=1, bias=False), nn.BatchNorm2d(filters),
            nn.ReLU()]


def double_conv_block(c_in, filters, rate):
    return [*conv_bn_relu(c_in, filters), *conv_bn_relu(filters, filters), nn.MaxPool2d(2),
            nn.Dropout(rate)]


def separable_block(c_in, filters, stride=1):
    """MobileNet's block: 3x3 depthwise conv (groups = channels) and 1x1 conv, each with BN + ReLU."""
    return [nn.Conv2d(c_in, c_in, 3, stride, padding=1, groups=c_in, bias=False),
            nn.BatchNorm2d(c_in), nn.ReLU(),
            nn.Conv2d(c_in, filters, 1, bias=False), nn.BatchNorm2d(filters), nn.ReLU()]


def basic_block(c_in, filters, stride=1):
    """ResNet's basic block; a strided 1x1 conv + BN shortcut where resolution or width change."""
    body = [*conv_bn_relu(c_in, filters, stride),
            nn.Conv2d(filters, filters, 3, padding=1, bias=False), nn.BatchNorm2d(filters)]
    project = stride != 1 or c_in != filters
    shortcut = [nn.Conv2d(c_in, filters, 1, stride, bias=False), nn.BatchNorm2d(filters)] \
        if project else []
    return Residual(body, shortcut, relu=True)


def cnn(classes=10):
    """The reference CNN: two conv blocks and a dense head (28 -> 14 -> 7)."""
    return nn.Sequential(*conv_block(1, 32), *conv_block(32, 64), nn.Flatten(),
                         nn.Linear(64 * 7 * 7, 128), nn.ReLU(), nn.Dropout(0.3),
                         nn.Linear(128, classes))


def cnn_deep(classes=10):
    """VGG-style: three double-conv blocks (28 -> 14 -> 7 -> 3) and a 256-unit head."""
    return nn.Sequential(*double_conv_block(1, 16, 0.2), *double_conv_block(16, 32, 0.25),
                         *double_conv_block(32, 64, 0.3), nn.Flatten(),
                         nn.Linear(64 * 3 * 3, 256), nn.ReLU(), nn.Dropout(0.4),
                         nn.Linear(256, classes))


def cnn_strided(classes=10):
    """All-convolutional: stride-2 convs downsample (28 -> 14 -> 7 -> 4)."""
    return nn.Sequential(*conv_bn_relu(1, 32, 2), *conv_bn_relu(32, 64, 2),
                         *conv_bn_relu(64, 128, 2), nn.Flatten(), nn.Dropout(0.3),
                         nn.Linear(128 * 4 * 4, classes))


def mobilenet(classes=10):
    return nn.Sequential(*conv_bn_relu(1, 32, 2), *separable_block(32, 64),
                         *separable_block(64, 128, 2), *separable_block(128, 128),
                         *separable_block(128, 256, 2), *separable_block(256, 256),
                         GlobalAvgPool(), nn.Linear(256, classes))


def resnet(classes=10):
    return nn.Sequential(*conv_bn_relu(1, 32), basic_block(32, 32, 2), basic_block(32, 64, 2),
                         basic_block(64, 128, 2), GlobalAvgPool(), nn.Linear(128, classes))


def softmax(classes=10):
    """Multinomial logistic regression on flattened pixels."""
    return nn.Sequential(nn.Flatten(), nn.Linear(784, classes))


def linear_svm(classes=10):
    """A linear SVM (trained with a multi-class hinge loss): the same module as softmax."""
    return nn.Sequential(nn.Flatten(), nn.Linear(784, classes))


def mlp(classes=10):
    return nn.Sequential(nn.Flatten(), nn.Linear(784, 256), nn.ReLU(), nn.Dropout(0.2),
                         nn.Linear(256, 128), nn.ReLU(), nn.Dropout(0.2),
                         nn.Linear(128, classes))


ZOO = {"cnn": cnn, "cnn-deep": cnn_deep, "cnn-strided": cnn_strided, "mobilenet": mobilenet,
       "resnet": resnet, "softmax": softmax, "linear-svm": linear_svm, "mlp": mlp}


def from_architecture(arch):
    """The module for an architecture as config.json (or an exported file's metadata) gives it."""

    def build(specs, shape):
        modules = []
        for spec in specs:
            module, shape = layer(spec, shape)
            modules.append(module)
        return modules, shape

    def layer(spec, shape):
        kind = spec["type"]
        h, w, c = shape if len(shape) == 3 else (None, None, shape[0])
        if kind in ("conv2d", "depthwise_conv2d"):
            k, stride = spec["kernel"], spec.get("stride", 1)
            pad = spec.get("padding", 0)
            pad = (k - 1) // 2 if pad == "same" else pad
            out = spec["filters"] if kind == "conv2d" else c
            groups = 1 if kind == "conv2d" else c
            size = lambda n: (n + 2 * pad - k) // stride + 1
            return (nn.Conv2d(c, out, k, stride, pad, groups=groups, bias=spec.get("bias", True)),
                    [size(h), size(w), out])
        if kind == "batchnorm":
            bn = nn.BatchNorm2d if len(shape) == 3 else nn.BatchNorm1d
            return bn(c, eps=spec.get("eps", 1e-5), momentum=spec.get("momentum", 0.1)), shape
        if kind == "relu":
            return nn.ReLU(), shape
        if kind == "maxpool":
            s = spec.get("stride", spec["size"])
            size = lambda n: (n - spec["size"]) // s + 1
            return nn.MaxPool2d(spec["size"], s), [size(h), size(w), c]
        if kind == "global_avgpool":
            return GlobalAvgPool(), [c]
        if kind == "flatten":
            n = 1
            for d in shape:
                n *= d
            return nn.Flatten(), [n]
        if kind == "dense":
            return nn.Linear(shape[0], spec["units"]), [spec["units"]]
        if kind == "dropout":
            return nn.Dropout(spec["rate"]), shape
        if kind == "residual":
            body, out = build(spec["body"], shape)
            shortcut, _ = build(spec.get("shortcut", []), shape)
            return Residual(body, shortcut, spec.get("relu", False)), out
        raise ValueError(f"unknown layer type {kind!r}")

    modules, _ = build(arch["layers"], list(arch["input"]))
    return nn.Sequential(*modules)


# safetensors (https://github.com/huggingface/safetensors#format) without the package.
_DTYPES = {"F32": torch.float32, "F64": torch.float64, "F16": torch.float16,
           "BF16": torch.bfloat16, "I64": torch.int64, "I32": torch.int32, "U8": torch.uint8}
_NAMES = {v: k for k, v in _DTYPES.items()}


def load_file(path):
    """{name: tensor} from a safetensors file, like safetensors.torch.load_file."""
    return read_file(path)[0]


def read_file(path):
    """({name: tensor}, metadata dict) from a safetensors file."""
    with open(path, "rb") as f:
        raw = f.read()
    (n,) = struct.unpack("<Q", raw[:8])
    header = json.loads(raw[8:8 + n])
    metadata = header.pop("__metadata__", {}) or {}
    data = raw[8 + n:]
    out = {}
    for name, e in header.items():
        start, end = e["data_offsets"]
        t = torch.frombuffer(bytearray(data[start:end]), dtype=_DTYPES[e["dtype"]])
        out[name] = t.reshape(e["shape"]).clone()
    return out, metadata


def save_file(tensors, path, metadata=None):
    """Writes {name: tensor} as safetensors, like safetensors.torch.save_file."""
    header = {"__metadata__": metadata} if metadata else {}
    blobs, offset = [], 0
    for name, t in tensors.items():
        b = t.detach().contiguous().cpu().numpy().tobytes()
        header[name] = {"dtype": _NAMES[t.dtype], "shape": list(t.shape),
                        "data_offsets": [offset, offset + len(b)]}
        blobs.append(b)
        offset += len(b)
    head = json.dumps(header, separators=(",", ":")).encode()
    head += b" " * ((8 - (8 + len(head)) % 8) % 8)
    with open(path, "wb") as f:
        f.write(struct.pack("<Q", len(head)))
        f.write(head)
        for b in blobs:
            f.write(b)


def load(path):
    """An exported file as a ready module in eval mode (its metadata carries the architecture)."""
    tensors, metadata = read_file(path)
    model = from_architecture(json.loads(metadata["architecture"]))
    model.load_state_dict(tensors)
    return model.eval()
