"""Prints the README's table of diagnosis margins: every fixture pair of the repository (the first set,
src/test/resources/diagnosis and src/test/resources/soundness), compared with default options.
Run from the project root after building: python3 tools/diagnosis_margins.py

Columns: the floors the layers were judged in; each group's verdict; the culprit's score (error over
budget) and the fill of its worst slice; the largest score of a layer under budget; and, for layers over
budget that were judged noise (mask flips), the largest score left once their zero flips are set aside
and the largest fill (both must stay under 1 and 0.2)."""
import json, os, re, subprocess, sys

R = "src/test/resources"
FIRST = ["cnn_bug_deadrelu", "cnn_bug_scale255", "cnn_bug_trainmode", "cnn_gpu_fp16", "cnn_gpu_tf32", "cnn_ref_cpu",
         "cnn_gpu_fp16_bug_deadrelu"]
pairs = [(f"{R}/fixtures/cnn_ref_cpu", f"{R}/fixtures/{c}") for c in FIRST]
pairs += [(f"{R}/fixtures/tf_ref_cpu", f"{R}/fixtures/{c}") for c in
          ["tf_bug_gradbatch", "tf_bug_lneps", "tf_bug_tokenizer", "tf_gpu_tf32", "tf_gpu_bf16", "tf_gpu_tf32_bug_lneps"]]
for folder in ("diagnosis", "soundness"):
    for pair in json.load(open(f"{R}/{folder}/truth.json"))["cases"]:
        r, c = pair.split("~")
        pairs.append((f"{R}/{folder}/{r}", f"{R}/{folder}/{c}"))
pairs.sort(key=lambda p: 0 if "/fixtures/" in p[0] else 1 if "/diagnosis/" in p[0] else 2)


def fill(layer):
    """The largest fraction of grossly-off elements in a slice of 32 elements or more."""
    best = 0.0
    for dim in (layer.get("slices") or {}).values():
        elements = layer["numel"] // len(dim)
        if elements >= 32:
            best = max(best, max(s["gross"] / elements for s in dim))
    return best


print("| pair | floors | verdicts | culprit: score, fill | largest other score | flagged noise: score without flips, fill |")
print("|---|---|---|---|---|---|")
out = "/tmp/layerdiff-margins.json"
for ref, cand in pairs:
    if os.path.exists(out):
        os.remove(out)
    p = subprocess.run(["./layerdiff", "compare", ref + ".safetensors", cand + ".safetensors", "--json", out, "--quiet"],
                       capture_output=True, text=True)
    if p.returncode not in (0, 1):
        sys.exit(f"{cand}: exit {p.returncode}: {p.stderr.strip()}")
    rep = json.load(open(out))
    d = rep["diagnosis"]
    groups = {g: v for g, v in d.items() if isinstance(v, dict) and "verdict" in v}
    verdicts = " ".join(f"{g[:4]} {v['verdict']}" for g, v in groups.items())
    layers = {l["name"]: l for l in rep["layers"] if "role" in l}
    culprits = [v["introduced_at"] for v in groups.values() if v.get("introduced_at")]
    def score(l):
        return "inf" if l.get("introduced_score") is None else f"{l['introduced_score']:.3g}"
    culprit = f"{culprits[0]} {score(layers[culprits[0]])}, {fill(layers[culprits[0]]):.2f}" if culprits else "-"
    # Layers under budget (those over it are culprits or flagged noise, in their own columns).
    others = [l["introduced_score"] for n, l in layers.items() if l.get("introduced_score") is not None
              and l["role"] != "introduced" and not l.get("slices")]
    flagged = []
    for g in groups.values():
        for s in g.get("suspects", []):
            m = re.search(r"without them it is ([0-9.e+-]+)x its budget", s["reason"])
            if m:
                flagged.append((float(m.group(1)), fill(layers[s["name"]])))
    noise = f"{max(f[0] for f in flagged):.2f}, {max(f[1] for f in flagged):.3f}" if flagged else "-"
    floor = ", ".join(f"{u:.3g}" for u in sorted({l["noise_floor"] for l in layers.values() if l.get("noise_floor")}))
    name = os.path.basename(cand) if "/fixtures/" in cand else f"{os.path.basename(ref)} ~ {os.path.basename(cand)}"
    print(f"| {name} | {floor} | {verdicts} | {culprit} | {max(others, default=0):.2f} | {noise} |")
