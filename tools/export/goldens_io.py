"""Golden tensors as raw little-endian .bin files plus one index.json (readable from TypeScript without numpy)."""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

import numpy as np

_DTYPES = {
    np.dtype("float32"): ("float32", "<f4"),
    np.dtype("float64"): ("float32", "<f4"),
    np.dtype("int64"): ("int64", "<i8"),
    np.dtype("int32"): ("int32", "<i4"),
    np.dtype("uint8"): ("uint8", "u1"),
    np.dtype("bool"): ("bool", "u1"),
}


class GoldenWriter:
    def __init__(self, root: Path) -> None:
        self.root = root
        self.bins = root / "bins"
        self.bins.mkdir(parents=True, exist_ok=True)
        self.tensors: dict[str, dict[str, Any]] = {}
        self.meta: dict[str, Any] = {}

    def add(self, name: str, value: Any) -> None:
        arr = value.detach().cpu().numpy() if hasattr(value, "detach") else np.asarray(value)
        if arr.dtype not in _DTYPES:
            raise TypeError(f"{name}: unsupported dtype {arr.dtype}")
        dtype, np_code = _DTYPES[arr.dtype]
        fname = re.sub(r"[^A-Za-z0-9._-]", "__", name) + ".bin"
        data = np.ascontiguousarray(arr).astype(np_code).tobytes()
        (self.bins / fname).write_bytes(data)
        self.tensors[name] = {"dtype": dtype, "dims": [int(d) for d in arr.shape], "file": f"bins/{fname}"}

    def write(self, extra: dict[str, Any]) -> Path:
        index = {"format": "sam3-web-goldens", "version": 1, **extra, "meta": self.meta, "tensors": self.tensors}
        path = self.root / "index.json"
        path.write_text(json.dumps(index, indent=1) + "\n")
        return path
