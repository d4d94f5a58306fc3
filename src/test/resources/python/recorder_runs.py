"""Runs for PythonRecorderTest, recorded with layerdiff.record (the package in python/, put on sys.path by
the test): a CNN twice (the same run) and once as a summary, the CNN with a bug planted in one layer, a transformer whose
activation module is called twice, the CNN under bfloat16 autocast, and a streaming run whose dump is
several times the host-memory growth it is allowed. Prints one JSON object of what it measured."""

import json
import os
import sys

import torch

import layerdiff

out = sys.argv[1]
torch.manual_seed(0)


class Cnn(torch.nn.Module):
    def __init__(self):
        super().__init__()
        self.conv1 = torch.nn.Conv2d(3, 8, 3)
        self.relu1 = torch.nn.ReLU()
        self.conv2 = torch.nn.Conv2d(8, 8, 3)
        self.relu2 = torch.nn.ReLU()
        self.pool = torch.nn.AdaptiveAvgPool2d(1)
        self.fc = torch.nn.Linear(8, 4)

    def forward(self, x):
        x = self.relu2(self.conv2(self.relu1(self.conv1(x))))
        return self.fc(self.pool(x).flatten(1))


class Block(torch.nn.Module):
    def __init__(self):
        super().__init__()
        self.attn = torch.nn.MultiheadAttention(16, 2, batch_first=True)
        self.norm = torch.nn.LayerNorm(16)
        self.fc1 = torch.nn.Linear(16, 32)
        self.fc2 = torch.nn.Linear(32, 16)
        self.act = torch.nn.GELU()

    def forward(self, x):
        x = self.norm(x + self.attn(x, x, x, need_weights=False)[0])
        return x + self.act(self.fc2(self.act(self.fc1(x))))  # act called twice


def step(model, x, y, path, **options):
    with layerdiff.record(model, path, **options):
        loss = torch.nn.functional.cross_entropy(model(x), y)
        loss.backward()
    model.zero_grad()


cnn = Cnn()
x, y = torch.randn(2, 3, 12, 12), torch.tensor([1, 3])
step(cnn, x, y, os.path.join(out, "cnn_a.safetensors"), grads=True, param_grads=True)
step(cnn, x, y, os.path.join(out, "cnn_b.safetensors"), grads=True, param_grads=True)
step(cnn, x, y, os.path.join(out, "cnn_a.summary.safetensors"), grads=True, param_grads=True, summary=True)
with torch.no_grad():
    cnn.conv2.weight[0] *= 3  # the planted bug: one output channel of conv2 scaled
step(cnn, x, y, os.path.join(out, "cnn_bug.safetensors"), grads=True, param_grads=True)

block = torch.nn.Sequential(Block(), torch.nn.Flatten(), torch.nn.Linear(16 * 5, 4))
tokens = torch.randn(2, 5, 16)
step(block, tokens, y, os.path.join(out, "tf.safetensors"), grads=True)

# Two ranks of two runs, one file each, and the Spark job's manifest pairing them.
for run in ("ref", "cand"):
    os.makedirs(os.path.join(out, run), exist_ok=True)
    for r in (0, 1):
        with layerdiff.record(cnn, os.path.join(out, run, "rank{rank}.step{step}.safetensors"), rank=r, step=7):
            cnn(x)
pairs = layerdiff.write_manifest(os.path.join(out, "ref"), os.path.join(out, "cand"), os.path.join(out, "pairs.jsonl"))
assert pairs == 2, pairs

with torch.autocast("cpu", dtype=torch.bfloat16):
    with layerdiff.record(cnn, os.path.join(out, "cnn_bf16.safetensors")):
        cnn(x)

# Streaming: 48 layers of 4 MiB outputs (192 MiB recorded), no gradients kept, so that only the
# recorder could hold them all.
wide = torch.nn.Sequential(*[torch.nn.Identity() for _ in range(48)])
big = torch.randn(1 << 20)


def peak():
    with open("/proc/self/status") as f:
        for line in f:
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) * 1024
    return 0


with torch.no_grad():
    wide(big.clone())
    before = peak()
    with layerdiff.record(wide, os.path.join(out, "wide.safetensors")):
        for _ in range(1):
            wide(big.clone())
    after = peak()
print(json.dumps({"recorded": os.path.getsize(os.path.join(out, "wide.safetensors")), "peak_growth": after - before}))
