"""Shared helpers for the SAM 3 pack exporters: environment checks, logging, hashing, config filtering."""

from __future__ import annotations

import dataclasses
import hashlib
import sys
import time
from pathlib import Path
from typing import Any

_T0 = time.time()


def log(msg: str) -> None:
    """Print a timestamped progress line and flush (the device log is read after the fact)."""
    print(f"[{time.time() - _T0:7.1f}s] {msg}", flush=True)


def require_transformers() -> Any:
    """Import transformers and fail with a clear message when SAM 3 is missing."""
    try:
        import torch  # noqa: F401
        import transformers
    except ImportError as exc:  # pragma: no cover - environment check
        sys.exit(f"PyTorch and transformers >= 5 with Sam3Model are required ({exc})")
    major = int(transformers.__version__.split(".")[0])
    if major < 5 or not hasattr(transformers, "Sam3Model") or not hasattr(transformers, "Sam3TrackerModel"):
        sys.exit(
            f"transformers >= 5 with Sam3Model and Sam3TrackerModel is required (found {transformers.__version__})"
        )
    return transformers


def sha256_file(path: Path) -> str:
    h = hashlib.sha256()
    with path.open("rb") as f:
        for chunk in iter(lambda: f.read(1 << 20), b""):
            h.update(chunk)
    return h.hexdigest()


def config_fields(cls: type) -> set[str] | None:
    """Field names a config class accepts, or None when they cannot be determined."""
    if dataclasses.is_dataclass(cls):
        return {f.name for f in dataclasses.fields(cls)}
    try:
        return set(cls().to_dict().keys())
    except Exception:  # noqa: BLE001
        return None


def filter_kwargs(cls: type, kwargs: dict[str, Any]) -> dict[str, Any]:
    """Drop keys a (strict) config class does not know, and say which were dropped."""
    fields = config_fields(cls)
    if fields is None:
        return kwargs
    kept = {k: v for k, v in kwargs.items() if k in fields}
    dropped = sorted(set(kwargs) - set(kept))
    if dropped:
        log(f"config {cls.__name__}: dropped unknown keys {dropped}")
    return kept
