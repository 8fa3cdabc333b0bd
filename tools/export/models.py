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
    calibration: dict[str, float] | None = None  # --random-full: what calibrate_to_threshold set

    @property
    def tracker_config(self) -> Any:
        return self.tracker.config


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


def _tiny_prompt_and_mask_decoder_configs(h: int) -> dict[str, Any]:
    """The tracker's prompt encoder and mask decoder, shared by the image tracker and the video tracker."""
    return {
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


def tiny_tracker_config_kwargs() -> dict[str, Any]:
    h = TINY_HIDDEN
    return {
        "vision_config": tiny_vision_config(),
        **_tiny_prompt_and_mask_decoder_configs(h),
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


def _random_pair(tf: Any, seed: int, detector_config: Any, tracker_config: Any, source: str) -> Sam3Pair:
    """Random detector + tracker on ONE trunk (as in facebook/sam3: the tracker's backbone is the detector's), with a
    non-zero no_memory_embedding so the graphs show where it is added. Shared by --tiny and --random-full."""
    import torch

    torch.manual_seed(seed)
    detector = _from_config(tf.Sam3Model, detector_config)
    torch.manual_seed(seed + 1)
    tracker = _from_config(tf.Sam3TrackerModel, tracker_config)
    missing = tracker.vision_encoder.backbone.load_state_dict(detector.vision_encoder.backbone.state_dict())
    log(f"tracker backbone <- detector backbone: {missing}")
    with torch.no_grad():
        # Non-zero so that the graphs show whether no_memory_embedding reaches image_embeddings.2.
        tracker.no_memory_embedding.normal_(0.0, 0.5, generator=torch.Generator().manual_seed(seed + 2))
    for m in (detector, tracker):
        force_eager(m)
        m.eval()
    size = int(detector.config.vision_config.backbone_config.image_size)
    return Sam3Pair(detector, tracker, size, source)


def build_tiny(seed: int) -> Sam3Pair:
    tf = require_transformers()
    pair = _random_pair(tf, seed, _build_detector_config(tf), _build_tracker_config(tf),
                        f"tiny random config, seed {seed}")
    calibrate_tiny(pair.detector)
    return pair


def build_random_full(seed: int, probe: "DetectorProbe | None" = None,
                      calibration: dict[str, float] | None = None) -> Sam3Pair:
    """transformers' default Sam3Config / Sam3TrackerConfig (the released model's architecture, 1008²) with random
    weights, built exactly like --tiny. Calibrated like the tiny model (query_proj × 8, presence-head bias), except
    that the bias is solved from one probe forward so that a fixed number of queries pass 0.5 on the probe image:
    random weights at full width put the scores elsewhere than the tiny model's fixed bias of 3.0 assumes."""
    tf = require_transformers()
    pair = _random_pair(tf, seed, tf.Sam3Config(), tf.Sam3TrackerConfig(),
                        f"full-size default config, random weights, seed {seed}")
    if calibration is not None:  # the values an earlier export solved (random-full.json): identical weights
        apply_calibration(pair.detector, calibration)
        pair.calibration = dict(calibration)
    elif probe is not None:
        pair.calibration = calibrate_to_threshold(pair.detector, probe)
    else:
        calibrate_tiny(pair.detector)
    return pair


def apply_calibration(detector: Any, calibration: dict[str, float]) -> None:
    import torch

    head = detector.detr_decoder.presence_head
    last = head.layer3 if getattr(head, "layer3", None) is not None else head.layer2
    proj = detector.dot_product_scoring.query_proj
    with torch.no_grad():
        if calibration.get("queryProjBiasDelta"):  # calibrate_to_threshold's offset, added before the scaling
            proj.bias.add_(torch.tensor(calibration["queryProjBiasDelta"], dtype=proj.bias.dtype))
        proj.weight.mul_(float(calibration["queryProjScale"]))
        if calibration.get("queryProjBias"):  # calibrate_to_threshold scales every logit: weight and bias
            proj.bias.mul_(float(calibration["queryProjScale"]))
        last.bias.add_(float(calibration["presenceBiasShift"]))


@dataclass
class DetectorProbe:
    """One detector call used to calibrate a random model: pixel_values [1,3,S,S], input_ids / attention_mask [1,32]."""

    pixel_values: Any
    input_ids: Any
    attention_mask: Any
    kept: int = 10  # the preferred number of queries that pass the threshold on the probe
    threshold: float = 0.5
    margin: float = 0.08  # no score within this distance of the threshold on the probe (the target asks 0.05)
    kept_range: tuple[int, int] = (5, 20)  # the kept count may move within this range to find such a gap


def calibrate_to_threshold(detector: Any, probe: DetectorProbe, device: str | None = None) -> dict[str, Any]:
    """Opens a clear gap around the threshold on the probe, so that comparing the kept sets of two precisions is
    meaningful: K queries (K in probe.kept_range) score at least threshold + margin and every other query at most
    threshold − margin.

    Random weights give 200 logits in a narrow band with a common offset (query_proj's bias against the pooled text),
    and Sam3DotProductScoring clamps logits to ±12: neither scaling query_proj's weight (calibrate_tiny) nor scaling
    every logit can open such a gap — the top queries saturate at the clamp together before the band separates. So
    two things are set, both on query_proj, from one forward on the probe (unclamped logits v, at scale 1):
      - the offset: query_proj.bias += δ, with δ along the probe's projected text t (Δlogit = scale·δ·t), so that the
        cut between the K-th and (K+1)-th logit sits at MIDPOINT;
      - the spread: weight and bias × a, the smallest factor that leaves the margin (scores stay graded).
    K is the cut in the range with the widest natural gap (the smallest a), ties nearest probe.kept. The presence
    head's last bias then sets σ(presence) = p of that cut (pred_logits do not depend on it)."""
    import math

    import numpy as np
    import torch

    head = detector.detr_decoder.presence_head
    last = head.layer3 if getattr(head, "layer3", None) is not None else head.layer2
    scoring = detector.dot_product_scoring
    dev = device or ("cuda" if torch.cuda.is_available() else "cpu")
    home = next(detector.parameters()).device
    detector.to(dev)
    boxes = torch.zeros((1, 1, 4), device=dev)
    labels = torch.full((1, 1), -10, dtype=torch.long, device=dev)  # the engine's "no exemplar" slot
    clamp = float(scoring.clamp_max_val)
    captured: dict[str, Any] = {}
    hook = scoring.text_proj.register_forward_hook(lambda _m, _i, out: captured.__setitem__("text", out.detach()))
    with torch.no_grad():
        scoring.clamp_logits = False
        try:
            out = detector(pixel_values=probe.pixel_values.to(dev), input_ids=probe.input_ids.to(dev),
                           attention_mask=probe.attention_mask.to(dev), input_boxes=boxes, input_boxes_labels=labels)
        finally:
            scoring.clamp_logits = True
            hook.remove()
        v = np.sort(out.pred_logits.flatten().double().cpu().numpy())[::-1]  # unclamped, at scale 1, descending
        t = captured["text"].flatten().double()
        lo, hi = probe.kept_range
        factors = np.logspace(-2, 4, 1201)
        best: tuple[float, int, float, float, float] | None = None  # (a, K, p, margin, midpoint shift)
        for k in range(max(1, lo), min(hi, len(v) - 1) + 1):
            half = (v[k - 1] - v[k]) / 2
            for a in factors:
                s_in = 1 / (1 + math.exp(-min(clamp, MIDPOINT + a * half)))
                s_out = 1 / (1 + math.exp(-max(-clamp, MIDPOINT - a * half)))
                p = min(2 * probe.threshold / (s_in + s_out), 0.999)
                m = min(s_in * p - probe.threshold, probe.threshold - s_out * p)
                if m >= probe.margin:
                    if best is None or (a, abs(k - probe.kept)) < (best[0], abs(best[1] - probe.kept)):
                        best = (float(a), k, p, m, float(-(v[k - 1] + v[k]) / 2))
                    break
        if best is None:
            raise RuntimeError(f"calibration: no cut in {probe.kept_range} reaches the margin {probe.margin}")
        factor, k, target, margin, mid = best
        # Δlogit (scale 1) = scoring.scale · δ·t; the MIDPOINT offset is added after scaling by a: mid + MIDPOINT/a.
        shift = mid + MIDPOINT / factor
        delta = (t * (shift / (scoring.scale * float(t @ t)))).to(scoring.query_proj.bias.dtype)
        scoring.query_proj.bias.add_(delta.to(dev))
        scoring.query_proj.weight.mul_(factor)
        scoring.query_proj.bias.mul_(factor)
        p0 = float(out.presence_logits.flatten()[0])
        presence_shift = math.log(target / (1 - target)) - p0
        last.bias.add_(presence_shift)
    detector.to(home)
    info = {"queryProjScale": factor, "queryProjBias": True, "queryProjBiasDelta": [float(x) for x in delta.cpu()],
            "presenceBiasShift": presence_shift, "presenceProbability": target, "keptScoreMargin": margin, "kept": k}
    log(f"calibrated on the probe: kept {k}, margin {margin:.4f}, factor {factor:.3g}, p {target:.4f}")
    return info


MIDPOINT = 0.4  # the logit the cut sits at: σ(presence) ≈ 0.75 then, not pinned at its cap


def build_from_checkpoint(checkpoint: str) -> Sam3Pair:
    tf = require_transformers()
    detector = tf.Sam3Model.from_pretrained(checkpoint, attn_implementation="eager")
    tracker = tf.Sam3TrackerModel.from_pretrained(checkpoint, attn_implementation="eager")
    for m in (detector, tracker):
        force_eager(m)
        m.eval()
    size = int(detector.config.vision_config.backbone_config.image_size)
    return Sam3Pair(detector, tracker, size, f"checkpoint {checkpoint}")


# --- video memory model (Sam3TrackerVideoModel) ---------------------------------------------------------------------

# Sam3TrackerVideoModel hard-codes 64-d memory keys (`cross_attn_image` kv_in_dim=64) and concatenates object
# pointers (hidden-wide, split into hidden/64 tokens) with the 64-d spatial memory, so its hidden width must be a
# multiple of 64. 64 is the smallest; 256 (the real one) would be ~9 MB of fp32 graphs for the fixtures.
TINY_VIDEO_HIDDEN = 64
TINY_MEMORY_DIM = 64


def tiny_video_config_kwargs() -> dict[str, Any]:
    h = TINY_VIDEO_HIDDEN
    vision = tiny_vision_config()
    vision["fpn_hidden_size"] = h
    return {
        "vision_config": vision,
        **_tiny_prompt_and_mask_decoder_configs(h),
        "memory": {
            "memory_attention_hidden_size": h,
            "memory_attention_num_layers": 2,
            "memory_attention_num_attention_heads": 1,
            "memory_attention_feed_forward_hidden_size": 64,
            "memory_encoder_hidden_size": h,
            "memory_encoder_output_channels": TINY_MEMORY_DIM,
            "mask_downsampler_embed_dim": h,
            "memory_fuser_embed_dim": h,
            "memory_fuser_intermediate_dim": 64,
            "memory_fuser_num_layers": 2,
        },
        "image_size": TINY_INPUT_SIZE,
    }


def _build_video_config(tf: Any) -> Any:
    kw = tiny_video_config_kwargs()
    vision = dict(kw["vision_config"])
    vision["backbone_config"] = _sub(tf, "Sam3ViTConfig", vision["backbone_config"])
    cfg_cls = tf.Sam3TrackerVideoConfig
    cfg = cfg_cls(
        vision_config=_sub(tf, "Sam3VisionConfig", vision),
        prompt_encoder_config=kw["prompt_encoder_config"],
        mask_decoder_config=kw["mask_decoder_config"],
        **filter_kwargs(cfg_cls, kw["memory"]),
    )
    # The image_size setter propagates to the prompt encoder, backbone_feature_sizes and the RoPE grid.
    cfg.image_size = kw["image_size"]
    log(f"video config: image_size={cfg.image_size} backbone_feature_sizes={cfg.vision_config.backbone_feature_sizes} "
        f"rope={cfg.memory_attention_rope_feat_sizes} fpn_hidden={cfg.vision_config.fpn_hidden_size}")
    return cfg


def randomize_zero_inits(video: Any, seed: int) -> None:
    """transformers initialises these to zero (the real checkpoint does not have zeros): give them seeded random
    values so the goldens exercise every path (no-memory embedding, temporal encodings, no-object pointer, occlusion
    embedding, memory-fuser layer scale)."""
    import torch

    g = torch.Generator().manual_seed(seed)
    with torch.no_grad():
        for name in ("no_memory_embedding", "memory_temporal_positional_encoding", "no_object_pointer",
                     "occlusion_spatial_embedding_parameter", "no_memory_positional_encoding"):
            p = getattr(video, name, None)
            if p is not None:
                p.copy_(torch.randn(p.shape, generator=g) * 0.5)
        for layer in video.memory_encoder.memory_fuser.layers:
            layer.scale.copy_(torch.randn(layer.scale.shape, generator=g) * 0.5)


def calibrate_tiny_video(video: Any) -> None:
    """Random weights put the object score near 0 and all three IoU predictions near 0.5, so presence and the best
    mask would hinge on 1e-3 margins. Shift the object-score head (+1.5: the object is present on every golden frame)
    and spread the IoU head (x20) so both decisions have clear margins (documented in the fixtures README)."""
    import torch

    with torch.no_grad():
        video.mask_decoder.pred_obj_score_head.proj_out.bias.add_(1.5)
        video.mask_decoder.iou_prediction_head.proj_out.weight.mul_(20.0)


def share_tracker_parts(video: Any, tracker: Any) -> list[str]:
    """The video model's tracker neck, conv_s0 / conv_s1 and no_memory_embedding become the tracker's, where their
    shapes agree: in facebook/sam3 Sam3TrackerModel and Sam3TrackerVideoModel load one set of tracker weights, so the
    vision graph's tracker embeddings (the tracker's neck, its conv_s0 / conv_s1 on levels 0 and 1) are what the
    video model computes too. Without this a random pack's video memory runs on other features than PyTorch's video
    model. The rest of the video model's mask decoder (calibrated: calibrate_tiny_video) stays its own; the memory
    graphs take levels 0 and 1 already projected, so they do not depend on conv_s0 / conv_s1. The tiny video model is
    64 wide and its tracker 32, so nothing is shared there (its goldens stay as they are)."""
    import torch

    shared: list[str] = []
    for name in ("vision_encoder.neck", "mask_decoder.conv_s0", "mask_decoder.conv_s1"):
        src_m, dst_m = tracker.get_submodule(name), video.get_submodule(name)
        src, dst = src_m.state_dict(), dst_m.state_dict()
        if src.keys() == dst.keys() and all(src[k].shape == dst[k].shape for k in src):
            dst_m.load_state_dict(src)
            shared.append(name)
    if tracker.no_memory_embedding.shape == video.no_memory_embedding.shape:
        with torch.no_grad():
            video.no_memory_embedding.copy_(tracker.no_memory_embedding)
        shared.append("no_memory_embedding")
    log(f"video model shares the tracker's {shared or 'nothing (other widths)'}")
    return shared


def _random_video(tf: Any, seed: int, config: Any, detector: Any, tracker: Any) -> Any:
    """Random Sam3TrackerVideoModel (seed + 3) on the detector's trunk (one trunk, as in facebook/sam3), zero inits
    made random (seed + 4) and calibrated, with the tracker's neck, conv_s0 / conv_s1 and no_memory_embedding where
    the widths agree (`share_tracker_parts`); shared by --tiny and --random-full."""
    import torch

    if not hasattr(tf, "Sam3TrackerVideoModel"):
        raise RuntimeError(f"transformers {tf.__version__} has no Sam3TrackerVideoModel")
    torch.manual_seed(seed + 3)
    video = _from_config(tf.Sam3TrackerVideoModel, config)
    res = video.vision_encoder.backbone.load_state_dict(detector.vision_encoder.backbone.state_dict())
    log(f"video backbone <- detector backbone: {res}")
    randomize_zero_inits(video, seed + 4)
    share_tracker_parts(video, tracker)
    calibrate_tiny_video(video)
    force_eager(video)
    video.eval()
    return video


def build_tiny_video(seed: int, pair: Sam3Pair) -> Any:
    tf = require_transformers()
    return _random_video(tf, seed, _build_video_config(tf), pair.detector, pair.tracker)


def build_random_full_video(seed: int, pair: Sam3Pair) -> Any:
    """transformers' default Sam3TrackerVideoConfig (hidden 256, memory 64, 1008²), random, on the detector's trunk,
    with the tracker's neck, conv_s0 / conv_s1 and no_memory_embedding."""
    tf = require_transformers()
    return _random_video(tf, seed, tf.Sam3TrackerVideoConfig(), pair.detector, pair.tracker)


def video_from_checkpoint(checkpoint: str) -> Any:
    tf = require_transformers()
    video = tf.Sam3TrackerVideoModel.from_pretrained(checkpoint, attn_implementation="eager")
    force_eager(video)
    video.eval()
    return video
