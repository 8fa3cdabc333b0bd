#!/usr/bin/env python3
"""Tiny random SAM 3 pack + golden tensors for sam3-web's parity tests (tests/fixtures/sam3-tiny).

  python tools/export/make_goldens.py --out /tmp/sam3-tiny --seed 0

Writes OUT/pack/{vision,text,detector,tracker}.onnx + tokenizer.json + manifest.json, and OUT/goldens/index.json
with OUT/goldens/bins/*.bin. Every stage runs inside its own try/except; failures are listed in index.json.
"""

from __future__ import annotations

import argparse
import sys
import traceback
from pathlib import Path
from typing import Any, Callable

sys.path.insert(0, str(Path(__file__).resolve().parent))

import numpy as np  # noqa: E402

from common import log, require_transformers  # noqa: E402

THRESHOLD = 0.5
ORT_STORE_LIMIT = 64 * 1024  # ORT outputs up to this many bytes are stored; larger ones only as max-abs-diff

# Fixed prompts. Token ids follow the HF convention: [SOT, ..., EOT] then EOT (49407) padding to 32.
TOKENS = {"t0": [49406, 320, 1929, 49407], "t1": [49406, 2368, 4558, 530, 49407]}
IMAGES = {"img0": (120, 160), "img1": (200, 96)}  # (H, W): both non-square, so the stretch matters
DETECTOR_CASES = {
    "d0": {"image": "img0", "text": "t0", "boxes_xyxy": [], "labels": []},
    "d1": {"image": "img0", "text": "t1", "boxes_xyxy": [[20, 30, 70, 90], [100, 10, 150, 50]], "labels": [1, 0]},
    "d2": {"image": "img1", "text": "t0", "boxes_xyxy": [[10, 40, 80, 150]], "labels": [1]},
}
TRACKER_CASES = {
    "p0": {"image": "img0", "points": [[50, 60]], "labels": [1], "box": None},
    "p1": {"image": "img0", "points": [[50, 60], [120, 30]], "labels": [1, 0], "box": None},
    "p2": {"image": "img1", "points": [], "labels": [], "box": [10, 40, 80, 150]},
    "p3": {"image": "img1", "points": [[40, 100]], "labels": [1], "box": [10, 40, 80, 150]},
}


def make_image(h: int, w: int, seed: int) -> np.ndarray:
    """Deterministic RGB uint8 image: a flat background and coloured rectangles."""
    rng = np.random.default_rng(seed)
    img = np.empty((h, w, 3), dtype=np.uint8)
    img[:] = rng.integers(0, 256, size=3, dtype=np.uint8)
    for _ in range(4):
        y0, x0 = int(rng.integers(0, h - 10)), int(rng.integers(0, w - 10))
        y1, x1 = int(rng.integers(y0 + 5, h)), int(rng.integers(x0 + 5, w))
        img[y0:y1, x0:x1] = rng.integers(0, 256, size=3, dtype=np.uint8)
    return img


def token_tensors(ids: list[int]) -> tuple[Any, Any]:
    import torch

    t = torch.full((1, 32), 49407, dtype=torch.long)
    t[0, : len(ids)] = torch.tensor(ids)
    m = torch.zeros((1, 32), dtype=torch.long)
    m[0, : len(ids)] = 1
    return t, m


def boxes_to_cxcywh(boxes_xyxy: list[list[float]], h: int, w: int) -> tuple[Any, Any]:
    """What Sam3Processor does with input_boxes: divide by (W,H), xyxy -> cxcywh. No box -> one -10 slot."""
    import torch

    if not boxes_xyxy:
        return torch.zeros((1, 1, 4)), torch.tensor([[-10]], dtype=torch.long)
    b = torch.tensor(boxes_xyxy, dtype=torch.float32) / torch.tensor([w, h, w, h], dtype=torch.float32)
    c = torch.stack([(b[:, 0] + b[:, 2]) / 2, (b[:, 1] + b[:, 3]) / 2, b[:, 2] - b[:, 0], b[:, 3] - b[:, 1]], -1)
    return c[None], None


def max_abs(a: Any, b: Any) -> float:
    a = a.detach().cpu().numpy() if hasattr(a, "detach") else np.asarray(a)
    b = b.detach().cpu().numpy() if hasattr(b, "detach") else np.asarray(b)
    if a.shape != b.shape:
        return float("inf")
    if a.size == 0:
        return 0.0
    return float(np.max(np.abs(a.astype(np.float64) - b.astype(np.float64))))


class Stages:
    """Runs named stages, never stopping at the first failure."""

    def __init__(self) -> None:
        self.errors: dict[str, str] = {}
        self.diffs: dict[str, dict[str, float]] = {}

    def run(self, name: str, fn: Callable[[], Any]) -> Any:
        log(f"stage {name}")
        try:
            return fn()
        except Exception as exc:  # noqa: BLE001
            traceback.print_exc()
            self.errors[name] = f"{type(exc).__name__}: {exc}"
            log(f"STAGE FAILED {name}: {self.errors[name]}")
            return None

    def diff(self, key: str, kind: str, value: float) -> None:
        self.diffs.setdefault(key, {})[kind] = value
        log(f"  maxAbsDiff {key} [{kind}] = {value:.3g}")


def ort_session(path: Path) -> Any:
    import onnxruntime as ort

    so = ort.SessionOptions()
    so.log_severity_level = 3
    return ort.InferenceSession(str(path), so, providers=["CPUExecutionProvider"])


def run_ort(sess: Any, feeds: dict[str, Any]) -> dict[str, np.ndarray]:
    names = {i.name for i in sess.get_inputs()}
    arrs = {k: (v.detach().cpu().numpy() if hasattr(v, "detach") else np.asarray(v)) for k, v in feeds.items()}
    outs = sess.run(None, {k: v for k, v in arrs.items() if k in names})
    return {o.name: outs[i] for i, o in enumerate(sess.get_outputs())}


def record_outputs(g: Any, st: Stages, prefix: str, torch_out: dict[str, Any], ort_out: dict[str, np.ndarray] | None,
                   ref: dict[str, Any] | None) -> None:
    for name, t in torch_out.items():
        g.add(f"{prefix}/torch/{name}", t)
        if ref is not None and name in ref:
            st.diff(f"{prefix}/{name}", "torch_wrapper_vs_hf_reference", max_abs(t, ref[name]))
        if ort_out is not None and name in ort_out:
            st.diff(f"{prefix}/{name}", "ort_vs_torch", max_abs(ort_out[name], t))
            if ort_out[name].nbytes <= ORT_STORE_LIMIT:
                g.add(f"{prefix}/ort/{name}", ort_out[name])


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--out", type=Path, required=True)
    p.add_argument("--seed", type=int, default=0)
    p.add_argument("--opset", type=int, default=17)
    p.add_argument("--tokenizer", type=Path, default=Path("public/packs/demo/tokenizer.json"))
    a = p.parse_args(argv)
    tf = require_transformers()
    import onnxruntime
    import torch
    from PIL import Image

    import transformers.models.sam3.modeling_sam3 as ms
    import wrappers as W
    from export_pack import export_all
    from goldens_io import GoldenWriter
    from models import build_tiny, tiny_detector_config_kwargs, tiny_tracker_config_kwargs

    st = Stages()
    pack = a.out / "pack"
    g = GoldenWriter(a.out / "goldens")
    pair = build_tiny(a.seed)
    det, trk, S = pair.detector, pair.tracker, pair.input_size
    log(f"detector config keys: {sorted(det.config.to_dict().keys())}")
    log(f"tracker vision scale_factors={trk.config.vision_config.scale_factors} "
        f"backbone_feature_sizes={trk.backbone_feature_sizes}")
    g.meta["versions"] = {"torch": torch.__version__, "transformers": tf.__version__,
                          "onnxruntime": onnxruntime.__version__, "numpy": np.__version__}
    g.meta["seed"] = a.seed
    g.meta["inputSize"] = S
    g.meta["config"] = {"detector": tiny_detector_config_kwargs(), "tracker": tiny_tracker_config_kwargs()}
    g.meta["threshold"] = THRESHOLD

    res = export_all(pair, pack, a.opset, a.tokenizer if a.tokenizer.is_file() else None,
                     "sam3-tiny-random", "SAM 3 tiny random (test fixtures)")
    for k, v in res.errors.items():
        st.errors[f"export/{k}"] = v
    sess = {k: st.run(f"ort-load/{k}", lambda k=k: ort_session(v)) for k, v in res.files.items()}

    proc_cls = getattr(tf, "Sam3ImageProcessorFast", None) or getattr(tf, "Sam3ImageProcessor")
    log(f"image processor: {proc_cls.__name__}")
    proc = st.run("processor", lambda: proc_cls(size={"height": S, "width": S}))
    g.meta["imageProcessor"] = proc_cls.__name__
    dual = W.DualVisionEncoder.from_pair(det, trk).eval()
    n_levels = len(det.config.vision_config.scale_factors)
    vnames = W.vision_output_names(n_levels, dual.num_tracker_levels)
    vision: dict[str, dict[str, Any]] = {}
    pixels: dict[str, Any] = {}

    def do_image(key: str, hw: tuple[int, int], seed: int) -> None:
        img = make_image(hw[0], hw[1], seed)
        g.add(f"image/{key}/rgb", img)
        px = proc(images=Image.fromarray(img), return_tensors="pt")["pixel_values"].float()
        g.add(f"image/{key}/pixel_values", px)
        pixels[key] = px
        with torch.no_grad():
            outs = dict(zip(vnames, dual(px)))
            ref_v = det.vision_encoder(px)
            ref = {f"fpn_hidden_state_{i}": t for i, t in enumerate(ref_v.fpn_hidden_states)}
            ref.update({f"fpn_position_encoding_{i}": t for i, t in enumerate(ref_v.fpn_position_encoding)})
            ref.update({f"image_embeddings.{i}": t for i, t in enumerate(trk.get_image_embeddings(px))})
            raw_trk, _ = trk.vision_encoder.neck(
                det.vision_encoder.backbone(px)[0].view(1, S // 14, S // 14, -1).permute(0, 3, 1, 2))
        nme_applied = max_abs(outs["image_embeddings.2"], raw_trk[2]) > 1e-6
        g.meta["noMemoryEmbeddingInImageEmbeddings2"] = bool(nme_applied)
        ort_out = run_ort(sess["vision"], {"pixel_values": px}) if sess.get("vision") else None
        record_outputs(g, st, f"vision/{key}", outs, ort_out, ref)
        vision[key] = outs

    for i, (key, hw) in enumerate(IMAGES.items()):
        st.run(f"vision/{key}", lambda key=key, hw=hw, i=i: do_image(key, hw, 100 + i))

    texts: dict[str, Any] = {}

    def do_text(key: str, ids: list[int]) -> None:
        t, m = token_tensors(ids)
        g.add(f"text/{key}/input_ids", t)
        g.add(f"text/{key}/attention_mask", m)
        with torch.no_grad():
            feats, tmask = W.TextEncoder(det)(t, m)
            ref_raw = det.get_text_features(input_ids=t, attention_mask=m, return_dict=True)
        ref = ref_raw if torch.is_tensor(ref_raw) else getattr(ref_raw, "pooler_output", None)
        ort_out = run_ort(sess["text"], {"input_ids": t, "attention_mask": m}) if sess.get("text") else None
        record_outputs(g, st, f"text/{key}", {"text_features": feats, "text_mask": tmask}, ort_out,
                       {"text_features": ref} if ref is not None and ref.dim() == 3 else None)
        texts[key] = (t, m, feats, tmask)

    for key, ids in TOKENS.items():
        st.run(f"text/{key}", lambda key=key, ids=ids: do_text(key, ids))

    def do_detector(key: str, case: dict[str, Any]) -> None:
        h, w = IMAGES[case["image"]]
        v = vision[case["image"]]
        t, m, feats, tmask = texts[case["text"]]
        boxes, labels = boxes_to_cxcywh(case["boxes_xyxy"], h, w)
        if labels is None:
            labels = torch.tensor([case["labels"]], dtype=torch.long)
        g.add(f"detector/{key}/input_boxes", boxes)
        g.add(f"detector/{key}/input_boxes_labels", labels)
        feeds = {"fpn_feat_0": v["fpn_hidden_state_0"], "fpn_feat_1": v["fpn_hidden_state_1"],
                 "fpn_feat_2": v["fpn_hidden_state_2"], "fpn_pos_2": v["fpn_position_encoding_2"],
                 "text_features": feats, "text_mask": tmask, "input_boxes": boxes, "input_boxes_labels": labels}
        with torch.no_grad():
            wrapped = W.Detector(det, ms.Sam3VisionEncoderOutput)(*[feeds[n] for n in W.DETECTOR_INPUTS])
            # The graph always gets >= 1 box slot (usls v2: no geometry = one -10 slot), so the reference is
            # called with the same boxes; HF's text-only call (no geometry tokens at all) is compared separately.
            try:
                ref_out = det(pixel_values=pixels[case["image"]], input_ids=t, attention_mask=m,
                              input_boxes=boxes, input_boxes_labels=labels)
            except Exception as exc:  # noqa: BLE001
                log(f"  full forward with input_ids failed ({exc}); using text_embeds")
                ref_out = det(pixel_values=pixels[case["image"]], text_embeds=W.as_text_embeds(feats), attention_mask=m,
                              input_boxes=boxes, input_boxes_labels=labels)
            if not case["boxes_xyxy"]:
                try:
                    txt_only = det(pixel_values=pixels[case["image"]], text_embeds=W.as_text_embeds(feats), attention_mask=m)
                    st.diff(f"detector/{key}/pred_logits", "hf_text_only_vs_one_pad_box",
                            max_abs(txt_only.pred_logits, ref_out.pred_logits))
                except Exception as exc:  # noqa: BLE001
                    log(f"  text-only comparison failed: {exc}")
        outs = dict(zip(W.DETECTOR_OUTPUTS, wrapped))
        ref = {n: getattr(ref_out, n) for n in W.DETECTOR_OUTPUTS}
        ort_out = run_ort(sess["detector"], feeds) if sess.get("detector") else None
        record_outputs(g, st, f"detector/{key}", outs, ort_out, ref)
        post = proc.post_process_instance_segmentation(ref_out, threshold=THRESHOLD, mask_threshold=0.5,
                                                       target_sizes=[(h, w)])[0]
        g.add(f"detector/{key}/post/scores", post["scores"].float())
        g.add(f"detector/{key}/post/boxes", post["boxes"].float())
        g.add(f"detector/{key}/post/masks", post["masks"].to(torch.uint8))
        scores = (ref_out.pred_logits.sigmoid() * ref_out.presence_logits.sigmoid()).flatten()
        kept = torch.nonzero(scores > THRESHOLD).flatten()
        g.add(f"detector/{key}/post/kept_indices", kept.long())
        log(f"  {key}: kept {kept.numel()} of {scores.numel()} (max score {scores.max().item():.3f})")

    for key, case in DETECTOR_CASES.items():
        st.run(f"detector/{key}", lambda key=key, case=case: do_detector(key, case))

    def do_tracker(key: str, case: dict[str, Any]) -> None:
        h, w = IMAGES[case["image"]]
        v = vision[case["image"]]
        sx, sy = S / w, S / h
        pts = torch.tensor(case["points"], dtype=torch.float32).reshape(-1, 2)
        pts_s = pts * torch.tensor([sx, sy])
        n_obj = 1
        input_points = pts_s.reshape(1, n_obj, -1, 2)
        input_labels = torch.tensor(case["labels"], dtype=torch.long).reshape(1, n_obj, -1)
        if case["box"] is not None:
            bx = torch.tensor(case["box"], dtype=torch.float32) * torch.tensor([sx, sy, sx, sy])
            input_boxes = bx.reshape(1, 1, 4)
        else:
            input_boxes = torch.zeros((1, 0, 4))
        g.add(f"tracker/{key}/points_px", pts)
        g.add(f"tracker/{key}/input_points", input_points)
        g.add(f"tracker/{key}/input_labels", input_labels)
        g.add(f"tracker/{key}/input_boxes", input_boxes)
        embs = [v[f"image_embeddings.{i}"] for i in range(3)]
        feeds = {"input_points": input_points, "input_labels": input_labels, "input_boxes": input_boxes,
                 "image_embeddings.0": embs[0], "image_embeddings.1": embs[1], "image_embeddings.2": embs[2]}
        with torch.no_grad():
            wrapped = W.PromptDecoder(trk)(input_points, input_labels, input_boxes, *embs)
            ref_out = trk(image_embeddings=embs,
                          input_points=input_points if case["points"] else None,
                          input_labels=input_labels if case["points"] else None,
                          input_boxes=input_boxes if case["box"] is not None else None,
                          multimask_output=True)
        outs = dict(zip(W.TRACKER_OUTPUTS, wrapped))
        ref = {n: getattr(ref_out, n) for n in W.TRACKER_OUTPUTS}
        ort_out = run_ort(sess["tracker"], feeds) if sess.get("tracker") else None
        record_outputs(g, st, f"tracker/{key}", outs, ort_out, ref)

    for key, case in TRACKER_CASES.items():
        st.run(f"tracker/{key}", lambda key=key, case=case: do_tracker(key, case))

    g.meta["cases"] = {"images": {k: {"height": v[0], "width": v[1]} for k, v in IMAGES.items()},
                       "tokens": TOKENS, "detector": DETECTOR_CASES, "tracker": TRACKER_CASES}
    g.meta["visionOutputs"] = vnames
    g.write({"errors": st.errors, "maxAbsDiff": st.diffs})
    log(f"goldens written; {len(g.tensors)} tensors; errors: {st.errors}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
