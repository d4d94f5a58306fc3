"""The Spark job's manifest for two recorded runs: one JSON line per pair of files with the same relative
path under the two runs' folders (one file per rank and step), labelled with the rank and step the
recorder wrote into each file's metadata."""

import json
import os
import struct
import tempfile


def write_manifest(reference, candidate, path):
    """Pairs every ``.safetensors`` file under folder ``reference`` with the file at the same relative
    path under ``candidate`` and writes the pairs to ``path`` (JSON lines, atomically), for
    ``layerdiff-spark --manifest``. A file on one side only is an error. Returns the number of pairs."""
    pairs = []
    for root, _, files in os.walk(reference):
        for f in sorted(files):
            if not f.endswith(".safetensors"):
                continue
            ref = os.path.join(root, f)
            rel = os.path.relpath(ref, reference)
            cand = os.path.join(candidate, rel)
            if not os.path.isfile(cand):
                raise FileNotFoundError("%s: no %s to pair with %s" % (candidate, rel, ref))
            labels = {"path": rel}
            meta = _metadata(ref)
            for key in ("rank", "step"):
                if key in meta:
                    labels[key] = int(meta[key]) if meta[key].lstrip("-").isdigit() else meta[key]
            pairs.append({"reference": os.path.abspath(ref), "candidate": os.path.abspath(cand), "labels": labels})
    pairs.sort(key=lambda p: p["labels"]["path"])
    directory = os.path.dirname(os.path.abspath(path))
    fd, part = tempfile.mkstemp(dir=directory, prefix=".layerdiff-", suffix=".part")
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as out:
            for p in pairs:
                out.write(json.dumps(p) + "\n")
        os.replace(part, path)
    except BaseException:
        if os.path.exists(part):
            os.unlink(part)
        raise
    return len(pairs)


def _metadata(path):
    with open(path, "rb") as f:
        (n,) = struct.unpack("<Q", f.read(8))
        if n > 100_000_000:
            return {}
        return json.loads(f.read(n)).get("__metadata__", {})
