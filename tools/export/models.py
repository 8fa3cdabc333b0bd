"""Build the transformers SAM 3 detector (Sam3Model) and tracker (Sam3TrackerModel): tiny random or from a checkpoint."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from common import filter_kwargs, log, require_transformers

TINY_INPUT_SIZE = 168  # 12 patches of 14; window 6 -> 2x2 windows; necks 48/24/12/6
TINY_HIDDEN = 32  # fpn / detector / tracker width


@dataclass
class Sam3Pair:
    detector: Any  # transformers.Sam3Model
    tracker: Any  # transformers.Sam3TrackerModel
    input_size: int
    source: str


def tiny_vision_config() -> dict[str, Any]:
    grid = TINY_INPUT_SIZE // 14
    return {
        "backbone_config": {
            "hidden_size": 32,
            "intermediate_size": 64,
            "num_hidden_layers": 2,
            "num_attention_heads": 2,
            "image_size": TINY_INPUT_SIZE,
            "patch_size": 14,
            "window_size": 6,
            "global_attn_indexes": [1],
            "pretrain_image_size": 84,
        },
        "fpn_hidden_size": TINY_HIDDEN,
        "backbone_feature_sizes": [[grid * 4, grid * 4], [grid * 2, grid * 2], [grid, grid]],
        "scale_factors": [4.0, 2.0, 1.0, 0.5],
    }


def tiny_detector_config_kwargs() -> dict[str, Any]:
    h = TINY_HIDDEN
    return {
        "vision_config": tiny_vision_config(),
        # CLIP special ids (49406/49407) are kept, so the vocabulary stays at 49408; the width is tiny instead.
        "text_config": {
            "vocab_size": 49408,
            "hidden_size": 16,
            "intermediate_size": 32,
            "projection_dim": 16,
            "num_hidden_layers": 2,
            "num_attention_heads": 2,
            "max_position_embeddings": 32,
            "hidden_act": "gelu",
        },
        "geometry_encoder_config": {"hidden_size": h, "num_layers": 1, "num_attention_heads": 4, "intermediate_size": 64, "roi_size": 7},
        "detr_encoder_config": {"hidden_size": h, "num_layers": 1, "num_attention_heads": 4, "intermediate_size": 64},
        "detr_decoder_config": {"hidden_size": h, "num_layers": 2, "num_queries": 16, "num_attention_heads": 4, "intermediate_size": 64},
        "mask_decoder_config": {"hidden_size": h, "num_attention_heads": 4},
    }


def tiny_tracker_config_kwargs() -> dict[str, Any]:
    h = TINY_HIDDEN
    return {
        "vision_config": tiny_vision_config(),
        "prompt_encoder_config": {
            "hidden_size": h,
            "image_size": TINY_INPUT_SIZE,
            "patch_size": 14,
            "mask_input_channels": 4,
            "num_point_embeddings": 4,
        },
        "mask_decoder_config": {
            "hidden_size": h,
            "mlp_dim": 64,
            "num_hidden_layers": 2,
            "num_attention_heads": 4,
            "attention_downsample_rate": 2,
            "num_multimask_outputs": 3,
            "iou_head_depth": 3,
            "iou_head_hidden_dim": 32,
        },
    }


def _sub(tf: Any, cls_name: str, kwargs: dict[str, Any]) -> Any:
    cls = getattr(tf, cls_name, None)
    return cls(**filter_kwargs(cls, kwargs)) if cls is not None else kwargs


def _build_detector_config(tf: Any) -> Any:
    kw = tiny_detector_config_kwargs()
    vision = dict(kw["vision_config"])
    vision["backbone_config"] = _sub(tf, "Sam3ViTConfig", vision["backbone_config"])
    cfg = tf.Sam3Config(
        vision_config=_sub(tf, "Sam3VisionConfig", vision),
        text_config=tf.CLIPTextConfig(**kw["text_config"]),
        geometry_encoder_config=_sub(tf, "Sam3GeometryEncoderConfig", kw["geometry_encoder_config"]),
        detr_encoder_config=_sub(tf, "Sam3DETREncoderConfig", kw["detr_encoder_config"]),
        detr_decoder_config=_sub(tf, "Sam3DETRDecoderConfig", kw["detr_decoder_config"]),
        mask_decoder_config=_sub(tf, "Sam3MaskDecoderConfig", kw["mask_decoder_config"]),
    )
    return cfg


def _build_tracker_config(tf: Any) -> Any:
    kw = tiny_tracker_config_kwargs()
    vision = dict(kw["vision_config"])
    vision["backbone_config"] = _sub(tf, "Sam3ViTConfig", vision["backbone_config"])
    return tf.Sam3TrackerConfig(
        vision_config=_sub(tf, "Sam3VisionConfig", vision),
        prompt_encoder_config=_sub(tf, "Sam3TrackerPromptEncoderConfig", kw["prompt_encoder_config"]),
        mask_decoder_config=_sub(tf, "Sam3TrackerMaskDecoderConfig", kw["mask_decoder_config"]),
    )


def force_eager(model: Any) -> None:
    """Use eager attention everywhere (plain MatMul/Softmax in ONNX, no data-dependent mask shortcuts)."""
    try:
        model.set_attn_implementation("eager")
    except Exception as exc:  # noqa: BLE001
        log(f"set_attn_implementation failed ({exc}); setting configs directly")
    for module in model.modules():
        cfg = getattr(module, "config", None)
        if cfg is not None and hasattr(cfg, "_attn_implementation"):
            try:
                cfg._attn_implementation = "eager"
            except Exception:  # noqa: BLE001
                pass


def _from_config(cls: Any, config: Any) -> Any:
    try:
        return cls._from_config(config, attn_implementation="eager")
    except Exception as exc:  # noqa: BLE001
        log(f"{cls.__name__}._from_config(eager) failed ({exc}); plain constructor")
        return cls(config)


def calibrate_tiny(detector: Any) -> None:
    """Random weights give scores near 0.25, so nothing passes 0.5. Shift the presence head and widen the
    score spread so the 0.5 threshold keeps some queries and drops others (documented in the fixtures README)."""
    import torch

    with torch.no_grad():
        head = detector.detr_decoder.presence_head
        last = head.layer3 if getattr(head, "layer3", None) is not None else head.layer2
        last.bias.fill_(3.0)
        detector.dot_product_scoring.query_proj.weight.mul_(8.0)


def build_tiny(seed: int) -> Sam3Pair:
    tf = require_transformers()
    import torch

    torch.manual_seed(seed)
    detector = _from_config(tf.Sam3Model, _build_detector_config(tf))
    torch.manual_seed(seed + 1)
    tracker = _from_config(tf.Sam3TrackerModel, _build_tracker_config(tf))
    # One trunk for both heads, as in facebook/sam3 (the tracker's backbone is the detector's).
    missing = tracker.vision_encoder.backbone.load_state_dict(detector.vision_encoder.backbone.state_dict())
    log(f"tracker backbone <- detector backbone: {missing}")
    with torch.no_grad():
        # Non-zero so that the graphs show whether no_memory_embedding reaches image_embeddings.2.
        tracker.no_memory_embedding.normal_(0.0, 0.5, generator=torch.Generator().manual_seed(seed + 2))
    calibrate_tiny(detector)
    for m in (detector, tracker):
        force_eager(m)
        m.eval()
    return Sam3Pair(detector, tracker, TINY_INPUT_SIZE, f"tiny random config, seed {seed}")


def build_from_checkpoint(checkpoint: str) -> Sam3Pair:
    tf = require_transformers()
    detector = tf.Sam3Model.from_pretrained(checkpoint, attn_implementation="eager")
    tracker = tf.Sam3TrackerModel.from_pretrained(checkpoint, attn_implementation="eager")
    for m in (detector, tracker):
        force_eager(m)
        m.eval()
    size = int(detector.config.vision_config.backbone_config.image_size)
    return Sam3Pair(detector, tracker, size, f"checkpoint {checkpoint}")


def full_size_pair() -> Sam3Pair:
    """Default (full-size) configs with random weights: the real architecture, no checkpoint."""
    tf = require_transformers()
    import torch

    torch.manual_seed(0)
    detector = _from_config(tf.Sam3Model, tf.Sam3Config())
    tracker = _from_config(tf.Sam3TrackerModel, tf.Sam3TrackerConfig())
    for m in (detector, tracker):
        force_eager(m)
        m.eval()
    size = int(detector.config.vision_config.backbone_config.image_size)
    return Sam3Pair(detector, tracker, size, "full-size default config, random weights")
