"""Writes the numpy fixtures of issue 27 into src/test/resources/generated/ (numpy only; the python3 on
PATH has it): python3 tools/make_numpy_fixtures.py [OUT]
- fortran_compressed.npz / fortran_stored.npz: np.savez_compressed and np.savez of a transposed array
  (a Fortran-order member) beside a C-order one, the same arrays in both.
- object_member.npz: a float array beside a string array and an object array, as np.savez writes them
  (allow_pickle: the object member is a pickle, which layerdiff never runs)."""
import os, sys
import numpy as np

OUT = sys.argv[1] if len(sys.argv) > 1 else os.path.join(os.path.dirname(__file__), "..", "src", "test", "resources", "generated")
x = np.arange(12, dtype=np.float32).reshape(3, 4) * 1.5
c = np.arange(6, dtype=np.int16).reshape(2, 3)
np.savez_compressed(f"{OUT}/fortran_compressed.npz", t=x.T, c=c, t3=np.asfortranarray(np.arange(24.0).reshape(2, 3, 4)))
np.savez(f"{OUT}/fortran_stored.npz", t=x.T, c=c, t3=np.asfortranarray(np.arange(24.0).reshape(2, 3, 4)))
np.savez(f"{OUT}/object_member.npz", w=x, names=np.array(["a", "b"]), meta=np.array([{"k": 1}], dtype=object))
print("wrote", OUT)
