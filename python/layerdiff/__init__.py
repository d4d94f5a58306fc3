"""Record what a PyTorch run computes, layer by layer, in the files layerdiff compares.

    import layerdiff
    with layerdiff.record(model, "run.safetensors", grads=True):
        loss = criterion(model(x), y)
        loss.backward()

See README.md beside this package for the whole API.
"""

from .manifest import write_manifest
from .recorder import record, Recorder

__all__ = ["record", "Recorder", "write_manifest"]
__version__ = "0.1.0"
