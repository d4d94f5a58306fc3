#!/usr/bin/env python3
"""What users run on the GPU today: per-layer comparison statistics as separate PyTorch reductions.

The same quantities as layerdiff's fused kernel (max |d| and its index, mean |d|, max relative error,
rmse, cosine, the allclose mismatch count, NaN/Inf counts and min/max/mean/std/zero fraction of each
side, exponent histograms of both sides and of |d|), each one the usual torch call over device-resident
tensors. Timed with CUDA events, median of reps after a warm-up; prints GB/s of input (both tensors).

Usage: python3 torch_layer_stats.py [--gib 2] [--dtype float32|float16|bfloat16] [--reps 10]
"""
import argparse

import torch


def layer_stats(r, c, rtol=1e-3, atol=1e-5):
    d = (c.double() - r.double())
    ad = d.abs()
    out = {
        "max_abs": ad.max(), "max_abs_index": ad.argmax(), "mean_abs": ad.mean(),
        "max_rel": (ad / r.double().abs()).nan_to_num(0, 0, 0).max(),
        "rmse": d.square().mean().sqrt(),
        "cosine": torch.nn.functional.cosine_similarity(r.double().flatten(), c.double().flatten(), dim=0),
        "mismatched": (~torch.isclose(c, r, rtol=rtol, atol=atol)).sum(),
    }
    for name, t in (("ref", r), ("cand", c)):
        out[name + "_nan"] = t.isnan().sum()
        out[name + "_inf"] = t.isinf().sum()
        out[name + "_min"] = t.min()
        out[name + "_max"] = t.max()
        out[name + "_mean"] = t.double().mean()
        out[name + "_std"] = t.double().std(unbiased=False)
        out[name + "_zero"] = (t == 0).sum()
        _, e = torch.frexp(t.float())
        out[name + "_hist"] = torch.bincount((e.clamp(-64, 63) + 64 + 128 * (t < 0)).flatten().long(), minlength=256)
    _, e = torch.frexp(ad.float())
    out["diff_hist"] = torch.bincount((e.clamp(-64, 63) + 64).flatten().long(), minlength=128)
    return out


def main():
    p = argparse.ArgumentParser()
    p.add_argument("--gib", type=float, default=2)
    p.add_argument("--dtype", default="float32")
    p.add_argument("--reps", type=int, default=10)
    a = p.parse_args()
    dtype = getattr(torch, a.dtype)
    n = int(a.gib * (1 << 30)) // torch.empty(0, dtype=dtype).element_size()
    g = torch.Generator(device="cuda").manual_seed(7)
    r = torch.randn(n, device="cuda", generator=g).relu_().to(dtype)
    c = (r.float() * (1 + 1e-7 * torch.randn(n, device="cuda", generator=g))).to(dtype)
    c[n // 2: n // 2 + 4096] = 3
    layer_stats(r, c)
    torch.cuda.synchronize()
    times = []
    for _ in range(a.reps):
        s, e = torch.cuda.Event(enable_timing=True), torch.cuda.Event(enable_timing=True)
        s.record()
        layer_stats(r, c)
        e.record()
        e.synchronize()
        times.append(s.elapsed_time(e))
    ms = sorted(times)[len(times) // 2]
    nbytes = 2 * n * r.element_size()
    print(f"torch separate reductions {a.dtype}: {ms:.2f} ms, {nbytes / ms / 1e6:.1f} GB/s of input")
    s, e = torch.cuda.Event(enable_timing=True), torch.cuda.Event(enable_timing=True)
    s.record()
    (c.float() - r.float()).abs().max()
    e.record()
    e.synchronize()
    ms = s.elapsed_time(e)
    print(f"torch (c - r).abs().max() alone {a.dtype}: {ms:.2f} ms, {nbytes / ms / 1e6:.1f} GB/s of input")


if __name__ == "__main__":
    main()
