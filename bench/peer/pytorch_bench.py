#!/usr/bin/python3
"""The PyTorch peer of `pneumo bench --peer pytorch`: Pneumo's bound steps, in PyTorch, on this machine.

Started by the bench as a child process (Debian's python3-torch; no network, no pip); its settings come as
arguments, and it prints one JSON document on stdout. It computes what Pneumo's bench times:

- training, in float32 (and with --precisions bf16 also under CPU autocast to bfloat16, PyTorch's mixed precision):
  one ready batch (random values standing in for a preprocessed batch), forward, class-weighted binary
  cross-entropy with logits, backward, Adam (AdamW when --weight-decay > 0: decay on tensors of two or more
  dimensions only, as Pneumo's ScalarSafeAdam), then the moving average of the weights (Pneumo's WeightAverage)
  and the loss read back; one untimed step, then --steps timed ones;
- inference: evaluation mode, no gradients, sigmoid of the logit, no test-time augmentation, at batch 1
  (8 x --repeats runs) and batch 32 (--repeats runs), after one untimed run;

each in NCHW and in channels-last memory order. The models have Pneumo's layers, shapes and paddings
(src/Pneumo.Core/Models/SzaNet.cs, ResNet/ResNetBackbone.cs, ResNet/BasicBlock.cs, TransferHead.cs).
"""
import argparse
import json
import os
import sys
import time

import torch
import torch.nn as nn
import torch.nn.functional as F


class SzaNet(nn.Module):
    """Three blocks of conv 3x3 valid (16, 32, 64), batch norm (eps 1e-3), 2x2 max pool, ReLU, dropout; dense 64, dense 1."""

    def __init__(self, size=224):
        super().__init__()
        self.conv1, self.bn1, self.drop1 = nn.Conv2d(3, 16, 3), nn.BatchNorm2d(16, eps=1e-3), nn.Dropout(0.2)
        self.conv2, self.bn2, self.drop2 = nn.Conv2d(16, 32, 3), nn.BatchNorm2d(32, eps=1e-3), nn.Dropout(0.2)
        self.conv3, self.bn3, self.drop3 = nn.Conv2d(32, 64, 3), nn.BatchNorm2d(64, eps=1e-3), nn.Dropout(0.4)
        side = size
        for _ in range(3):
            side = (side - 2) // 2
        self.fc1, self.drop4, self.fc2 = nn.Linear(64 * side * side, 64), nn.Dropout(0.5), nn.Linear(64, 1)

    def forward(self, x):
        for conv, bn, drop in ((self.conv1, self.bn1, self.drop1), (self.conv2, self.bn2, self.drop2), (self.conv3, self.bn3, self.drop3)):
            x = drop(F.relu(F.max_pool2d(bn(conv(x)), 2)))  # pool before ReLU, as Pneumo (they commute)
        x = self.drop4(F.relu(self.fc1(x.flatten(1))))
        return self.fc2(x).squeeze(1)


class BasicBlock(nn.Module):
    """Two 3x3 convolutions with batch norm plus the input or its 1x1 projection; a strided block pads top/left only."""

    def __init__(self, cin, cout, stride):
        super().__init__()
        self.stride = stride
        self.conv1 = nn.Conv2d(cin, cout, 3, stride=stride, padding=1 if stride == 1 else 0, bias=False)
        self.bn1 = nn.BatchNorm2d(cout)
        self.conv2 = nn.Conv2d(cout, cout, 3, padding=1, bias=False)
        self.bn2 = nn.BatchNorm2d(cout)
        self.downsample = None
        if stride != 1 or cin != cout:
            self.downsample = nn.Sequential(nn.Conv2d(cin, cout, 1, stride=stride, bias=False), nn.BatchNorm2d(cout))

    def forward(self, x):
        identity = x if self.downsample is None else self.downsample(x)
        y = F.relu(self.bn1(self.conv1(x if self.stride == 1 else F.pad(x, [1, 0, 1, 0]))))
        return F.relu(self.bn2(self.conv2(y)) + identity)


class ResNet18Full(nn.Module):
    """Pneumo's resnet18-full: the packaged ResNet18 (blocks [2, 2, 2, 3]), every layer trained; head 512-128-1."""

    def __init__(self):
        super().__init__()
        self.conv1, self.bn1 = nn.Conv2d(3, 64, 7, stride=2, bias=False), nn.BatchNorm2d(64)
        blocks, cin = [], 64
        for stage, (width, count) in enumerate(zip((64, 128, 256, 512), (2, 2, 2, 3))):
            for b in range(count):
                blocks.append(BasicBlock(cin, width, 2 if stage > 0 and b == 0 else 1))
                cin = width
        self.blocks = nn.Sequential(*blocks)
        self.fc1, self.dropout, self.fc2 = nn.Linear(512, 128), nn.Dropout(0.5), nn.Linear(128, 1)

    def forward(self, x):
        x = F.relu(self.bn1(self.conv1(F.pad(x, [3, 2, 3, 2]))))
        x = self.blocks(F.max_pool2d(F.pad(x, [1, 0, 1, 0]), 3, 2))
        x = self.dropout(F.relu(self.fc1(x.mean([2, 3]))))
        return self.fc2(x).squeeze(1)


MODELS = {"szanet": SzaNet, "resnet18-full": ResNet18Full}
LAYOUTS = {"nchw": torch.contiguous_format, "channels_last": torch.channels_last}


def optimizer_for(model, lr, weight_decay):
    if weight_decay <= 0:
        return torch.optim.Adam(model.parameters(), lr=lr)
    decay = [p for p in model.parameters() if p.dim() >= 2]
    rest = [p for p in model.parameters() if p.dim() < 2]
    return torch.optim.AdamW([{"params": decay, "weight_decay": weight_decay}, {"params": rest, "weight_decay": 0.0}], lr=lr)


def train_rate(args, layout, precision):
    torch.manual_seed(args.seed)
    model = MODELS[args.arch]().to(memory_format=LAYOUTS[layout])
    average = MODELS[args.arch]().to(memory_format=LAYOUTS[layout])
    average.load_state_dict(model.state_dict())
    model.train()
    optimizer = optimizer_for(model, args.lr, args.weight_decay)
    x = torch.randn(args.batch_size, 3, args.size, args.size).contiguous(memory_format=LAYOUTS[layout])
    target = (torch.arange(args.batch_size) % 2).float()
    weights = torch.tensor(args.class_weights)[target.long()]
    updates = 0

    def step():
        nonlocal updates
        optimizer.zero_grad()
        with torch.autocast("cpu", dtype=torch.bfloat16, enabled=precision == "bf16"):
            logits = model(x)
        loss = F.binary_cross_entropy_with_logits(logits.float(), target, weight=weights)
        loss.backward()
        optimizer.step()
        with torch.no_grad():  # Pneumo's WeightAverage: decay warmed up as min(d, (1 + n) / (10 + n))
            updates += 1
            d = min(args.ema_decay, (1.0 + updates) / (10.0 + updates))
            current = model.state_dict()
            for name, avg in average.state_dict().items():
                if avg.is_floating_point():
                    avg.mul_(d).add_(current[name], alpha=1 - d)
                else:
                    avg.copy_(current[name])
        return loss.item()

    for _ in range(args.warmup):
        step()
    start = time.perf_counter()
    for _ in range(args.steps):
        step()
    return args.steps * args.batch_size / (time.perf_counter() - start)


def infer_rates(args, layout):
    torch.manual_seed(args.seed)
    model = MODELS[args.arch]().to(memory_format=LAYOUTS[layout]).eval()
    rows = []
    with torch.no_grad():
        for batch, repeats in ((1, args.repeats * 8), (32, args.repeats)):
            x = torch.randn(batch, 3, args.size, args.size).contiguous(memory_format=LAYOUTS[layout])
            torch.sigmoid(model(x))
            start = time.perf_counter()
            for _ in range(repeats):
                torch.sigmoid(model(x))
            rows.append({"layout": layout, "batch_size": batch, "images": repeats * batch,
                         "images_per_second": round(repeats * batch / (time.perf_counter() - start), 2)})
    return rows


def main():
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--arch", choices=sorted(MODELS), required=True)
    p.add_argument("--threads", type=int, required=True)
    p.add_argument("--batch-size", type=int, default=32)
    p.add_argument("--size", type=int, default=224)
    p.add_argument("--steps", type=int, default=8, help="timed training steps per layout")
    p.add_argument("--warmup", type=int, default=1, help="untimed training steps per layout")
    p.add_argument("--repeats", type=int, default=3, help="timed inference runs at batch 32 (batch 1: 8 times as many)")
    p.add_argument("--lr", type=float, default=5e-5)
    p.add_argument("--weight-decay", type=float, default=0.0)
    p.add_argument("--ema-decay", type=float, default=0.998)
    p.add_argument("--class-weights", type=lambda s: [float(v) for v in s.split(",")], default=[1.0, 1.0])
    p.add_argument("--layouts", default="nchw,channels_last")
    p.add_argument("--precisions", default="fp32", help="fp32 and/or bf16 (training under CPU autocast to bfloat16)")
    p.add_argument("--seed", type=int, default=42)
    p.add_argument("--describe", action="store_true", help="only the version and the model's parameter count")
    args = p.parse_args()

    torch.set_num_threads(args.threads)
    result = {
        "peer": "pytorch", "version": torch.__version__, "threads": torch.get_num_threads(),
        "onednn": torch.backends.mkldnn.is_available(), "gomp_spincount": os.environ.get("GOMP_SPINCOUNT"),
        "arch": args.arch, "parameters": sum(p.numel() for p in MODELS[args.arch]().parameters() if p.requires_grad),
        "optimizer": "AdamW" if args.weight_decay > 0 else "Adam", "training": [], "inference": [],
    }
    if not args.describe:
        for layout in args.layouts.split(","):
            for precision in args.precisions.split(","):
                rate = train_rate(args, layout, precision)
                result["training"].append({"layout": layout, "precision": precision, "steps": args.steps, "images_per_second": round(rate, 2)})
            result["inference"].extend(infer_rates(args, layout))
    json.dump(result, sys.stdout)
    print()


if __name__ == "__main__":
    main()
