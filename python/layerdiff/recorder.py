"""The recorder: forward hooks on a model's modules (and, with grads, hooks on their outputs' gradients)
that stream every tensor to a safetensors file as it is computed, named as layerdiff's capture names them."""

import fnmatch
import json
import os
import socket

import torch

from ._safetensors import StreamingWriter
from ._summary import SummaryWriter


def record(model, path, grads=False, param_grads=False, include=None, exclude=None, max_bytes=None, step=None, rank=None,
           summary=False):
    """Records the run of ``model`` inside the ``with`` block into ``path`` (a safetensors file).

    Every named module's output is recorded in call order, in its own dtype and from its own device,
    named after the module (``layers.0.attn``); a module called twice is recorded twice (``NAME``,
    ``NAME#2``); the model's own output as ``output`` (a tuple's tensors as ``output.0``, ...). With
    ``grads``, the gradient at each recorded output as ``grad/NAME``; with ``param_grads``, each
    parameter's gradient as ``param_grad/MODULE.PARAM``. ``include``/``exclude``: glob patterns of
    module names (``layers.*.mlp``). ``max_bytes``: the recording stops with an error rather than
    write more. ``summary``: write a layerdiff summary (README, "Without the tensors": statistics,
    histogram, hash and sketch per tensor, a few KiB each, computed on the tensor's device) instead of
    the tensors; floating-point tensors only. ``step`` and ``rank`` go into the file's metadata; ``{step}`` and ``{rank}`` in ``path``
    are filled in, and in a distributed run of more than one process without ``{rank}`` in the path,
    each rank writes ``NAME.rank{R}.safetensors``. Nothing is written if the block raises.
    """
    return Recorder(model, path, grads=grads, param_grads=param_grads, include=include, exclude=exclude,
                    max_bytes=max_bytes, step=step, rank=rank, summary=summary)


class Recorder:
    def __init__(self, model, path, grads=False, param_grads=False, include=None, exclude=None, max_bytes=None,
                 step=None, rank=None, summary=False):
        self.model = model
        self.grads = grads
        self.param_grads = param_grads
        self.include = list(include) if include else None
        self.exclude = list(exclude) if exclude else []
        self.max_bytes = max_bytes
        self.step = step
        self.summary = summary
        self.rank = _rank() if rank is None else rank
        self.path = _path(os.fspath(path), self.rank, step)
        self.order = []
        self._calls = {}
        self._hooks = []
        self._writer = None
        self._device = None
        self._open = False

    def __enter__(self):
        self._writer = SummaryWriter(self.path) if self.summary else StreamingWriter(self.path)
        self._open = True
        for name, module in self.model.named_modules():
            if name and not self._wanted(name):
                continue
            self._hooks.append(module.register_forward_hook(self._forward(name or None)))
            if self.param_grads and name:
                for pname, p in module.named_parameters(recurse=False):
                    if p.requires_grad:
                        self._hooks.append(p.register_hook(self._param(name + "." + pname)))
        return self

    def __exit__(self, kind, value, traceback):
        for h in self._hooks:
            h.remove()
        self._hooks = []
        # Gradient hooks stay on the tensors of the block; a backward pass after it records nothing.
        self._open = False
        if kind is not None:
            self._writer.abandon()
            return False
        self._writer.close(self._metadata())
        return False

    def _wanted(self, name):
        if self.include is not None and not any(fnmatch.fnmatchcase(name, g) for g in self.include):
            return False
        return not any(fnmatch.fnmatchcase(name, g) for g in self.exclude)

    def _forward(self, name):
        def hook(module, inputs, output):
            base = "output" if name is None else self._called(name)
            for key, t in _tensors(output, base):
                self._add(key, t)
                if self.grads and t.requires_grad:
                    t.register_hook(self._gradient("grad/" + key))
        return hook

    def _called(self, name):
        n = self._calls.get(name, 0) + 1
        self._calls[name] = n
        return name if n == 1 else "%s#%d" % (name, n)

    def _gradient(self, key):
        def hook(g):
            self._add(key, g)
        return hook

    def _param(self, key):
        def hook(g):
            self._add(self._called("param_grad/" + key), g)
        return hook

    def _add(self, key, tensor):
        if not self._open or (self.summary and not tensor.is_floating_point()):
            return  # a summary sketches values; integer outputs (indices, masks) are left out
        # max_bytes bounds what is written: the tensor's bytes, or in a summary what it has written so far.
        size = 0 if self.summary else tensor.numel() * tensor.element_size()
        if self.max_bytes is not None and self._writer.bytes + size > self.max_bytes:
            raise RuntimeError("layerdiff.record: %s would take the recording past max_bytes=%d (%d written); "
                               "record fewer modules (include/exclude) or raise max_bytes" % (key, self.max_bytes, self._writer.bytes))
        if self._device is None:
            self._device = str(tensor.device)
        self._writer.add(key, tensor)
        self.order.append(key)

    def _metadata(self):
        autocast = []
        if torch.is_autocast_enabled():
            autocast.append("cuda:" + str(torch.get_autocast_gpu_dtype()).replace("torch.", ""))
        if hasattr(torch, "is_autocast_cpu_enabled") and torch.is_autocast_cpu_enabled():
            autocast.append("cpu:" + str(torch.get_autocast_cpu_dtype()).replace("torch.", ""))
        meta = {
            "order": json.dumps(self.order),
            "producer": "layerdiff.record",
            "torch": torch.__version__,
            "cuda": str(torch.version.cuda),
            "device": self._device or "none",
            "autocast": ",".join(autocast) or "off",
            "hostname": socket.gethostname(),
            "rank": str(self.rank),
        }
        if self.step is not None:
            meta["step"] = str(self.step)
        return meta


def _tensors(value, name):
    """The tensors of a module's output, with their names: a tensor as itself, a tuple's or list's by index."""
    if torch.is_tensor(value):
        yield name, value
    elif isinstance(value, (tuple, list)):
        for i, v in enumerate(value):
            yield from _tensors(v, "%s.%d" % (name, i))
    elif isinstance(value, dict):
        for k, v in value.items():
            yield from _tensors(v, "%s.%s" % (name, k))


def _rank():
    d = torch.distributed
    return d.get_rank() if d.is_available() and d.is_initialized() else 0


def _path(path, rank, step):
    if "{rank}" in path or "{step}" in path:
        return path.format(rank=rank, step=step)
    d = torch.distributed
    if d.is_available() and d.is_initialized() and d.get_world_size() > 1:
        stem, ext = os.path.splitext(path)
        return "%s.rank%d%s" % (stem, rank, ext or ".safetensors")
    return path
