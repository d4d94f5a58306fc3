# Writes the seed files of the fuzz targets (src/test/java/dev/layerdiff/fuzz) with NumPy only:
#   python3 tools/make_fuzz_seeds.py .
# The pickles of issue 13 are written here too; other finding-* inputs are kept as fuzzing found them.
import io, json, struct, sys, types, zipfile, pickle, os
import numpy as np
out = sys.argv[1]

def member(zf, name, data):  # a fixed timestamp keeps the files identical from run to run
    zf.writestr(zipfile.ZipInfo(name, (1980, 1, 1, 0, 0, 0)), data)
R = 'src/test/resources/dev/layerdiff/fuzz/'
def put(test, name, data, method='fuzz'):
    d = os.path.join(out, R, test + 'FuzzTestInputs', method)
    os.makedirs(d, exist_ok=True)
    open(os.path.join(d, name), 'wb').write(data)

# safetensors
def st(tensors, meta=None):
    h = {}
    blobs = b''
    for n, (dt, shape, raw) in tensors.items():
        h[n] = {'dtype': dt, 'shape': shape, 'data_offsets': [len(blobs), len(blobs) + len(raw)]}
        blobs += raw
    if meta: h['__metadata__'] = meta
    hb = json.dumps(h, separators=(',', ':')).encode()
    return struct.pack('<Q', len(hb)) + hb + blobs
f = np.array([0, 1.5, -2, np.nan, np.inf], dtype='<f4').tobytes()
put('Safetensors', 'two-tensors', st({'a': ('F32', [5], f), 'grad/a': ('F16', [2, 2], np.array([1, -1, 0, 2], '<f2').tobytes())}, {'order': '["a","grad/a"]'}))
put('Safetensors', 'dtypes', st({'i': ('I64', [2], np.array([1, -3], '<i8').tobytes()), 'b': ('BOOL', [3], b'\x00\x01\x01'),
    'bf': ('BF16', [1], b'\x80\x3f'), 'u': ('U8', [], b'\x07'), 'e': ('F64', [0], b'')}))

# npy
def npy(a, fortran=False):
    b = io.BytesIO(); np.save(b, np.asfortranarray(a) if fortran else a); return b.getvalue()
put('Npy', 'f32', npy(np.array([[0, 1.5], [-2, np.nan]], '<f4')))
put('Npy', 'fortran-i16', npy(np.arange(6, dtype='<i2').reshape(2, 3), True))
put('Npy', 'bigendian-f8', npy(np.array([1.0, -0.0, 3e300], '>f8')))
put('Npy', 'complex', npy(np.array([1 + 2j], '<c8')))

# npz
def npz(compressed, **arrays):
    b = io.BytesIO(); (np.savez_compressed if compressed else np.savez)(b, **arrays); return b.getvalue()
put('Npz', 'stored', npz(False, a=np.arange(4, dtype='<f4'), b=np.array([True, False])))
put('Npz', 'deflated', npz(True, a=np.zeros(64, '<f4'), grad_a=np.arange(6, dtype='<i8').reshape(2, 3)))

# torch.save zip: a pickle naming torch globals, written with fake modules so that no torch is needed
torch = types.ModuleType('torch'); utils = types.ModuleType('torch._utils')
sys.modules['torch'] = torch; sys.modules['torch._utils'] = utils; torch._utils = utils
class FloatStorage: pass
class LongStorage: pass
FloatStorage.__module__ = LongStorage.__module__ = 'torch'
torch.FloatStorage = FloatStorage; torch.LongStorage = LongStorage
def _rebuild_tensor_v2(*a): pass
_rebuild_tensor_v2.__module__ = 'torch._utils'; utils._rebuild_tensor_v2 = _rebuild_tensor_v2
from collections import OrderedDict
class Storage:
    def __init__(s, typ, key, numel): s.typ, s.key, s.numel = typ, key, numel
class Tensor:
    def __init__(s, storage, offset, size, stride): s.a = (storage, offset, size, stride, False, OrderedDict())
    def __reduce__(s): return (_rebuild_tensor_v2, s.a)
class P(pickle.Pickler):
    def persistent_id(s, o):
        return ('storage', o.typ, o.key, 'cpu', o.numel) if isinstance(o, Storage) else None
def pt(obj, storages, name=None):
    b = io.BytesIO(); P(b, protocol=2).dump(obj)
    if name: put('Torch', name, b.getvalue(), 'fuzzPickle')  # the pickle alone, for TorchFuzzTest.fuzzPickle
    z = io.BytesIO()
    with zipfile.ZipFile(z, 'w', zipfile.ZIP_STORED) as zf:
        member(zf, 'archive/data.pkl', b.getvalue())
        member(zf, 'archive/byteorder', 'little')
        for k, v in storages.items(): member(zf, 'archive/data/' + k, v)
    return z.getvalue()
s0 = Storage(FloatStorage, '0', 6); s1 = Storage(LongStorage, '1', 2)
t = Tensor(s0, 0, (2, 3), (3, 1))
put('Torch', 'nested', pt({'activations': OrderedDict(a=t, b=Tensor(s0, 1, (3, 2), (1, 3))),
                            'gradients': [Tensor(s1, 0, (2,), (1,)), t], 'step': 3},
                           {'0': np.arange(6, dtype='<f4').tobytes(), '1': np.array([5, -5], '<i8').tobytes()}, 'nested'))
put('Torch', 'bare', pt(Tensor(s0, 2, (2,), (2,)), {'0': np.arange(6, dtype='<f4').tobytes()}, 'bare'))

# Pickles that fuzzing found (issue 13): each in a torch.save zip beside a real storage.
def raw_pt(pkl, name):
    put('Torch', name, pkl, 'fuzzPickle')
    z = io.BytesIO()
    with zipfile.ZipFile(z, 'w', zipfile.ZIP_STORED) as zf:
        member(zf, 'archive/data.pkl', pkl)
        member(zf, 'archive/byteorder', 'little')
        member(zf, 'archive/data/0', np.arange(6, dtype='<f4').tobytes())
    return z.getvalue()
put('Torch', 'finding-list-key-holds-itself', raw_pt(bytes.fromhex('80027d5d71006800614b01732e'), 'finding-list-key-holds-itself'))
put('Torch', 'finding-mutual-list-keys', raw_pt(bytes.fromhex('80027d5d71014b017368015d7102613068026801613 0 2e'.replace(' ', '')), 'finding-mutual-list-keys'))
level = [t, t]
for i in range(40): level = [level, level]  # each list holds the previous one twice: 2^41 leaves
b = io.BytesIO(); P(b, protocol=2).dump({'x': level})
dag = b.getvalue()
put('Torch', 'finding-list-dag-2e41-leaves', raw_pt(dag, 'finding-list-dag-2e41-leaves'))
