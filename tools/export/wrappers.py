"""torch modules whose forward() is exactly one graph of sam3-web's pack, built from transformers SAM 3 modules.

Every wrapper calls the transformers submodules themselves, so the numerics are the reference's; only the
plumbing (names, layouts, which tensors cross a graph boundary) is ours.
"""

from __future__ import annotations

from typing import Any

import torch
from torch import nn

VISION_INPUTS = ["pixel_values"]
TEXT_INPUTS = ["input_ids", "attention_mask"]
TEXT_OUTPUTS = ["text_features", "text_mask"]
DETECTOR_INPUTS = [
    "fpn_feat_0",
    "fpn_feat_1",
    "fpn_feat_2",
    "fpn_pos_2",
    "text_features",
    "text_mask",
    "input_boxes",
    "input_boxes_labels",
]
DETECTOR_OUTPUTS = ["pred_masks", "pred_boxes", "pred_logits", "presence_logits"]
TRACKER_INPUTS = [
    "input_points",
    "input_labels",
    "input_boxes",
    "image_embeddings.0",
    "image_embeddings.1",
    "image_embeddings.2",
]
TRACKER_OUTPUTS = ["iou_scores", "pred_masks", "object_score_logits"]


def vision_output_names(num_levels: int, num_tracker_levels: int) -> list[str]:
    return (
        [f"fpn_hidden_state_{i}" for i in range(num_levels)]
        + [f"fpn_position_encoding_{i}" for i in range(num_levels)]
        + [f"image_embeddings.{i}" for i in range(num_tracker_levels)]
    )


class DualVisionEncoder(nn.Module):
    """One trunk pass, two necks: the detector FPN (all levels + sine encodings) and the tracker FPN after
    conv_s0/conv_s1, with no_memory_embedding added exactly where Sam3TrackerModel.get_image_embeddings adds it
    (to the last level the tracker neck emits, before the list is cut to backbone_feature_sizes)."""

    def __init__(
        self,
        backbone: nn.Module,
        detector_neck: nn.Module,
        tracker_neck: nn.Module,
        conv_s0: nn.Module,
        conv_s1: nn.Module,
        no_memory_embedding: torch.Tensor,
        patch_size: int,
        num_tracker_levels: int,
    ) -> None:
        super().__init__()
        self.backbone = backbone
        self.detector_neck = detector_neck
        self.tracker_neck = tracker_neck
        self.conv_s0 = conv_s0
        self.conv_s1 = conv_s1
        self.no_memory_embedding = no_memory_embedding
        self.patch_size = patch_size
        self.num_tracker_levels = num_tracker_levels

    @classmethod
    def from_pair(cls, detector: Any, tracker: Any) -> "DualVisionEncoder":
        return cls(
            backbone=detector.vision_encoder.backbone,
            detector_neck=detector.vision_encoder.neck,
            tracker_neck=tracker.vision_encoder.neck,
            conv_s0=tracker.mask_decoder.conv_s0,
            conv_s1=tracker.mask_decoder.conv_s1,
            no_memory_embedding=tracker.no_memory_embedding,
            patch_size=int(detector.config.vision_config.backbone_config.patch_size),
            num_tracker_levels=len(tracker.backbone_feature_sizes),
        )

    def forward(self, pixel_values: torch.Tensor) -> tuple[torch.Tensor, ...]:
        out = self.backbone(pixel_values)
        hidden = out[0] if isinstance(out, (tuple, list)) else out.last_hidden_state
        b = hidden.shape[0]
        h = pixel_values.shape[-2] // self.patch_size
        w = pixel_values.shape[-1] // self.patch_size
        spatial = hidden.view(b, h, w, -1).permute(0, 3, 1, 2)
        det_feats, det_pos = self.detector_neck(spatial)
        trk_feats, _ = self.tracker_neck(spatial)
        trk = list(trk_feats)
        trk[0] = self.conv_s0(trk[0])
        trk[1] = self.conv_s1(trk[1])
        trk[-1] = trk[-1] + self.no_memory_embedding.reshape(1, -1, 1, 1)
        emb = trk[: self.num_tracker_levels]
        return (*det_feats, *det_pos, *emb)


class TextEncoder(nn.Module):
    """`input_ids`, `attention_mask` (int64 [B,32]) -> `text_features` (CLIP last hidden state projected by
    Sam3Model.text_projection, [B,32,D]) and `text_mask` (bool, True = valid token)."""

    def __init__(self, detector: Any) -> None:
        super().__init__()
        self.text_encoder = detector.text_encoder
        self.text_projection = detector.text_projection

    def forward(self, input_ids: torch.Tensor, attention_mask: torch.Tensor) -> tuple[torch.Tensor, torch.Tensor]:
        out = self.text_encoder(input_ids=input_ids, attention_mask=attention_mask)
        hidden = out[0] if isinstance(out, (tuple, list)) else out.last_hidden_state
        return self.text_projection(hidden), attention_mask > 0


def as_text_embeds(text_features: torch.Tensor) -> Any:
    """transformers 5.17's Sam3Model.forward reads `text_embeds.pooler_output` (the output of get_text_features,
    whose pooler_output is the projected [B,32,D] sequence); wrap a plain tensor accordingly."""
    from transformers.modeling_outputs import BaseModelOutputWithPooling

    return BaseModelOutputWithPooling(last_hidden_state=text_features, pooler_output=text_features)


class Detector(nn.Module):
    """usls v2 `geo-encoder-mask-decoder` contract on top of Sam3Model.forward(vision_embeds=..., text_embeds=...).

    Sam3Model only consumes levels 0..2 of the detector neck and only the level-2 position encoding (geometry
    encoder and DETR encoder both take [-1]); the 4th level it slices off is fed a copy of level 2 here."""

    def __init__(self, detector: Any, output_cls: Any) -> None:
        super().__init__()
        self.model = detector
        self.output_cls = output_cls

    def forward(
        self,
        fpn_feat_0: torch.Tensor,
        fpn_feat_1: torch.Tensor,
        fpn_feat_2: torch.Tensor,
        fpn_pos_2: torch.Tensor,
        text_features: torch.Tensor,
        text_mask: torch.Tensor,
        input_boxes: torch.Tensor,
        input_boxes_labels: torch.Tensor,
    ) -> tuple[torch.Tensor, ...]:
        vision = self.output_cls(
            fpn_hidden_states=(fpn_feat_0, fpn_feat_1, fpn_feat_2, fpn_feat_2),
            fpn_position_encoding=(fpn_pos_2, fpn_pos_2, fpn_pos_2, fpn_pos_2),
        )
        out = self.model(
            vision_embeds=vision,
            text_embeds=as_text_embeds(text_features),
            attention_mask=text_mask,
            input_boxes=input_boxes,
            input_boxes_labels=input_boxes_labels,
        )
        return out.pred_masks, out.pred_boxes, out.pred_logits, out.presence_logits


class PromptDecoder(nn.Module):
    """onnx-community sam3-tracker `prompt_encoder_mask_decoder` contract, always multimask (3 masks).

    Tokens per object, as Sam3TrackerModel builds them: the P points, then 2 corner tokens per box (labels 2/3),
    then one not-a-point token (HF's pad point for points-only, the box's third slot otherwise). The object axis
    is input_points.shape[1]: points-only -> input_boxes [B,0,4]; box-only -> input_points [B,Nb,0,2] and
    input_labels [B,Nb,0]; points + box -> same N on both."""

    def __init__(self, tracker: Any) -> None:
        super().__init__()
        self.prompt_encoder = tracker.prompt_encoder
        self.mask_decoder = tracker.mask_decoder
        with torch.no_grad():
            pe = tracker.get_image_wide_positional_embeddings().detach().clone()
        self.register_buffer("image_pe", pe, persistent=False)

    def forward(
        self,
        input_points: torch.Tensor,
        input_labels: torch.Tensor,
        input_boxes: torch.Tensor,
        emb0: torch.Tensor,
        emb1: torch.Tensor,
        emb2: torch.Tensor,
    ) -> tuple[torch.Tensor, torch.Tensor, torch.Tensor]:
        pe = self.prompt_encoder
        b = input_points.shape[0]
        n = input_points.shape[1]
        points = pe._embed_points(input_points, input_labels, pad=False)
        c = points.shape[-1]
        size = pe.input_image_size
        corners = (input_boxes + 0.5).reshape(b, -1, 2, 2)
        corner_emb = pe.shared_embedding(corners, (size, size)) + pe.point_embed.weight[2:4]
        corner_emb = corner_emb.reshape(b, n, -1, c)
        pad = pe.not_a_point_embed.weight.reshape(1, 1, 1, c).expand(b, n, 1, c)
        sparse = torch.cat([points, corner_emb, pad], dim=2)
        h, w = emb2.shape[-2], emb2.shape[-1]
        dense = pe.no_mask_embed.weight.reshape(1, -1, 1, 1).expand(b, -1, h, w)
        masks, iou, _, obj = self.mask_decoder(
            image_embeddings=emb2,
            image_positional_embeddings=self.image_pe.repeat(b, 1, 1, 1),
            sparse_prompt_embeddings=sparse,
            dense_prompt_embeddings=dense,
            multimask_output=True,
            high_resolution_features=[emb0, emb1],
        )
        return iou, masks, obj
