#!/usr/bin/env python3
"""Writes the Polygraphy fixtures under src/test/resources/fixtures/polygraphy/ (NumPy only).

Polygraphy is not needed: the JSON is laid out as Polygraphy's encoder writes it (polygraphy/json/serde.py,
polygraphy/comparator/struct.py): json.dumps with an indent of 4, each encoded object's own keys first and
"polygraphy_class" last; an array is {"array": base64 of np.save(allow_pickle=False), "polygraphy_class":
"ndarray"}, wrapped in {"values": ..., "polygraphy_class": "LazyArray"} inside an IterationResult; a
RunResults is {"lst": [[runner_name, [IterationResult, ...]], ...]}; --save-inputs writes a plain list of
feed dicts (input name -> ndarray).

    python3 tools/make_polygraphy_fixtures.py

Files:
  outputs.json      --save-outputs of one runner, one iteration: every dtype the tests read, a
                    Fortran-order array, a scalar, an empty array, NaN/Inf/-0.0
  outputs.npz       the same arrays saved with np.savez (the equivalent dump for compare)
  outputs_trt.json  a second runner's outputs of the same model: conv1 differs in channel 2
  runs.json         two runners, two iterations each (names RUNNER/ITERATION/NAME)
  inputs.json       --save-inputs: two iterations' feed dicts (names ITERATION/NAME)

and the seeds of PolygraphyFuzzTest under src/test/resources/dev/layerdiff/fuzz/PolygraphyFuzzTestInputs/fuzz/.
"""
import base64
import io
import json
import os

import numpy as np

ROOT = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..")
OUT = os.path.join(ROOT, "src", "test", "resources", "fixtures", "polygraphy")
SEEDS = os.path.join(ROOT, "src", "test", "resources", "dev", "layerdiff", "fuzz", "PolygraphyFuzzTestInputs", "fuzz")
ONNXRT = "onnxrt-runner-N0-12/03/26-06:00:00"
TRT = "trt-runner-N0-12/03/26-06:00:00"


def ndarray(a):
    buf = io.BytesIO()
    np.save(buf, a, allow_pickle=False)
    return {"array": base64.b64encode(buf.getvalue()).decode(), "polygraphy_class": "ndarray"}


def lazy(a):
    return {"values": ndarray(a), "polygraphy_class": "LazyArray"}


def iteration(outputs, runner, runtime):
    return {
        "outputs": {name: lazy(a) for name, a in outputs.items()},
        "runtime": runtime,
        "runner_name": runner,
        "polygraphy_class": "IterationResult",
    }


def run_results(runs):
    """runs: [(runner_name, [outputs dict per iteration])]."""
    return {
        "lst": [[runner, [iteration(o, runner, 0.001 * (i + 1)) for i, o in enumerate(its)]] for runner, its in runs],
        "polygraphy_class": "RunResults",
    }


def save(name, obj, out=OUT):
    with open(os.path.join(out, name), "w") as f:
        f.write(json.dumps(obj, indent=" " * 4))


def model_outputs(rng):
    nanny = np.array([1.0, np.nan, np.inf, -np.inf, -0.0, 0.0], dtype=np.float32)
    return {
        "conv1": rng.standard_normal((2, 4, 3, 3)).astype(np.float32),
        "probs": rng.random((2, 5)).astype(np.float16),
        "argmax": np.array([3, -5], dtype=np.int64),
        "ids": np.arange(6, dtype=np.int32).reshape(2, 3),
        "mask": rng.random((2, 5)) > 0.5,
        "fortran": np.asfortranarray(np.arange(12, dtype=np.float64).reshape(3, 4) / 8),
        "bigendian": (np.arange(4) - 1.5).astype(">f4"),
        "scalar": np.float32(3.5).reshape(()),
        "empty": np.zeros((0, 4), dtype=np.float32),
        "nanny": nanny,
    }


def main():
    os.makedirs(OUT, exist_ok=True)
    rng = np.random.default_rng(15)
    outputs = model_outputs(rng)
    save("outputs.json", run_results([(ONNXRT, [outputs])]))
    np.savez(os.path.join(OUT, "outputs.npz"), **outputs)

    trt = dict(outputs)
    conv = outputs["conv1"].copy()
    conv[:, 2] *= 1.5
    trt["conv1"] = conv
    save("outputs_trt.json", run_results([(TRT, [trt])]))

    def small(i):
        return {"logits": (np.arange(3, dtype=np.float32) + 10 * i).reshape(1, 3), "idx": np.array([i], dtype=np.int32)}

    save("runs.json", run_results([(ONNXRT, [small(0), small(1)]), (TRT, [small(2), small(3)])]))

    feeds = [
        {"input": rng.standard_normal((1, 3, 4, 4)).astype(np.float32), "ids": np.arange(5, dtype=np.int64).reshape(1, 5) + 5 * i}
        for i in range(2)
    ]
    inputs = [{name: ndarray(a) for name, a in feed.items()} for feed in feeds]
    save("inputs.json", inputs)

    os.makedirs(SEEDS, exist_ok=True)
    save("runs", run_results([(ONNXRT, [small(0), small(1)]), (TRT, [small(2), small(3)])]), SEEDS)
    save("inputs", inputs, SEEDS)
    tiny = {k: outputs[k] for k in ("ids", "mask", "fortran", "bigendian", "scalar", "empty", "nanny")}
    save("outputs", run_results([(ONNXRT, [tiny])]), SEEDS)


if __name__ == "__main__":
    main()
