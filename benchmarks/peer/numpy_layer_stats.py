#!/usr/bin/env python3
"""What users run today: the usual NumPy per-layer comparison loop, over the same safetensors archives
the JMH benchmarks generate. Prints GB/s of input (both archives' tensor bytes).

    python3 benchmarks/peer/numpy_layer_stats.py REF.safetensors CAND.safetensors
"""
import json, struct, sys, time
import numpy as np

DT = {"F32": np.float32, "F16": np.float16, "F64": np.float64}


def open_safetensors(path):
    with open(path, "rb") as f:
        n = struct.unpack("<Q", f.read(8))[0]
        header = json.loads(f.read(n))
    header.pop("__metadata__", None)
    mm = np.memmap(path, dtype=np.uint8, mode="r", offset=8 + n)
    return {k: mm[v["data_offsets"][0]:v["data_offsets"][1]].view(DT[v["dtype"]]).reshape(v["shape"])
            for k, v in header.items()}


def layer_stats(a, b, rtol=1.3e-6, atol=1e-5):
    a = a.astype(np.float64); b = b.astype(np.float64)
    d = np.abs(b - a)
    return {
        "max_abs": d.max(), "argmax": int(d.argmax()), "mean_abs": d.mean(),
        "rmse": np.sqrt((d * d).mean()),
        "cosine": float((a * b).sum() / (np.linalg.norm(a) * np.linalg.norm(b))),
        "mismatched": int((d > atol + rtol * np.abs(a)).sum()),
        "nan": (int(np.isnan(a).sum()), int(np.isnan(b).sum())),
        "inf": (int(np.isinf(a).sum()), int(np.isinf(b).sum())),
        "ref": (a.min(), a.max(), a.mean(), a.std(), float((a == 0).mean())),
        "cand": (b.min(), b.max(), b.mean(), b.std(), float((b == 0).mean())),
    }


def main():
    ref, cand = open_safetensors(sys.argv[1]), open_safetensors(sys.argv[2])
    t0 = time.perf_counter(); nbytes = 0; first = None
    for name, a in ref.items():
        s = layer_stats(a, cand[name])
        nbytes += a.nbytes + cand[name].nbytes
        if first is None and s["mismatched"]:
            first = name
    sec = time.perf_counter() - t0
    print(f"numpy: {nbytes / 1e9:.2f} GB in {sec:.1f} s = {nbytes / sec / 1e9:.3f} GB/s; first divergence {first}")


if __name__ == "__main__":
    main()
