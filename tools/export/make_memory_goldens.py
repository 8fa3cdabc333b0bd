#!/usr/bin/env python3
"""Tiny random SAM 3 video memory graphs + goldens (tests/fixtures/sam3-tiny: pack/ and memory/goldens/).

  python tools/export/make_memory_goldens.py --out /tmp/sam3-mem --seed 0

One image (img0 of make_goldens.py), one object, three frames of that image:
  frame 0  conditioning: click (50,60)+ -> mask_decoder(feats2 + no_memory_embedding) -> memory_encoder(from pts)
  frame 1  tracked: bank = frame 0 (cond) + its pointer -> memory_attention -> mask_decoder -> memory_encoder
  frame 2  tracked: bank = frame 0 (cond, temporal row 6) + frame 1 (recent, row 0), 2 pointers (offsets 2, 1)
The bank is assembled with HF's own `_build_memory_attention_inputs` and `_process_object_pointers` (streaming:
16 pointers max, so offsets are divided by 15). Every stage has its own try/except; failures go to index.json.
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))

import numpy as np  # noqa: E402

from common import log, require_transformers  # noqa: E402

CLICK = {"image": "img0", "points": [[50, 60]], "labels": [1]}
MAX_POINTERS = 16  # streaming: HF max_object_pointers_in_encoder


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--out", type=Path, required=True)
    p.add_argument("--seed", type=int, default=0)
    p.add_argument("--opset", type=int, default=17)
    a = p.parse_args(argv)
    tf = require_transformers()
    import onnxruntime
    import torch
    from PIL import Image

    import memory_wrappers as MW
    from export_pack import export_memory, to_tokens, video_features
    from goldens_io import GoldenWriter
    from make_goldens import IMAGES, Stages, make_image, max_abs, ort_session, run_ort
    from models import build_tiny, build_tiny_video, tiny_video_config_kwargs

    st = Stages()
    pack = a.out / "pack"
    pack.mkdir(parents=True, exist_ok=True)
    g = GoldenWriter(a.out / "memory" / "goldens")
    pair = build_tiny(a.seed)
    S = pair.input_size
    video = st.run("build_video", lambda: build_tiny_video(a.seed, pair))
    if video is None:
        g.write({"errors": st.errors, "maxAbsDiff": st.diffs})
        return 1
    C, M = int(video.hidden_dim), int(video.mem_dim)
    log(f"video: hidden {C}, mem {M}, image_size {video.image_size}, feature sizes {video.backbone_feature_sizes}")
    g.meta.update({
        "versions": {"torch": torch.__version__, "transformers": tf.__version__,
                     "onnxruntime": onnxruntime.__version__, "numpy": np.__version__},
        "seed": a.seed, "inputSize": S, "hiddenDim": C, "memoryDim": M, "maxObjectPointers": MAX_POINTERS,
        "config": {k: v for k, v in tiny_video_config_kwargs().items()}, "click": CLICK,
    })

    files = st.run("export", lambda: export_memory(video, pack, a.opset, S)) or {}
    sess = {k: st.run(f"ort-load/{k}", lambda v=v: ort_session(v)) for k, v in files.items() if v.suffix == ".onnx"}
    for k, v in files.items():
        g.meta.setdefault("files", {})[k] = v.name

    def check(prefix: str, graph: str, torch_out: dict[str, Any], feeds: dict[str, Any],
              ref: dict[str, Any] | None = None, store: bool = True, only: set[str] | None = None) -> None:
        for name, t in torch_out.items():
            if store and (only is None or name in only):
                g.add(f"{prefix}/torch/{name}", t)
            if ref is not None and name in ref:
                st.diff(f"{prefix}/{name}", "torch_wrapper_vs_hf_reference", max_abs(t, ref[name]))
        if sess.get(graph) is not None:
            o = run_ort(sess[graph], feeds)
            for name, t in torch_out.items():
                if name in o:
                    st.diff(f"{prefix}/{name}", "ort_vs_torch", max_abs(o[name], t))

    h, w = IMAGES[CLICK["image"]]
    img = make_image(h, w, 100)  # img0 of make_goldens.py
    proc_cls = getattr(tf, "Sam3ImageProcessorFast", None) or getattr(tf, "Sam3ImageProcessor")
    px = proc_cls(size={"height": S, "width": S})(images=Image.fromarray(img), return_tensors="pt")["pixel_values"]
    px = px.float()
    g.meta["pixelValues"] = "image/img0/pixel_values of goldens/index.json (same image, same processor)"
    f = video_features(video, px)
    for k, v in f.items():
        g.add(f"frame/{k}", v)
    nme = video.no_memory_embedding.detach().reshape(1, -1, 1, 1)

    dec = MW.MemoryMaskDecoder(video).eval()
    att = MW.MemoryAttention(video).eval()
    enc = MW.MemoryEncoder(video).eval()
    state: dict[str, Any] = {}

    def decode(prefix: str, feats2: Any, points: Any, labels: Any, is_cond: bool, store: bool = True) -> dict[str, Any]:
        feeds = {"feats0": f["feats0"], "feats1": f["feats1"], "feats2": feats2, "input_points": points,
                 "input_labels": labels}
        with torch.no_grad():
            out = dict(zip(MW.DECODER_OUTPUTS, dec(*[feeds[n] for n in MW.DECODER_INPUTS])))
            multimask = video._use_multimask(is_cond, {"point_labels": labels} if is_cond else None)
            r = video._single_frame_forward(image_embeddings=[f["feats0"], f["feats1"], feats2],
                                            input_points=points, input_labels=labels, multimask_output=multimask)
        best = r.iou_scores.max(-1).values if multimask else r.iou_scores[..., 0]
        ref = {"pred_masks": r.pred_masks, "high_res_masks": r.high_res_masks, "iou_scores": best,
               "object_pointer": r.object_pointer.reshape(1, 1, -1),
               "object_score_logits": r.object_score_logits.reshape(1, 1)}
        if store:
            g.add(f"{prefix}/input_points", points)
            g.add(f"{prefix}/input_labels", labels)
        check(f"{prefix}/decoder", "memoryDecoder", out, feeds, ref, store=store)
        top = r.iou_scores.flatten().sort(descending=True).values
        margin = float(top[0] - top[1]) if top.numel() > 1 else float("nan")
        g.meta.setdefault("decisions", {})[prefix] = {
            "multimask": bool(multimask), "iou": float(out["iou_scores"].flatten()[0]), "iouMargin": margin,
            "objectScore": float(out["object_score_logits"].flatten()[0])}
        log(f"  {prefix}: {g.meta['decisions'][prefix]}")
        return out

    def encode(prefix: str, masks: Any, from_pts: bool, score: Any, store: bool = True,
               only: set[str] | None = None) -> dict[str, Any]:
        flag = torch.tensor([from_pts])
        feeds = {"vision_features": f["feats2"], "pred_masks_high_res": masks, "is_mask_from_pts": flag}
        with torch.no_grad():
            tokens, pos = enc(f["feats2"], masks, flag)
            r_tok, r_pos = video._encode_new_memory(current_vision_feats=to_tokens(f["feats2"]),
                                                    pred_masks_high_res=masks,
                                                    object_score_logits=score.reshape(1, 1, 1),
                                                    is_mask_from_pts=from_pts)
        if store:
            g.add(f"{prefix}/is_mask_from_pts", flag)
        out = {"memory_tokens": tokens, "memory_pos_enc": pos}
        check(f"{prefix}/encoder", "memoryEncoder", out, feeds, {"memory_pos_enc": r_pos}, store=store, only=only)
        # HF stores the tokens as bfloat16: compare with the fp32 graph relative to bf16 resolution.
        rel = float(((tokens - r_tok.float()).abs() / (r_tok.float().abs() + 1e-3)).max())
        st.diff(f"{prefix}/encoder/memory_tokens", "hf_bf16_vs_fp32_abs", max_abs(tokens, r_tok.float()))
        st.diff(f"{prefix}/encoder/memory_tokens", "hf_bf16_vs_fp32_rel", rel)
        return out

    def cond_frame() -> None:
        pts = torch.tensor(CLICK["points"], dtype=torch.float32) * torch.tensor([S / w, S / h])
        points = pts.reshape(1, 1, -1, 2)
        labels = torch.tensor(CLICK["labels"], dtype=torch.int32).reshape(1, 1, -1)
        out = decode("f0", f["feats2"] + nme, points, labels, True)
        mem = encode("f0", out["high_res_masks"], True, out["object_score_logits"])
        state[0] = {**mem, "object_pointer": out["object_pointer"], "cond": True}

    def bank(frame: int) -> dict[str, Any]:
        """HF's own assembly for `frame` from state (cond frames at offset 0 -> row 6, recent at offset r -> r-1)."""
        def as_hf(e: dict[str, Any]) -> dict[str, Any]:
            return {"maskmem_features": e["memory_tokens"], "maskmem_pos_enc": e["memory_pos_enc"],
                    "object_pointer": e["object_pointer"].reshape(1, -1)}
        entries = [(0, as_hf(e)) for e in state.values() if e["cond"]]
        entries += [(r, as_hf(state[frame - r])) for r in range(video.num_maskmem - 1, 0, -1)
                    if (frame - r) in state and not state[frame - r]["cond"]]
        with torch.no_grad():
            mems, poss = video._build_memory_attention_inputs(entries, torch.device("cpu"))
            offsets = [frame - t for t, e in state.items() if e["cond"] and t <= frame]
            ptrs = [as_hf(state[t])["object_pointer"] for t, e in state.items() if e["cond"] and t <= frame]
            for d in range(1, MAX_POINTERS):
                if (frame - d) in state and not state[frame - d]["cond"]:
                    offsets.append(d)
                    ptrs.append(as_hf(state[frame - d])["object_pointer"])
            pm, pp = video._process_object_pointers(offsets, ptrs, MAX_POINTERS, 1, C, torch.device("cpu"))
        return {"spatial_memory": torch.cat(mems, 0), "spatial_memory_position_embeddings": torch.cat(poss, 0),
                "pointer_memory": pm, "pointer_memory_position_embeddings": pp, "offsets": offsets,
                "blocks": len(mems)}

    def tracked_frame(frame: int, store: bool) -> None:
        b = bank(frame)
        feeds = {"current_vision_features": to_tokens(f["feats2"]),
                 "current_vision_position_embeddings": to_tokens(f["pos2"]), **{k: b[k] for k in MW.ATTENTION_INPUTS[2:]}}
        with torch.no_grad():
            cond = att(*[feeds[n] for n in MW.ATTENTION_INPUTS])
            ref = video.memory_attention(
                current_vision_features=feeds["current_vision_features"],
                memory=torch.cat([b["spatial_memory"], b["pointer_memory"]], 0),
                current_vision_position_embeddings=feeds["current_vision_position_embeddings"],
                memory_posision_embeddings=torch.cat([b["spatial_memory_position_embeddings"],
                                                      b["pointer_memory_position_embeddings"]], 0),
                num_object_pointer_tokens=b["pointer_memory"].shape[0])
        prefix = f"f{frame}"
        log(f"  {prefix}: blocks {b['blocks']}, pointer offsets {b['offsets']}, "
            f"spatial {tuple(b['spatial_memory'].shape)}, pointers {tuple(b['pointer_memory'].shape)}")
        g.meta.setdefault("banks", {})[prefix] = {"blocks": b["blocks"], "pointerOffsets": b["offsets"],
                                                  "rows": "cond 6, recent r -> r-1"}
        if store:
            for k in MW.ATTENTION_INPUTS[2:]:
                g.add(f"{prefix}/{k}", b[k])
        check(f"{prefix}/attention", "memoryAttention", {"conditioned_features": cond}, feeds,
              {"conditioned_features": ref}, store=store)
        conditioned = cond.reshape(-1, C).t().reshape(1, C, *f["feats2"].shape[-2:])
        points = torch.zeros(1, 1, 1, 2)
        labels = -torch.ones(1, 1, 1, dtype=torch.int32)
        out = decode(prefix, conditioned, points, labels, False, store)
        mem = encode(prefix, out["high_res_masks"], False, out["object_score_logits"], store)
        state[frame] = {**mem, "object_pointer": out["object_pointer"], "cond": False}

    st.run("frame0/conditioning", cond_frame)
    st.run("frame1/tracked", lambda: tracked_frame(1, False))
    st.run("frame2/tracked", lambda: tracked_frame(2, True))

    def hf_session() -> None:
        """Cross-check: HF's own streaming session over the same 3 frames (bf16 memory, so not exact)."""
        s = tf.Sam3TrackerVideoInferenceSession(video_height=h, video_width=w, inference_device="cpu",
                                                 dtype=torch.float32)
        idx = s.obj_id_to_idx(1)
        pts = torch.tensor(CLICK["points"], dtype=torch.float32) * torch.tensor([S / w, S / h])
        s.add_point_inputs(idx, 0, {"point_coords": pts.reshape(1, 1, -1, 2),
                                    "point_labels": torch.tensor([[CLICK["labels"]]], dtype=torch.int32)})
        s.obj_with_new_inputs = [1]
        outs = []
        with torch.no_grad():
            for _ in range(3):
                outs.append(video(s, frame=px[0]))
        for i, o in enumerate(outs):
            mine = g.tensors.get(f"f{i}/decoder/torch/pred_masks")
            if mine is not None:
                arr = np.fromfile(g.root / mine["file"], dtype="<f4").reshape(mine["dims"])
                st.diff(f"f{i}/decoder/pred_masks", "hf_session_vs_graph_chain", max_abs(o.pred_masks.reshape(arr.shape), arr))

    # The occlusion path: an absent object (the decoder fills its mask with -1024) gets the occlusion embedding.
    st.run("absent/encoder", lambda: encode("absent", torch.full((1, 1, S, S), -1024.0), False,
                                            torch.tensor([[-1.0]]), only={"memory_tokens"}))
    try:
        hf_session()
        g.meta["hfSessionCrossCheck"] = "ran"
    except Exception as exc:  # noqa: BLE001
        # Known upstream limit: with hidden == memory dim (64) HF stacks [1,1,C] pointers into a 4-D tensor and
        # cannot concatenate it with the 3-D spatial memory (the real model, 256 = 4 x 64, reshapes them).
        g.meta["hfSessionCrossCheck"] = f"not run: {type(exc).__name__}: {exc}"
        log(f"hf session cross-check not run: {exc}")
    g.write({"errors": st.errors, "maxAbsDiff": st.diffs})
    log(f"memory goldens written; {len(g.tensors)} tensors; errors: {st.errors}")
    sizes = {p.name: p.stat().st_size for p in sorted(pack.glob("*"))}
    log(f"pack files: {json.dumps(sizes)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
