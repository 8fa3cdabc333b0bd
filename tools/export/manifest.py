"""Write manifest.json for an exported pack (workers/protocol/manifest.ts, `PackManifest`)."""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from common import log, sha256_file


@dataclass
class GraphFiles:
    vision: Path
    text: Path
    detector: Path
    tracker: Path
    tokenizer: Path
    memoryDecoder: Path | None = None
    memoryAttention: Path | None = None
    memoryEncoder: Path | None = None
    memoryConstants: Path | None = None


MEMORY_ROLES = ("memoryDecoder", "memoryAttention", "memoryEncoder", "memoryConstants")
MEMORY_CONTRACTS = {
    "memoryDecoder": "jax-sam3-mask-decoder",
    "memoryAttention": "jax-sam3-memory-attention",
    "memoryEncoder": "jax-sam3-memory-encoder",
}


def file_ref(path: Path, root: Path) -> dict[str, Any]:
    return {"path": path.relative_to(root).as_posix(), "size": path.stat().st_size, "sha256": sha256_file(path)}


def add_memory_entries(manifest: dict[str, Any], root: Path, files: GraphFiles) -> dict[str, Any]:
    """The three memory graphs + memoryConstants, only when all four files exist (the engine needs all of them)."""
    if all(getattr(files, k) is not None for k in MEMORY_ROLES):
        for role, contract in MEMORY_CONTRACTS.items():
            manifest["graphs"][role] = {"file": file_ref(getattr(files, role), root), "contract": contract,
                                        "ioDtype": "float32"}
        manifest["memoryConstants"] = file_ref(files.memoryConstants, root)
    return manifest


def tracker_top_level(tracker_config: Any) -> str:
    """What image_embeddings.2 holds. wrappers.DualVisionEncoder adds no_memory_embedding where
    Sam3TrackerModel.get_image_embeddings does: to the last level the tracker neck emits, before the list is cut to
    backbone_feature_sizes. With a 4-level neck (transformers' default, SAM 3's: scale factors 4, 2, 1, 0.5) that level
    is dropped and image_embeddings.2 is raw; a 3-level neck's level 2 has it added."""
    v = tracker_config.vision_config
    return "raw" if len(v.scale_factors) > len(v.backbone_feature_sizes) else "plus-no-memory"


def build_manifest(root: Path, files: GraphFiles, pair: Any, pack_id: str, name: str) -> dict[str, Any]:
    queries = int(pair.detector.config.detr_decoder_config.num_queries)
    manifest: dict[str, Any] = {
        "format": "sam3-web-pack",
        "version": 1,
        "id": pack_id,
        "name": name,
        "description": f"SAM 3 pack exported from transformers ({pair.source}) by tools/export/export_pack.py.",
        "license": "SAM License (facebook/sam3)" if "checkpoint" in pair.source else "Apache-2.0",
        "inputSize": int(pair.input_size),
        "image": {"mean": [0.5, 0.5, 0.5], "std": [0.5, 0.5, 0.5], "resize": "stretch"},
        "tokenizer": {
            "file": file_ref(files.tokenizer, root),
            "contextLength": 32,
            "padding": "eot",
            "sotId": 49406,
            "eotId": 49407,
        },
        "graphs": {
            "vision": {"file": file_ref(files.vision, root), "contract": "dual-encoder", "ioDtype": "float32",
                       "trackerTopLevel": tracker_top_level(pair.tracker_config)},
            "text": {"file": file_ref(files.text, root), "contract": "usls-v2-text", "ioDtype": "float32"},
            "detector": {
                "file": file_ref(files.detector, root),
                "contract": "usls-v2-decoder",
                "ioDtype": "float32",
                "queries": queries,
                "boxInput": "cxcywh-norm",
                "boxPadLabel": -10,
                "boxOutput": "xyxy-norm",
                "maskOutput": "logits",
                "presence": True,
                "textMaskPolarity": "true-is-valid",
            },
            # Not yet in manifest.ts: the type needs `tracker?: { file, contract: 'sam3-tracker-decoder', ... }`.
            "tracker": {"file": file_ref(files.tracker, root), "contract": "sam3-tracker-decoder", "ioDtype": "float32"},
        },
    }
    return add_memory_entries(manifest, root, files)


def write_manifest(root: Path, files: GraphFiles, pair: Any, pack_id: str, name: str) -> Path:
    path = root / "manifest.json"
    path.write_text(json.dumps(build_manifest(root, files, pair, pack_id, name), indent=2) + "\n")
    log(f"wrote {path}")
    return path
