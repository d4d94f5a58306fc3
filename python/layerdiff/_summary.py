"""A layerdiff summary written from PyTorch: per tensor the statistics, histogram, hash and count sketch
that `layerdiff summarize` writes, by the definition in layerdiff's README ("Without the tensors"),
computed on the tensor's own device. The counts and the hash are bit for bit those of `layerdiff
summarize`; the sketch's doubles agree within float64 rounding (the order of the additions differs)."""

import json
import os

import torch

from ._safetensors import tensor_bytes, write_file

SEED = 0x6C61796572646966
DEFAULT_BUCKETS = 1024
SLICE_BUDGET = 256
MIN_EXPONENT, BINS = -64, 128
_BITS = {torch.float64: (torch.int64, None), torch.float32: (torch.int32, 0xFFFFFFFF),
         torch.float16: (torch.int16, 0xFFFF), torch.bfloat16: (torch.int16, 0xFFFF)}
_NAMES = {torch.float64: "float64", torch.float32: "float32", torch.float16: "float16", torch.bfloat16: "bfloat16"}


def _signed(c):
    return c - (1 << 64) if c >= 1 << 63 else c


_GOLDEN, _M1, _M2 = _signed(0x9E3779B97F4A7C15), _signed(0xBF58476D1CE4E5B9), _signed(0x94D049BB133111EB)


def _shr(z, s):
    """A logical right shift of int64 values."""
    return (z >> s) & ((1 << (64 - s)) - 1)


def mix(z):
    """splitmix64's step on int64 tensors (wrapping arithmetic)."""
    z = z + _GOLDEN
    z = (z ^ _shr(z, 30)) * _M1
    z = (z ^ _shr(z, 27)) * _M2
    return z ^ _shr(z, 31)


def _mix_int(x):
    x &= (1 << 64) - 1
    z = (x + 0x9E3779B97F4A7C15) & ((1 << 64) - 1)
    z = ((z ^ (z >> 30)) * 0xBF58476D1CE4E5B9) & ((1 << 64) - 1)
    z = ((z ^ (z >> 27)) * 0x94D049BB133111EB) & ((1 << 64) - 1)
    return _signed(z ^ (z >> 31))


def buckets_for(numel, limit):
    k = 1 if numel <= 1 else 1 << (numel - 1).bit_length()
    return min(limit, k)


def slice_buckets(count):
    if count < 1 or count > SLICE_BUDGET:
        return 0
    return 1 << ((SLICE_BUDGET // count).bit_length() - 1)


def digest(tensor, limit=DEFAULT_BUCKETS):
    """(stats[10], histogram row, hash, sketch, slices, layout) of one floating-point tensor."""
    if tensor.dtype not in _BITS:
        raise TypeError("summaries take float64, float32, float16 and bfloat16 tensors, not %s" % tensor.dtype)
    t = tensor.detach().contiguous().reshape(-1)
    n = t.numel()
    shape = list(tensor.shape)
    device = t.device
    i = torch.arange(n, dtype=torch.int64, device=device)
    h = mix(i ^ _signed(SEED))
    view, mask = _BITS[tensor.dtype]
    bits = t.view(view).to(torch.int64)
    if mask is not None:
        bits = bits & mask
    terms = int(mix(bits ^ h).sum().item()) if n else 0
    hash_ = _mix_int(n + terms)
    x = t.to(torch.float64)
    finite = torch.isfinite(x)
    v = torch.where(finite, x, torch.zeros_like(x))
    v = torch.where(h < 0, -v, v)
    k = buckets_for(n, limit)
    sketch = torch.zeros(k, dtype=torch.float64, device=device).index_add_(0, h & (k - 1), v)
    slot = _shr(h, 32)
    slices, layout = [], []
    for dim in (0, 1):
        count = shape[dim] if len(shape) >= 2 else 0
        ks = slice_buckets(count) if count else 0
        if ks == 0 or n == 0:
            layout += [0, 0]
            continue
        inner = n // count if dim == 0 else n // shape[0] // count
        index = (i // inner) if dim == 0 else (i // inner) % count
        s = torch.zeros(count * ks, dtype=torch.float64, device=device).index_add_(0, index * ks + (slot & (ks - 1)), v)
        slices.append(s)
        layout += [count, ks]
    xf = x[finite]
    nan = int(torch.isnan(x).sum().item())
    pos_inf = int((x == float("inf")).sum().item())
    neg_inf = int((x == float("-inf")).sum().item())
    f = xf.numel()
    if f:
        mean = float(xf.mean().item())
        std = float(((xf * xf).mean() - mean * mean).clamp(min=0).sqrt().item())
        lo, hi = float(xf.min().item()), float(xf.max().item())
    else:
        mean = std = lo = hi = float("nan")
    zeros = int((x == 0).sum().item())
    stats = [n, f, nan, pos_inf, neg_inf, lo, hi, mean, std, zeros / n if n else 0.0]
    return stats, _histogram(xf) + [nan, pos_inf, neg_inf], hash_, sketch.cpu(), [s.cpu() for s in slices], layout


def _histogram(xf):
    """The value histogram's row of a summary: lowest bin, span, negative then positive counts, zeros."""
    nonzero = xf[xf != 0]
    _, e = torch.frexp(nonzero)
    b = (e.to(torch.int64) - 1 - MIN_EXPONENT).clamp(0, BINS - 1)
    neg = torch.bincount(b[nonzero < 0], minlength=BINS).tolist()
    pos = torch.bincount(b[nonzero > 0], minlength=BINS).tolist()
    used = [j for j in range(BINS) if neg[j] or pos[j]]
    lo, span = (used[0], used[-1] - used[0] + 1) if used else (0, 0)
    zero = int((xf == 0).sum().item())
    return [lo, span] + neg[lo:lo + span] + pos[lo:lo + span] + [zero]


class SummaryWriter:
    """Collects the digests of a recording and writes them as a layerdiff summary at close (atomically)."""

    def __init__(self, path, buckets=DEFAULT_BUCKETS):
        self.path = os.fspath(path)
        self.buckets = buckets
        self.rows = []
        self.bytes = 0

    def add(self, name, tensor):
        stats, histogram, hash_, sketch, slices, layout = digest(tensor, self.buckets)
        self.rows.append((name, _NAMES[tensor.dtype], list(tensor.shape), stats, histogram, hash_, sketch, slices, layout))
        size = 8 * (len(sketch) + sum(len(s) for s in slices) + len(histogram) + 16)
        self.bytes += size
        return size

    def close(self, metadata):
        t = len(self.rows)
        listed, stats, hashes, layout, sketch, slices, histogram = [], [], [], [], [], [], []
        offsets = {"sketch_offsets": [0], "slice_offsets": [0], "histogram_offsets": [0]}
        for name, dtype, shape, st, hist, hash_, sk, sl, lay in self.rows:
            listed.append({"name": name, "dtype": dtype, "shape": shape})
            stats += [float(v) for v in st]
            hashes.append(hash_)
            layout += lay
            sketch.append(sk)
            offsets["sketch_offsets"].append(offsets["sketch_offsets"][-1] + len(sk))
            slices += sl
            offsets["slice_offsets"].append(offsets["slice_offsets"][-1] + sum(len(s) for s in sl))
            histogram += hist
            offsets["histogram_offsets"].append(offsets["histogram_offsets"][-1] + len(hist))
        f64 = lambda parts: torch.cat(parts) if parts else torch.zeros(0, dtype=torch.float64)
        columns = {
            "stats": ("F64", [t, 10], torch.tensor(stats, dtype=torch.float64)),
            "hash": ("I64", [t], torch.tensor(hashes, dtype=torch.int64)),
            "sketch": (None, None, f64(sketch)),
            "sketch_offsets": ("I64", [t + 1], torch.tensor(offsets["sketch_offsets"], dtype=torch.int64)),
            "slices": (None, None, f64(slices)),
            "slice_offsets": ("I64", [t + 1], torch.tensor(offsets["slice_offsets"], dtype=torch.int64)),
            "slice_layout": ("I64", [t, 4], torch.tensor(layout, dtype=torch.int64)),
            "histogram": ("I64", None, torch.tensor(histogram, dtype=torch.int64)),
            "histogram_offsets": ("I64", [t + 1], torch.tensor(offsets["histogram_offsets"], dtype=torch.int64)),
        }
        meta = dict(metadata)
        meta.update({"layerdiff": "summary 1", "buckets": self.buckets, "tensors": json.dumps(listed),
                     "source": meta.get("source", "layerdiff.record")})
        entries, at, blobs = {}, 0, []
        for name, (dt, shape, values) in columns.items():
            data = tensor_bytes(values)
            entries[name] = {"dtype": dt or "F64", "shape": shape or [values.numel()], "data_offsets": [at, at + len(data)]}
            at += len(data)
            blobs.append(data)
        write_file(self.path, entries, meta, blobs)

    def abandon(self):
        self.rows = []
