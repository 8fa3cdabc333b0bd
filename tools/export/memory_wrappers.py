"""Video memory graphs (jax-image-tools/sam3-video-onnx contract, exports.md §9.3) from Sam3TrackerVideoModel.

Every wrapper calls the transformers modules or methods themselves; only the plumbing is ours:
- `MemoryMaskDecoder`  -> mask_decoder.onnx     (HF `_single_frame_forward` with the `_use_multimask` rule)
- `MemoryAttention`    -> memory_attention.onnx (HF `memory_attention`, spatial memory and pointers separate)
- `MemoryEncoder`      -> memory_encoder.onnx   (HF `_encode_new_memory`, without the bfloat16 storage cast)
plus `memory_constants()` -> constants.json (the learned host-side tensors the bank assembly needs).
"""

from __future__ import annotations

from typing import Any

import torch
import torch.nn.functional as F
from torch import nn

DECODER_INPUTS = ["feats0", "feats1", "feats2", "input_points", "input_labels"]
DECODER_OUTPUTS = ["pred_masks", "high_res_masks", "iou_scores", "object_pointer", "object_score_logits"]
ATTENTION_INPUTS = [
    "current_vision_features",
    "current_vision_position_embeddings",
    "spatial_memory",
    "spatial_memory_position_embeddings",
    "pointer_memory",
    "pointer_memory_position_embeddings",
]
ATTENTION_OUTPUTS = ["conditioned_features"]
ENCODER_INPUTS = ["vision_features", "pred_masks_high_res", "is_mask_from_pts"]
ENCODER_OUTPUTS = ["memory_tokens", "memory_pos_enc"]

# HF's NO_OBJ_SCORE is -1024: masks of absent objects are filled with it. Half of it separates them safely.
ABSENT_MASK_THRESHOLD = -512.0


class MemoryMaskDecoder(nn.Module):
    """`feats0..2` ([1,C/8,4g,4g], [1,C/4,2g,2g], [1,C,g,g] — feats2 already conditioned: memory attention output, or
    raw + no_memory_embedding on conditioning frames), `input_points` f32 [1,1,N,2] (input-size pixel frame),
    `input_labels` int32 [1,1,N] (1 fg, 0 bg, 2/3 box corners, -1 not-a-point; a tracked frame passes one (0,0)/-1).

    Exactly HF `_single_frame_forward(image_embeddings=..., input_points, input_labels)` (which pads one
    not-a-point token) with HF's `_use_multimask` rule: multimask (best of 3 by IoU) when N <= 1, otherwise single
    mask with dynamic multimask-via-stability. Both branches are computed and selected in-graph (the decoder runs
    twice; cheap next to memory attention). Outputs: the selected mask `pred_masks` [1,1,4g,4g] and
    `high_res_masks` [1,1,S,S] (logits; -1024 everywhere when the object is absent), its `iou_scores` [1,1],
    `object_pointer` [1,1,C] (occlusion-gated), `object_score_logits` [1,1]."""

    def __init__(self, video: Any) -> None:
        super().__init__()
        self.video = video

    def forward(
        self,
        feats0: torch.Tensor,
        feats1: torch.Tensor,
        feats2: torch.Tensor,
        input_points: torch.Tensor,
        input_labels: torch.Tensor,
    ) -> tuple[torch.Tensor, ...]:
        labels = input_labels.to(torch.int32)
        emb = [feats0, feats1, feats2]
        multi = self.video._single_frame_forward(
            image_embeddings=emb, input_points=input_points, input_labels=labels, multimask_output=True
        )
        single = self.video._single_frame_forward(
            image_embeddings=emb, input_points=input_points, input_labels=labels, multimask_output=False
        )
        # HF _use_multimask: multimask_output_in_sam and min_pt <= N <= max_pt (tracked frames count N = 0 there;
        # here they pass one not-a-point, N = 1, same branch).
        cfg = self.video.config
        n = torch.ones_like(input_labels, dtype=torch.float32).sum(-1)  # [1,1], traced from the dynamic shape
        use_multi = (n >= float(cfg.multimask_min_pt_num)) & (n <= float(cfg.multimask_max_pt_num))
        if not cfg.multimask_output_in_sam:
            use_multi = torch.zeros_like(use_multi)
        multi_iou = multi.iou_scores.max(dim=-1).values  # the IoU of the mask HF picked (argmax)
        single_iou = single.iou_scores[..., 0]
        m4 = use_multi.reshape(1, 1, 1, 1)
        pred_masks = torch.where(m4, multi.pred_masks, single.pred_masks)
        high_res = torch.where(m4, multi.high_res_masks, single.high_res_masks)
        iou = torch.where(use_multi, multi_iou, single_iou)
        pointer = torch.where(use_multi.unsqueeze(-1), multi.object_pointer, single.object_pointer)
        score = multi.object_score_logits.reshape(1, 1)
        return pred_masks, high_res, iou, pointer.reshape(1, 1, -1), score


class MemoryAttention(nn.Module):
    """Token-major inputs: `current_vision_features` / `_position_embeddings` [T,1,C] (raw feats2 and its sine PE),
    `spatial_memory` / `_position_embeddings` [S,1,M] (S dynamic: memory blocks; positions already include the
    temporal encoding), `pointer_memory` / `_position_embeddings` [P,1,M] (P dynamic; positions host-projected).
    Output `conditioned_features` (1,1,T,C) token-major. RoPE is not applied to the P pointer tokens (HF
    num_object_pointer_tokens)."""

    def __init__(self, video: Any) -> None:
        super().__init__()
        self.attention = video.memory_attention

    def forward(
        self,
        current_vision_features: torch.Tensor,
        current_vision_position_embeddings: torch.Tensor,
        spatial_memory: torch.Tensor,
        spatial_memory_position_embeddings: torch.Tensor,
        pointer_memory: torch.Tensor,
        pointer_memory_position_embeddings: torch.Tensor,
    ) -> torch.Tensor:
        memory = torch.cat([spatial_memory, pointer_memory], dim=0)
        pos = torch.cat([spatial_memory_position_embeddings, pointer_memory_position_embeddings], dim=0)
        return self.attention(
            current_vision_features=current_vision_features,
            memory=memory,
            current_vision_position_embeddings=current_vision_position_embeddings,
            memory_posision_embeddings=pos,
            num_object_pointer_tokens=pointer_memory.shape[0],
        )


class MemoryEncoder(nn.Module):
    """`vision_features` [1,C,g,g] (raw feats2), `pred_masks_high_res` [1,1,S,S] (decoder logits), `is_mask_from_pts`
    bool [1] -> `memory_tokens`, `memory_pos_enc` [g²,1,M].

    HF `_encode_new_memory`: resize to 4x the mask-input size (an upsampling, so HF's antialias changes nothing),
    binarize (mask from prompts) or sigmoid, x scale + bias, memory encoder, then the occlusion embedding where the
    object is absent. HF decides absence from `object_score_logits > 0`; the graph has no score input (the
    contract's), so it reads it from the mask: the decoder fills an absent object's mask with -1024, so
    `max(mask) > -512` is the same decision for every mask the decoder produced. fp32 out (HF stores bfloat16)."""

    def __init__(self, video: Any) -> None:
        super().__init__()
        self.encoder = video.memory_encoder
        mh, mw = video.prompt_encoder.mask_input_size
        self.mem_size = (int(mh) * 4, int(mw) * 4)
        self.scale = float(video.config.sigmoid_scale_for_mem_enc)
        self.bias = float(video.config.sigmoid_bias_for_mem_enc)
        self.occlusion = video.occlusion_spatial_embedding_parameter  # [1, M] or None

    def forward(
        self, vision_features: torch.Tensor, pred_masks_high_res: torch.Tensor, is_mask_from_pts: torch.Tensor
    ) -> tuple[torch.Tensor, torch.Tensor]:
        masks = pred_masks_high_res
        if tuple(masks.shape[-2:]) != self.mem_size:
            masks = F.interpolate(masks, size=self.mem_size, mode="bilinear", align_corners=False)
        binary = (masks > 0).to(masks.dtype)
        soft = torch.sigmoid(masks)
        mask_for_mem = torch.where(is_mask_from_pts.reshape(-1, 1, 1, 1), binary, soft)
        mask_for_mem = mask_for_mem * self.scale + self.bias
        feats, pos = self.encoder(vision_features, mask_for_mem)
        if self.occlusion is not None:
            present = (pred_masks_high_res.flatten(1).max(dim=1).values > ABSENT_MASK_THRESHOLD).to(feats.dtype)
            feats = feats + (1 - present[:, None, None, None]) * self.occlusion[..., None, None]
        tokens = feats.flatten(2).permute(2, 0, 1)
        pos = pos.to(feats.dtype).flatten(2).permute(2, 0, 1)
        return tokens, pos


def memory_constants(video: Any) -> dict[str, Any]:
    """constants.json (exports.md §9.4 keys, + the pointer temporal projection and geometry)."""
    cfg = video.config
    hidden = int(video.hidden_dim)
    mem = int(video.mem_dim)

    def rows(t: torch.Tensor) -> list[list[float]]:
        return [[float(v) for v in r] for r in t.detach().float().cpu().reshape(t.shape[0], -1).tolist()]

    out: dict[str, Any] = {
        "format": "sam3-web-memory-constants",
        "image_mean": [0.5, 0.5, 0.5],
        "image_std": [0.5, 0.5, 0.5],
        "memory_temporal_positional_encoding": rows(video.memory_temporal_positional_encoding.reshape(-1, mem)),
        "no_memory_embedding": [float(v) for v in video.no_memory_embedding.detach().reshape(-1).tolist()],
        "hidden_dim": hidden,
        "memory_dim": mem,
        "pointer_tokens": max(1, hidden // mem),
        "num_maskmem": int(cfg.num_maskmem),
        "max_object_pointers_in_encoder": int(cfg.max_object_pointers_in_encoder),
        "max_cond_frame_num": int(cfg.max_cond_frame_num),
        "enable_temporal_pos_encoding_for_object_pointers": bool(cfg.enable_temporal_pos_encoding_for_object_pointers),
    }
    proj = video.temporal_positional_encoding_projection_layer
    if isinstance(proj, nn.Linear):
        out["object_pointer_tpos_proj"] = {
            "weight": rows(proj.weight),
            "bias": [float(v) for v in proj.bias.detach().reshape(-1).tolist()],
        }
    return out
