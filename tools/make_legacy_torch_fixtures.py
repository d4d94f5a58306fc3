"""Writes torch.save's legacy-format fixtures (issue 27) into src/test/resources/legacy/: each file twice,
with _use_new_zipfile_serialization=False (NAME.legacy.pt) and in the zip format (NAME.zip.pt), so a test
can check that both read the same tensors. Run with Debian's python3-torch:
    /usr/bin/python3 tools/make_legacy_torch_fixtures.py [OUT]"""
import os, sys
import torch

OUT = sys.argv[1] if len(sys.argv) > 1 else os.path.join(os.path.dirname(__file__), "..", "src", "test", "resources", "legacy")
os.makedirs(OUT, exist_ok=True)
torch.manual_seed(27)
base = torch.randn(4, 6)
dump = {
    "activations": {"conv1": torch.randn(2, 3, 4), "half": torch.randn(5).half(), "bf16": torch.randn(3, 2).bfloat16()},
    "ids": torch.arange(7), "mask": torch.tensor([True, False, True]), "complex": torch.randn(3, dtype=torch.complex64),
    "transposed": base.t(), "tail": base[1:], "head": base[:2],  # non-contiguous, and views sharing a storage
    "scalar": torch.tensor(3.5), "empty": torch.zeros(0, 3),
}
# torchtext's GloVe cache (e.g. glove.test_twitter.27B.200d.pt): (itos, stoi, vectors, dim)
glove = (["the", "cat"], {"the": 0, "cat": 1}, torch.randn(2, 200), 200)
for name, obj in [("dump", dump), ("glove", glove), ("bare", torch.randn(2, 5))]:
    torch.save(obj, f"{OUT}/{name}.legacy.pt", _use_new_zipfile_serialization=False)
    torch.save(obj, f"{OUT}/{name}.zip.pt")
print("wrote", sorted(os.listdir(OUT)))
# Tensors that torch's own weights-only loader reads but layerdiff refuses with the reason: quantized, sparse.
torch.save({"q": torch.quantize_per_tensor(torch.randn(4), 0.1, 0, torch.qint8)}, f"{OUT}/quantized.zip.pt")
torch.save({"s": torch.randn(3, 3).to_sparse()}, f"{OUT}/sparse.zip.pt")
