"""A safetensors writer that streams: tensors go to a temporary data file as they arrive, and close()
writes the header and copies the data behind it into the final file, then renames it into place. The
recording never holds more than one tensor in host memory."""

import ctypes
import json
import os
import struct
import sys
import tempfile

import torch

_DTYPES = {
    torch.float64: "F64", torch.float32: "F32", torch.float16: "F16", torch.bfloat16: "BF16",
    torch.int64: "I64", torch.int32: "I32", torch.int16: "I16", torch.int8: "I8", torch.uint8: "U8",
    torch.bool: "BOOL",
}
_COPY = 8 << 20


def tensor_bytes(t):
    """A tensor's elements as little-endian bytes in C order (one copy, no numpy: torch 2 installs without it)."""
    t = t.to("cpu").contiguous()
    data = ctypes.string_at(t.data_ptr(), t.numel() * t.element_size()) if t.numel() else b""
    if sys.byteorder == "big" and t.element_size() > 1:
        data = _swapped(data, t.element_size())
    return data


def _swapped(data, size):
    out = bytearray(data)
    for i in range(0, len(out), size):
        out[i:i + size] = out[i:i + size][::-1]
    return bytes(out)


def write_file(path, entries, metadata, blobs):
    """Writes a safetensors file atomically (a temporary file beside it, renamed over it): the header of
    ``entries`` (name -> dtype, shape, data_offsets) and ``metadata``, then the bytes of ``blobs`` in order."""
    header = dict(entries)
    header["__metadata__"] = {k: str(v) for k, v in metadata.items()}
    blob = json.dumps(header, separators=(",", ":")).encode("utf-8")
    blob += b" " * (-len(blob) % 8)
    directory = os.path.dirname(os.path.abspath(path))
    fd, part = tempfile.mkstemp(dir=directory, prefix=".layerdiff-", suffix=".part")
    try:
        with os.fdopen(fd, "wb") as out:
            out.write(struct.pack("<Q", len(blob)))
            out.write(blob)
            for data in blobs:
                out.write(data)
        os.replace(part, path)
    except BaseException:
        if os.path.exists(part):
            os.unlink(part)
        raise


class StreamingWriter:
    def __init__(self, path):
        self.path = os.fspath(path)
        directory = os.path.dirname(os.path.abspath(self.path))
        self._data = tempfile.TemporaryFile(dir=directory, prefix=".layerdiff-", suffix=".data")
        self._entries = {}
        self._offset = 0
        self.bytes = 0

    def add(self, name, tensor):
        """Appends one tensor (any device, any layout) under a new name; returns its size in bytes."""
        if name in self._entries or name == "__metadata__":
            raise ValueError("tensor name %r is taken" % name)
        if tensor.dtype not in _DTYPES:
            raise TypeError("%s: dtype %s has no safetensors name" % (name, tensor.dtype))
        data = tensor_bytes(tensor.detach())
        self._data.write(data)
        self._entries[name] = {
            "dtype": _DTYPES[tensor.dtype],
            "shape": list(tensor.shape),
            "data_offsets": [self._offset, self._offset + len(data)],
        }
        self._offset += len(data)
        self.bytes += len(data)
        return len(data)

    def close(self, metadata):
        """Writes the file: the header, then the data; atomically (a temporary file renamed over the path)."""
        self._data.seek(0)
        try:
            write_file(self.path, self._entries, metadata, iter(lambda: self._data.read(_COPY), b""))
        finally:
            self._data.close()

    def abandon(self):
        self._data.close()
