#!/usr/bin/python3
"""The default maskstream network (xattn fusion, U-Net decoder, scratch encoders) written once in PyTorch.

Run by `bin/maskstream experiment bench` (org.maskstream.bench.TorchComparison), which exports the DJL network's
parameters, one input batch and DJL's logits for it into --dir. This script loads those parameters (in DJL's order,
checking every name and shape), computes the logits for the same batch, reports the largest absolute difference
from DJL's, and only then times inference and training steps. It prints one JSON object.

Needs Debian's python3-torch (`apt-get install -y python3-torch`), run with /usr/bin/python3.
"""
import argparse
import json
import math
import os
import time

import numpy as np
import torch
from torch import nn
import torch.nn.functional as F

MASKED_SCORE = -1e4
EPS = 1e-5


class ConvBnRelu(nn.Module):
    """DJL Layers.convBnRelu: 3x3 conv (no bias, padding 1) + batch norm + ReLU."""

    def __init__(self, cin, cout, stride):
        super().__init__()
        self.conv = nn.Conv2d(cin, cout, 3, stride=stride, padding=1, bias=False)
        self.bn = nn.BatchNorm2d(cout, eps=EPS, momentum=0.1)

    def forward(self, x):
        return F.relu(self.bn(self.conv(x)))

    def djl(self):
        return [("weight", self.conv.weight), ("gamma", self.bn.weight), ("beta", self.bn.bias),
                ("runningMean", self.bn.running_mean), ("runningVar", self.bn.running_var)]


def linear_djl(lin):
    return [("weight", lin.weight), ("bias", lin.bias)]


def norm_djl(norm):
    return [("gamma", norm.weight), ("beta", norm.bias)]


class Attention(nn.Module):
    """MultiHeadAttention: q/k/v/output linear maps, key padding mask as a -1e4 score."""

    def __init__(self, dim, heads):
        super().__init__()
        self.dim, self.heads = dim, heads
        self.query, self.key, self.value, self.output = (nn.Linear(dim, dim) for _ in range(4))

    def split(self, x):
        b, t, _ = x.shape
        return x.reshape(b, t, self.heads, self.dim // self.heads).transpose(1, 2)  # [B, h, T, dk]

    def forward(self, q_in, memory, mask=None):
        q, k, v = self.split(self.query(q_in)), self.split(self.key(memory)), self.split(self.value(memory))
        scores = q @ k.transpose(2, 3) / math.sqrt(self.dim / self.heads)  # [B, h, Tq, Tk]
        if mask is not None:
            scores = scores + ((mask - 1) * -MASKED_SCORE)[:, None, None, :]
        attended = scores.softmax(-1) @ v  # [B, h, Tq, dk]
        b, t, _ = q_in.shape
        return self.output(attended.transpose(1, 2).reshape(b, t, self.dim))

    def djl(self):
        return sum((linear_djl(m) for m in (self.query, self.key, self.value, self.output)), [])


class AttentionResidual(nn.Module):
    def __init__(self, dim, heads, self_attention):
        super().__init__()
        self.self_attention = self_attention
        self.query_norm = nn.LayerNorm(dim, eps=EPS)
        self.memory_norm = None if self_attention else nn.LayerNorm(dim, eps=EPS)
        self.attention = Attention(dim, heads)

    def forward(self, x, memory=None, mask=None):
        q = self.query_norm(x)
        m = q if self.self_attention else self.memory_norm(memory)
        return x + self.attention(q, m, mask)

    def djl(self):
        out = norm_djl(self.query_norm)
        if self.memory_norm is not None:
            out += norm_djl(self.memory_norm)
        return out + self.attention.djl()


class FeedForward(nn.Module):
    def __init__(self, dim, hidden):
        super().__init__()
        self.norm = nn.LayerNorm(dim, eps=EPS)
        self.up = nn.Linear(dim, hidden)
        self.down = nn.Linear(hidden, dim)

    def forward(self, x):
        return x + self.down(F.relu(self.up(self.norm(x))))

    def djl(self):
        return norm_djl(self.norm) + linear_djl(self.up) + linear_djl(self.down)


class Film(nn.Module):
    def __init__(self, channels):
        super().__init__()
        self.channels = channels
        self.scale_shift = nn.Linear(channels, 2 * channels)

    def forward(self, x, tokens, mask):
        m = mask[:, :, None]
        sentence = (tokens * m).sum(1) / m.sum(1).clamp(min=1e-6)  # [B, d]
        both = self.scale_shift(sentence)[:, None, :]  # [B, 1, 2c]
        return x * (both[:, :, :self.channels] + 1) + both[:, :, self.channels:]

    def djl(self):
        return linear_djl(self.scale_shift)


class ImageEncoder(nn.Module):
    def __init__(self, dim):
        super().__init__()
        fine, mid = max(8, dim // 4), max(8, dim // 2)
        self.stages = nn.ModuleList()
        cin = 3
        for c in (fine, mid, dim):
            self.stages.append(nn.ModuleList([ConvBnRelu(cin, c, 2), ConvBnRelu(c, c, 1)]))
            cin = c

    def forward(self, x):
        outs = []
        for stage in self.stages:
            for layer in stage:
                x = layer(x)
            outs.append(x)
        return outs[2], outs[1], outs[0]  # [B, d, S/8, S/8], [B, mid, S/4, S/4], [B, fine, S/2, S/2]

    def djl(self):
        return [p for stage in self.stages for layer in stage for p in layer.djl()]


class TextEncoder(nn.Module):
    def __init__(self, vocabulary, max_tokens, dim, layers, heads):
        super().__init__()
        self.embedding = nn.Parameter(torch.zeros(vocabulary, dim))
        self.positions = nn.Parameter(torch.zeros(max_tokens, dim))
        self.layers = nn.ModuleList()
        for _ in range(layers):
            self.layers.append(AttentionResidual(dim, heads, True))
            self.layers.append(FeedForward(dim, 2 * dim))
        self.norm = nn.LayerNorm(dim, eps=EPS)

    def forward(self, ids, mask):
        x = self.embedding[ids.long()] + self.positions  # [B, T, d]
        for i in range(0, len(self.layers), 2):
            x = self.layers[i](x, None, mask)
            x = self.layers[i + 1](x)
        return self.norm(x)

    def djl(self):
        return [("embedding", self.embedding), ("positions", self.positions)] + \
            [p for layer in self.layers for p in layer.djl()] + norm_djl(self.norm)


class Fusion(nn.Module):
    def __init__(self, side, dim, layers, heads):
        super().__init__()
        self.side, self.dim = side, dim
        self.rows = nn.Parameter(torch.zeros(side, 1, dim))
        self.columns = nn.Parameter(torch.zeros(1, side, dim))
        self.blocks = nn.ModuleList()
        for _ in range(layers):
            self.blocks.append(nn.ModuleList([Film(dim), AttentionResidual(dim, heads, True),
                                              AttentionResidual(dim, heads, False), FeedForward(dim, 2 * dim)]))
        self.norm = nn.LayerNorm(dim, eps=EPS)

    def forward(self, grid, text, mask):
        b, g = grid.shape[0], self.side
        x = grid.reshape(b, self.dim, g * g).transpose(1, 2).reshape(b, g, g, self.dim)
        x = (x + self.rows + self.columns).reshape(b, g * g, self.dim)  # [B, g*g, d]
        for film, self_attention, cross, ffn in self.blocks:
            x = film(x, text, mask)
            x = self_attention(x)
            x = cross(x, text, mask)
            x = ffn(x)
        x = self.norm(x)
        return x.transpose(1, 2).reshape(b, self.dim, g, g)  # [B, d, g, g]

    def djl(self):
        return [("rows", self.rows), ("columns", self.columns)] + \
            [p for block in self.blocks for m in block for p in m.djl()] + norm_djl(self.norm)


class Decoder(nn.Module):
    def __init__(self, dim, side, size, skips):
        super().__init__()
        self.steps = nn.ModuleList()
        channels = dim
        while side < size:
            side *= 2
            out = max(16, channels // 2)
            self.steps.append(ConvBnRelu(channels + skips.get(side, 0), out, 1))
            channels = out
        self.head = nn.Conv2d(channels, 1, 1)

    def forward(self, x, skips):
        for step in self.steps:
            x = x.repeat_interleave(2, dim=2).repeat_interleave(2, dim=3)  # [B, C, 2h, 2w]
            skip = [s for s in skips if s.shape[2] == x.shape[2]]
            if skip:
                x = torch.cat([x, skip[0]], 1)
            x = step(x)
        return self.head(x)  # [B, 1, S, S]

    def djl(self):
        return [p for step in self.steps for p in step.djl()] + [("weight", self.head.weight),
                                                                  ("bias", self.head.bias)]


class MaskNet(nn.Module):
    def __init__(self, config):
        super().__init__()
        d, size = config["dim"], config["inputSize"]
        self.image = ImageEncoder(d)
        self.text = TextEncoder(len(config["vocabulary"]), config["maxTokens"], d, config["textLayers"],
                                config["heads"])
        self.fusion = Fusion(size // 8, d, config["layers"], config["heads"])
        fine, mid = max(8, d // 4), max(8, d // 2)
        self.decoder = Decoder(d, size // 8, size, {size // 4: mid, size // 2: fine})

    def forward(self, image, ids, mask):
        grid, quarter, half = self.image(image)
        tokens = self.text(ids, mask)
        return self.decoder(self.fusion(grid, tokens, mask), [quarter, half])

    def djl(self):
        return self.image.djl() + self.text.djl() + self.fusion.djl() + self.decoder.djl()


def load_djl(net, folder):
    manifest = json.load(open(os.path.join(folder, "parameters.json")))
    values = np.fromfile(os.path.join(folder, "parameters.bin"), dtype="<f4")
    slots = net.djl()
    if len(slots) != len(manifest):
        raise SystemExit(f"DJL exported {len(manifest)} parameters, the PyTorch network has {len(slots)}")
    at = 0
    with torch.no_grad():
        for (suffix, tensor), entry in zip(slots, manifest):
            shape = tuple(entry["shape"])
            if not entry["name"].endswith(suffix) or tuple(tensor.shape) != shape:
                raise SystemExit(f"parameter {entry['name']} {shape} does not fit slot {suffix} {tuple(tensor.shape)}")
            n = int(np.prod(shape))
            tensor.copy_(torch.from_numpy(values[at:at + n].reshape(shape).copy()))
            at += n
    return manifest


def read(folder, name, shape):
    return torch.from_numpy(np.fromfile(os.path.join(folder, name), dtype="<f4").reshape(shape).copy())


def bce_dice(x, y):
    bce = (x.clamp(min=0) - x * y + torch.log1p(torch.exp(-x.abs()))).mean()
    p = torch.sigmoid(x)
    inter = (p * y).reshape(len(p), -1).sum(1)
    total = p.reshape(len(p), -1).sum(1) + y.reshape(len(y), -1).sum(1)
    return bce + (1 - (2 * inter + 1) / (total + 1)).mean()


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--dir", required=True, help="folder with the DJL export")
    ap.add_argument("--threads", type=int, required=True)
    ap.add_argument("--runs", type=int, default=5)
    ap.add_argument("--batches", type=int, default=5, help="inference batches per run")
    ap.add_argument("--steps", type=int, default=5, help="training steps per run")
    args = ap.parse_args()
    torch.set_num_threads(args.threads)
    torch.set_num_interop_threads(1)
    torch.manual_seed(5)
    config = json.load(open(os.path.join(args.dir, "config.json")))
    b, s, t = config["batch"], config["inputSize"], config["maxTokens"]
    net = MaskNet(config)
    load_djl(net, args.dir)
    image = read(args.dir, "image.bin", (b, 3, s, s))
    ids = read(args.dir, "ids.bin", (b, t))
    mask = read(args.dir, "mask.bin", (b, t))
    labels = read(args.dir, "labels.bin", (b, 1, s, s))
    djl_logits = read(args.dir, "djl-logits.bin", (b, 1, s, s))
    net.eval()
    with torch.no_grad():
        logits = net(image, ids, mask)
    max_abs = float((logits - djl_logits).abs().max())
    parameters = sum(p.numel() for p in net.parameters())
    inference = []
    with torch.no_grad():
        net(image, ids, mask)
        for _ in range(args.runs):
            start = time.perf_counter()
            for _ in range(args.batches):
                net(image, ids, mask)
            inference.append(b * args.batches / (time.perf_counter() - start))
    net.train()
    adam = torch.optim.Adam(net.parameters(), lr=1e-3)

    def step():
        adam.zero_grad()
        loss = bce_dice(net(image, ids, mask), labels)
        loss.backward()
        adam.step()

    step()
    training = []
    for _ in range(args.runs):
        start = time.perf_counter()
        for _ in range(args.steps):
            step()
        training.append(args.steps / (time.perf_counter() - start))
    print(json.dumps({"torch": torch.__version__, "threads": torch.get_num_threads(),
                      "parameters": parameters, "maxAbsDifference": max_abs,
                      "inferenceImagesPerSecond": inference, "trainingStepsPerSecond": training}))


if __name__ == "__main__":
    main()
