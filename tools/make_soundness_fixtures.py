"""Writes the diagnosis-soundness fixtures (issue 26) into src/test/resources/soundness/: pairs of small
dumps made by PyTorch on the CPU, each with a planted bug of a class the diagnosis once called noise, and
noise-only twins that must stay noise or ok. truth.json says what each pair must show, in the schema of
../shared/fixtures/diagnosis/truth.json.

Run with Debian's python3-torch (the python3 on PATH has no torch):
    /usr/bin/python3 tools/make_soundness_fixtures.py [OUT]
Deterministic: the same torch build writes the same bytes. Needs no package beyond torch and numpy
(the safetensors files are written here, by the format's spec)."""
import json, math, os, struct, sys
import numpy as np
import torch, torch.nn as nn, torch.nn.functional as F

OUT = sys.argv[1] if len(sys.argv) > 1 else os.path.join(os.path.dirname(__file__), "..", "src", "test", "resources", "soundness")
os.makedirs(OUT, exist_ok=True)
torch.set_num_threads(1)  # one summation order, so the "bit-identical" parts really are
DTYPES = {torch.float32: "F32", torch.float16: "F16", torch.bfloat16: "BF16"}
truth = {"cases": {}}


def save(name, tensors, order):
    """Writes {name: tensor} as NAME.safetensors, with __metadata__["order"] (the forward order)."""
    header, blobs, at = {"__metadata__": {"order": json.dumps(order)}}, [], 0
    for k, t in tensors.items():
        t = t.detach().contiguous().cpu()
        raw = (t.view(torch.int16) if t.dtype == torch.bfloat16 else t).numpy().tobytes()
        header[k] = {"dtype": DTYPES[t.dtype], "shape": list(t.shape), "data_offsets": [at, at + len(raw)]}
        blobs.append(raw); at += len(raw)
    h = json.dumps(header, separators=(",", ":")).encode()
    h += b" " * (-len(h) % 8)
    with open(f"{OUT}/{name}.safetensors", "wb") as f:
        f.write(struct.pack("<Q", len(h))); f.write(h)
        for b in blobs: f.write(b)


def capture(model, x, labels=None, store=None):
    """Every named module's output in call order (a module called twice gets NAME#2) and, with labels,
    the gradient at it (grad/NAME), after a cross-entropy backward. store: the dtype dumped (default: the
    tensor's own)."""
    acts, grads, order, hooks = {}, {}, [], []
    for name, mod in model.named_modules():
        if name == "":
            continue
        def fwd(m, i, o, name=name):
            key = name if name not in acts else f"{name}#2"
            acts[key] = o
            order.append(key)
            if labels is not None and o.requires_grad:
                o.register_hook(lambda g, key=key: grads.__setitem__("grad/" + key, g))
        hooks.append(mod.register_forward_hook(fwd))
    out = model(x)
    if labels is not None:
        F.cross_entropy(out.float(), labels, reduction="sum").backward()
    for h in hooks:
        h.remove()
    cast = (lambda t: t.detach().to(store)) if store else (lambda t: t.detach())
    tensors = {k: cast(acts[k]) for k in order}
    tensors.update({k: cast(v) for k, v in grads.items()})
    return tensors, order


def case(ref, cand, verdict, introduced_at=None, slices=None, what=""):
    c = {"verdict": verdict, "what": what}
    if introduced_at: c["introduced_at"] = introduced_at
    if slices: c["slices"] = slices
    truth["cases"][f"{ref}~{cand}"] = c


# 1. A padding bug: conv2 pads by reflection where the reference pads with zeros. The error sits in
#    the border rows and columns only (3-12% of every channel), and everything upstream is bit-identical.
class PadNet(nn.Module):
    def __init__(self, mode="zeros"):
        super().__init__()
        self.conv1 = nn.Conv2d(3, 3, 3, padding=1); self.relu1 = nn.ReLU()
        self.conv2 = nn.Conv2d(3, 3, 3, padding=1, padding_mode=mode); self.relu2 = nn.ReLU()
        self.pool = nn.AdaptiveAvgPool2d(4); self.flatten = nn.Flatten(); self.fc = nn.Linear(48, 10)

    def forward(self, x):
        return self.fc(self.flatten(self.pool(self.relu2(self.conv2(self.relu1(self.conv1(x)))))))


for size in (32, 64, 128):
    torch.manual_seed(size)
    ref = PadNet(); bug = PadNet("reflect"); bug.load_state_dict(ref.state_dict())
    x, y = torch.randn(1, 3, size, size), torch.tensor([3])
    grads = size == 32  # the larger maps keep the repository small: activations only
    save(f"pad{size}_ref", *capture(ref, x, y if grads else None))
    save(f"pad{size}_reflect", *capture(bug, x, y if grads else None))
    border = 1 - (size - 2) ** 2 / size ** 2
    case(f"pad{size}_ref", f"pad{size}_reflect", {"activations": "bug"}, {"activations": "conv2"},
         what=f"fp32, conv2 pads by reflection instead of zeros: error in the border only ({100 * border:.0f}% of each channel), exact upstream")
    if size == 64:
        twin = PadNet().to(torch.bfloat16); twin.load_state_dict(ref.state_dict())
        save(f"pad{size}_bf16", *capture(twin, x.to(torch.bfloat16), None, store=torch.float32))
        case(f"pad{size}_ref", f"pad{size}_bf16", {"activations": "noise"},
             what="the same model run in bf16, stored as float32 (the floor comes from the data)")


# 2. Corrupted weights, dumped as msprobe does (a layer's weight is one of its recorded inputs):
#    five elements of fc2's weight +0.5; the forward pass is exact up to it.
class WeightDump(nn.Module):
    def __init__(self):
        super().__init__()
        self.fc1 = nn.Linear(32, 64); self.relu1 = nn.ReLU()
        self.fc2 = nn.Linear(64, 64); self.relu2 = nn.ReLU()
        self.fc3 = nn.Linear(64, 10)


def weight_dump(model, x, store=None):
    tensors, order = {}, []
    def put(k, t):
        tensors[k] = t.detach().to(store) if store else t.detach(); order.append(k)
    h = x
    for i, (fc, act) in enumerate([(model.fc1, model.relu1), (model.fc2, model.relu2), (model.fc3, None)], 1):
        put(f"Functional.linear.{i - 1}.forward.input.1", fc.weight)
        h = fc(h); put(f"Functional.linear.{i - 1}.forward.output.0", h)
        if act is not None:
            h = act(h); put(f"Functional.relu.{i - 1}.forward.output.0", h)
    return tensors, order


torch.manual_seed(7)
ref = WeightDump(); bug = WeightDump(); bug.load_state_dict(ref.state_dict())
with torch.no_grad():
    for k in (3, 700, 1500, 2222, 4000):
        bug.fc2.weight.view(-1)[k] += 0.5
x = torch.randn(16, 32)
save("weights_ref", *weight_dump(ref, x))
save("weights_corrupt", *weight_dump(bug, x))
case("weights_ref", "weights_corrupt", {"activations": "bug"}, {"activations": "Functional.linear.1.forward.input.1"},
     what="fp32, five of fc2's 4096 weights +0.5 (0.12% of the tensor), exact upstream")
twin = WeightDump().to(torch.bfloat16); twin.load_state_dict(ref.state_dict())
save("weights_bf16", *weight_dump(twin, x.to(torch.bfloat16)))
case("weights_ref", "weights_bf16", {"activations": "noise"}, what="the same layers in bf16, stored as bf16")


# 3. A gradient-only bug: GELU's backward uses the tanh approximation while its forward is exact, so
#    every activation is bit-identical and only the gradients differ.
class TanhGradGelu(torch.autograd.Function):
    @staticmethod
    def forward(ctx, x):
        ctx.save_for_backward(x)
        return F.gelu(x)

    @staticmethod
    def backward(ctx, g):
        (x,) = ctx.saved_tensors
        k = math.sqrt(2 / math.pi)
        inner = k * (x + 0.044715 * x ** 3)
        t = torch.tanh(inner)
        return g * (0.5 * (1 + t) + 0.5 * x * (1 - t * t) * k * (1 + 3 * 0.044715 * x * x))


class Gelu(nn.Module):
    def __init__(self, approx_grad=False):
        super().__init__(); self.approx_grad = approx_grad

    def forward(self, x):
        return TanhGradGelu.apply(x) if self.approx_grad else F.gelu(x)


class GeluMlp(nn.Module):
    def __init__(self, approx_grad=False):
        super().__init__()
        self.fc1 = nn.Linear(32, 128); self.act1 = Gelu(approx_grad)
        self.fc2 = nn.Linear(128, 128); self.act2 = Gelu(approx_grad)
        self.fc3 = nn.Linear(128, 10)

    def forward(self, x):
        return self.fc3(self.act2(self.fc2(self.act1(self.fc1(x)))))


torch.manual_seed(11)
ref = GeluMlp(); bug = GeluMlp(approx_grad=True); bug.load_state_dict(ref.state_dict())
x, y = torch.randn(32, 32), torch.randint(0, 10, (32,))
save("gelu_ref", *capture(ref, x, y))
save("gelu_tanhgrad", *capture(bug, x, y))
case("gelu_ref", "gelu_tanhgrad", {"activations": "ok", "gradients": "bug"}, {"gradients": "grad/fc2"},
     what="fp32, GELU's backward uses the tanh approximation; the forward pass is bit-identical")
twin = GeluMlp().to(torch.bfloat16); twin.load_state_dict(ref.state_dict())
save("gelu_bf16", *capture(twin, x.to(torch.bfloat16), y))
case("gelu_ref", "gelu_bf16", {"activations": "noise", "gradients": "noise"}, what="the same MLP in bf16, stored as bf16")


# 4. Mixed dtypes, as Polygraphy saves a model's outputs: float32 logits beside float16 probabilities.
#    The bug: logits off by 1e-3 relative (thousands of fp32 units). The twin: fp32 logits that differ by
#    summation order only, and probabilities computed in fp16 arithmetic rather than rounded from fp32.
torch.manual_seed(13)
w, x = torch.randn(64, 10) / 2, torch.randn(8, 64)
logits = x @ w
probs = torch.softmax(logits, -1).half()
bad = logits * (1 + 1e-3 * torch.randn_like(logits))
save("mixed_ref", {"logits": logits, "probs": probs}, ["logits", "probs"])
save("mixed_logits", {"logits": bad, "probs": torch.softmax(bad, -1).half()}, ["logits", "probs"])
case("mixed_ref", "mixed_logits", {"activations": "bug"}, {"activations": "logits"},
     what="fp32 logits 1e-3 off beside fp16 probabilities: each tensor has its own floor")
l64 = (x.double() @ w.double()).float()
# fp16 arithmetic, step by step (the CPU build has no fp16 softmax): each intermediate rounded to fp16
e = torch.exp((l64.half().float() - l64.half().float().max(-1, keepdim=True).values).half().float()).half()
save("mixed_fp16", {"logits": l64, "probs": (e.float() / e.float().sum(-1, keepdim=True).half().float()).half()},
     ["logits", "probs"])
case("mixed_ref", "mixed_fp16", {"activations": "noise"},
     what="fp32 logits by another summation order, probabilities in fp16 arithmetic")


# 5. NaN in one batch element: LayerNorm with eps = 0 divides 0 by 0 where a batch element's
#    activations are all zero (element 1 here), and nowhere else.
class NormNet(nn.Module):
    def __init__(self, eps):
        super().__init__()
        self.fc1 = nn.Linear(16, 16, bias=False); self.relu = nn.ReLU()
        self.norm = nn.LayerNorm(16, eps=eps); self.fc2 = nn.Linear(16, 4)

    def forward(self, x):
        return self.fc2(self.norm(self.relu(self.fc1(x))))


torch.manual_seed(17)
ref = NormNet(1e-5); bug = NormNet(0.0); bug.load_state_dict(ref.state_dict())
x = torch.randn(3, 8, 16); x[1] = 0
save("norm_ref", *capture(ref, x))
save("norm_eps0", *capture(bug, x))
case("norm_ref", "norm_eps0", {"activations": "bug"}, {"activations": "norm"},
     {"layer": "norm", "dim": 0, "indices": [1]}, what="LayerNorm eps 0: 0/0 in batch element 1 only")


# 6. No model needed: 112 float32 layers of N(0, 1) values, each differing by 1e-4 relative noise, and
#    one layer that also has every 97th element +0.5. Noise of 1e-4 cannot move a value by 0.5.
rng = np.random.default_rng(19)
ref_t, noisy_t, bug_t, order = {}, {}, {}, []
for i in range(112):
    name = f"layer{i:03d}"
    r = rng.standard_normal(1024).astype(np.float32)
    c = (r * (1 + 1e-4 * rng.standard_normal(1024))).astype(np.float32)
    b = c.copy()
    if i == 60:
        b[::97] += 0.5
    ref_t[name], noisy_t[name], bug_t[name] = torch.from_numpy(r), torch.from_numpy(c), torch.from_numpy(b)
    order.append(name)
save("sparse_ref", ref_t, order)
save("sparse_noise", noisy_t, order)
save("sparse_bug", bug_t, order)
case("sparse_ref", "sparse_bug", {"activations": "bug"}, {"activations": "layer060"},
     what="1e-4 relative noise everywhere, and every 97th element of layer060 +0.5")
case("sparse_ref", "sparse_noise", {"activations": "noise"}, what="1e-4 relative noise everywhere")

with open(f"{OUT}/truth.json", "w") as f:
    json.dump(truth, f, indent=1)
    f.write("\n")
print(f"wrote {len(truth['cases'])} cases to {OUT}")
