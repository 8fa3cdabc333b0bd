"""The benchmark cases of bench_cases.json, as arrays: images, video frames, object boxes and token ids. The Node side
(npm run bench:gpu) builds the same inputs from the same JSON with the rules written here and in README.md."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import numpy as np

HERE = Path(__file__).resolve().parent
REPO = HERE.parent.parent
CASES = HERE / "bench_cases.json"
CONTEXT = 32
SOT, EOT = 49406, 49407


def load_cases(path: Path = CASES) -> dict[str, Any]:
    return json.loads(path.read_text())


def image_rgb(cases: dict[str, Any], image_id: str) -> np.ndarray:
    """uint8 [H,W,3] (alpha dropped)."""
    from PIL import Image

    entry = next(i for i in cases["images"] if i["id"] == image_id)
    return np.asarray(Image.open(REPO / entry["path"]).convert("RGB"))


def video_frame(image: np.ndarray, k: int, shift_per_frame: list[int]) -> np.ndarray:
    """Frame k: the image rolled (wrapping around) by k·dx pixels right and k·dy pixels down."""
    dx, dy = shift_per_frame
    return np.roll(image, shift=(k * dy, k * dx), axis=(0, 1))


def object_boxes(n: int, width: int, height: int, grid: list[int]) -> list[list[float]]:
    """The first n cells (row-major) of a cols×rows grid over the image, xyxy pixels: one box per tracked object."""
    cols, rows = grid
    if n > cols * rows:
        raise ValueError(f"{n} objects > {cols * rows} grid cells")
    out = []
    for i in range(n):
        r, c = divmod(i, cols)
        out.append([c * width / cols, r * height / rows, (c + 1) * width / cols, (r + 1) * height / rows])
    return out


def token_ids(tokenizer_json: Path, phrase: str) -> tuple[list[int], list[int]]:
    """input_ids / attention_mask [32] exactly as the engine builds them (workers/core/tokens.ts padTokenIds, HF
    'eot' padding): SOT + BPE + EOT, truncated to 32 with the last kept token forced to EOT, padded with EOT."""
    from tokenizers import Tokenizer

    ids = Tokenizer.from_file(str(tokenizer_json)).encode(phrase, add_special_tokens=True).ids
    if not ids or ids[0] != SOT:
        ids = [SOT] + ids
    if len(ids) == 1 or ids[-1] != EOT:
        ids = ids + [EOT]
    if len(ids) > CONTEXT:
        ids = ids[:CONTEXT]
        ids[-1] = EOT
    n = len(ids)
    return ids + [EOT] * (CONTEXT - n), [1] * n + [0] * (CONTEXT - n)


def pixel_values(image: np.ndarray, size: int) -> Any:
    """[1,3,S,S] float32 as transformers' Sam3ImageProcessorFast makes it (stretch to S², x/255, mean/std 0.5) —
    equal to the engine's pre-processing within 1e-3 (tests/parity/engine.test.ts). transformers' image processors
    need torchvision; where it is missing (a CPU-only machine) PIL's bilinear resize stands in, with a warning."""
    import torch
    import transformers
    from PIL import Image

    from common import log

    try:
        import torchvision  # noqa: F401

        cls = getattr(transformers, "Sam3ImageProcessorFast", None) or getattr(transformers, "Sam3ImageProcessor")
        proc = cls(size={"height": size, "width": size})
        return proc(images=Image.fromarray(image), return_tensors="pt")["pixel_values"].float()
    except ImportError:
        global _WARNED
        if not _WARNED:
            log("torchvision missing: PIL bilinear resize instead of Sam3ImageProcessor (not the reference)")
            _WARNED = True
        resized = np.asarray(Image.fromarray(image).resize((size, size), Image.BILINEAR), dtype=np.float32)
        return torch.from_numpy((resized / 127.5 - 1.0).transpose(2, 0, 1)[None].copy())


_WARNED = False


def calibration_probe(cases: dict[str, Any], tokenizer_json: Path, size: int) -> Any:
    """models.DetectorProbe for --random-full: the calibration image and phrase of bench_cases.json."""
    import torch

    from models import DetectorProbe

    c = cases["calibration"]
    ids, mask = token_ids(tokenizer_json, c["phrase"])
    return DetectorProbe(pixel_values=pixel_values(image_rgb(cases, c["image"]), size),
                         input_ids=torch.tensor([ids]), attention_mask=torch.tensor([mask]), kept=int(c["kept"]))
