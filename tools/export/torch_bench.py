#!/usr/bin/env python3
"""PyTorch reference timings and outputs for the GPU benchmark: transformers Sam3Model / Sam3TrackerModel /
Sam3TrackerVideoModel, eager, in fp32 and fp16, on the cases of bench_cases.json — the same images and prompts the
engine's `npm run bench:gpu` runs over the exported ONNX variants.

  python tools/export/torch_bench.py --random-full /tmp/sam3-full/pack --tokenizer public/packs/demo/tokenizer.json \\
      --out /tmp/sam3-full/torch --device cuda
  python tools/export/torch_bench.py --tiny --tokenizer public/packs/demo/tokenizer.json --out /tmp/tb --device cpu

Writes OUT/torch_bench.json (timings, peak GPU memory, kept sets, fp16-vs-fp32 agreement; schema in README.md,
"torch_bench.py output") and OUT/goldens/ (index.json + bins/, the goldens format tests/parity/fixtures.ts reads):
per dtype the raw detector scores and boxes, kept indices and post-processed masks at image size, the click's
IoU scores and masks, and the tracked masks of the video case — what each ONNX variant's accuracy is measured
against. Every scenario runs in its own try/except; failures are listed under `errors`.
"""

from __future__ import annotations

import argparse
import json
import statistics
import sys
import time
import traceback
from pathlib import Path
from typing import Any, Callable

sys.path.insert(0, str(Path(__file__).resolve().parent))

from bench_cases import image_rgb, load_cases, object_boxes, pixel_values, token_ids, video_frame  # noqa: E402
from common import log, require_transformers  # noqa: E402

MASK_CAP = 32  # at most this many kept masks stored per detector case (bounds the output size)


class Bench:
    def __init__(self, device: str, repeats: int, warmup: int = 1, scenarios: set[str] | None = None,
                 video_frames: int | None = None, object_counts: list[int] | None = None) -> None:
        import torch

        self.torch = torch
        self.device = device
        self.repeats = repeats
        self.warmup = warmup  # untimed runs before the timed ones (kernel warm-up; 0 on a CPU)
        self.scenarios = scenarios  # None = every scenario
        self.video_frames = video_frames  # None = the case's
        self.object_counts = object_counts
        self.cuda = device.startswith("cuda")

    def wants(self, scenario: str) -> bool:
        return self.scenarios is None or scenario in self.scenarios

    def runs(self) -> range:
        return range(self.warmup + self.repeats)

    def timed_run(self, rep: int) -> bool:
        return rep >= self.warmup

    def sync(self) -> None:
        if self.cuda:
            self.torch.cuda.synchronize()

    def timed(self, fn: Callable[[], Any]) -> tuple[Any, float]:
        self.sync()
        t = time.perf_counter()
        out = fn()
        self.sync()
        return out, (time.perf_counter() - t) * 1000

    def reset_peak(self) -> None:
        if self.cuda:
            self.torch.cuda.reset_peak_memory_stats()

    def peak(self) -> int | None:
        return int(self.torch.cuda.max_memory_allocated()) if self.cuda else None


def median(xs: list[float]) -> float:
    return round(statistics.median(xs), 3) if xs else float("nan")


def pack_constants_match(pack: Path, video: Any) -> bool | None:
    """Whether the pack's constants.json holds this video model's no_memory_embedding (a pack exported before the
    video model shared the tracker's does not: its video case would not be comparable); None without the file."""
    path = pack / "constants.json"
    if not path.exists():
        return None
    import numpy as np

    saved = np.asarray(json.loads(path.read_text())["no_memory_embedding"], dtype=np.float32)
    ours = video.no_memory_embedding.detach().reshape(-1).float().numpy()
    diff = float(np.max(np.abs(saved - ours)))
    log(f"pack constants.json no_memory_embedding vs the video model: max |diff| {diff:.3g}")
    return diff < 1e-6


def build_models(a: argparse.Namespace) -> tuple[Any, Any, Any, dict[str, Any]]:
    import models as M

    if a.tiny:
        pair = M.build_tiny(a.seed)
        video = M.build_tiny_video(a.seed, pair)
        info = {"source": pair.source, "seed": a.seed}
    elif a.random_full:
        saved = json.loads((a.random_full / "random-full.json").read_text())
        pair = M.build_random_full(int(saved["seed"]), calibration=saved["calibration"])
        video = M.build_random_full_video(int(saved["seed"]), pair)
        info = {"source": pair.source, "seed": saved["seed"], "calibration": saved["calibration"],
                "packConstantsMatch": pack_constants_match(a.random_full, video)}
    else:
        pair = M.build_from_checkpoint(a.checkpoint)
        video = M.video_from_checkpoint(a.checkpoint)
        info = {"source": pair.source}
    info["inputSize"] = pair.input_size
    return pair.detector, pair.tracker, video, info


def run_dtype(b: Bench, dtype_name: str, det: Any, trk: Any, video: Any, size: int, cases: dict[str, Any],
              tokens: dict[str, tuple[list[int], list[int]]], g: Any, errors: dict[str, str]) -> dict[str, Any]:
    import torch
    import torch.nn.functional as F

    dtype = torch.float16 if dtype_name == "fp16" else torch.float32
    dev = b.device
    for m in (det, trk, video):
        m.to(device=dev, dtype=dtype)
    timings: dict[str, Any] = {}
    samples: dict[str, list[float]] = {}
    peaks: dict[str, int | None] = {}
    kept: dict[str, list[int]] = {}
    if b.cuda:
        torch.cuda.empty_cache()
        peaks["weights"] = int(torch.cuda.memory_allocated())

    def add(key: str, ms_: float) -> None:
        samples.setdefault(key, []).append(round(ms_, 3))

    images: dict[str, Any] = {}
    pixels: dict[str, Any] = {}
    features: dict[str, Any] = {}

    def vision_of(image_id: str) -> Any:
        """Vision features per image, computed once (a full-size CPU pass takes about a minute)."""
        if image_id not in features:
            features[image_id] = det.get_vision_features(pixel_values=pixels[image_id])
        return features[image_id]

    for entry in cases["images"]:
        img = image_rgb(cases, entry["id"])
        images[entry["id"]] = img
        px, t = b.timed(lambda img=img: pixel_values(img, size).to(dev, dtype))
        pixels[entry["id"]] = px
        add("preprocess", t)

    def text(phrase: str) -> Any:
        ids, mask = tokens[phrase]
        t_ids = torch.tensor([ids], device=dev)
        t_mask = torch.tensor([mask], device=dev)
        return det.get_text_features(input_ids=t_ids, attention_mask=t_mask, return_dict=True), t_mask

    def boxes_for(case: dict[str, Any], w: int, h: int) -> tuple[Any, Any]:
        if not case.get("boxes"):
            return torch.zeros((1, 1, 4), device=dev, dtype=dtype), torch.full((1, 1), -10, device=dev)
        bx = torch.tensor([bb["xyxy"] for bb in case["boxes"]], dtype=torch.float32) / torch.tensor([w, h, w, h])
        cx = torch.stack([(bx[:, 0] + bx[:, 2]) / 2, (bx[:, 1] + bx[:, 3]) / 2, bx[:, 2] - bx[:, 0], bx[:, 3] - bx[:, 1]], -1)
        labels = torch.tensor([[1 if bb["positive"] else 0 for bb in case["boxes"]]], device=dev)
        return cx[None].to(dev, dtype), labels

    def detect(vision: Any, txt: Any, mask: Any, boxes: Any, labels: Any) -> Any:
        return det(vision_embeds=vision, text_embeds=txt, attention_mask=mask, input_boxes=boxes,
                   input_boxes_labels=labels)

    def record_detection(name: str, out: Any, image_id: str) -> None:
        h, w = images[image_id].shape[:2]
        scores = (out.pred_logits.float().sigmoid() * out.presence_logits.float().sigmoid()).flatten()
        keep = torch.nonzero(scores > 0.5).flatten()
        kept[name] = [int(i) for i in keep]
        prefix = f"{dtype_name}/detector/{name}"
        g.add(f"{prefix}/scores", scores.cpu())
        g.add(f"{prefix}/boxes", out.pred_boxes.float()[0].cpu())
        g.add(f"{prefix}/kept_indices", keep.long().cpu())
        sel = keep[torch.argsort(scores[keep], descending=True)][:MASK_CAP]
        g.add(f"{prefix}/mask_indices", sel.long().cpu())
        if sel.numel() == 0:
            g.add(f"{prefix}/masks", torch.zeros((0, h, w), dtype=torch.uint8))
            return
        masks = out.pred_masks.float()[0, sel][None]
        up = F.interpolate(masks, size=(h, w), mode="bilinear", align_corners=False)[0]
        g.add(f"{prefix}/masks", (up.sigmoid() > 0.5).to(torch.uint8).cpu())

    with torch.no_grad():
        # First image request: vision + text + detector, then a keystroke (text + detector), an exemplar change.
        fr = cases["firstRequest"]
        if b.wants("firstRequest"):
            for rep in b.runs():
                b.reset_peak()
                vision, tv = b.timed(lambda: det.get_vision_features(pixel_values=pixels[fr["image"]]))
                (txt, mask), tt = b.timed(lambda: text(fr["phrase"]))
                bx, lb = boxes_for({}, 0, 0)
                out, td = b.timed(lambda: detect(vision, txt, mask, bx, lb))
                if b.timed_run(rep):  # a warm-up run primes kernels (and cuDNN's autotuning)
                    for k, v in (("firstRequest.vision", tv), ("firstRequest.text", tt), ("firstRequest.detector", td),
                                 ("firstRequest.total", tv + tt + td)):
                        add(k, v)
                peaks["firstRequest"] = b.peak()
            features.setdefault(fr["image"], vision)
            record_detection("first", out, fr["image"])
        ks = cases["keystrokes"]
        if b.wants("keystroke"):
            kvision = vision_of(ks["image"])
            for i, phrase in enumerate(ks["phrases"]):
                for rep in b.runs():
                    b.reset_peak()
                    (txt, mask), tt = b.timed(lambda phrase=phrase: text(phrase))
                    bx, lb = boxes_for({}, 0, 0)
                    out, td = b.timed(lambda: detect(kvision, txt, mask, bx, lb))
                    if b.timed_run(rep):
                        add("keystroke.text", tt)
                        add("keystroke.detector", td)
                        add("keystroke.total", tt + td)
                    peaks["keystroke"] = b.peak()
                record_detection(f"keystroke{i}", out, ks["image"])
        ex = cases["exemplar"]
        if b.wants("exemplar"):
            h, w = images[ex["image"]].shape[:2]
            evision = vision_of(ex["image"])
            txt, mask = text(ex["phrase"])
            bx, lb = boxes_for(ex, w, h)
            for rep in b.runs():
                b.reset_peak()
                out, td = b.timed(lambda: detect(evision, txt, mask, bx, lb))
                if b.timed_run(rep):
                    add("exemplarChange.detector", td)
                peaks["exemplarChange"] = b.peak()
            record_detection("exemplar", out, ex["image"])
        si = cases["secondImage"]
        if b.wants("second"):
            txt, mask = text(si["phrase"])
            bx, lb = boxes_for({}, 0, 0)
            out = detect(vision_of(si["image"]), txt, mask, bx, lb)
            record_detection("second", out, si["image"])
        # Accuracy set: every image × every phrase (text only), the outputs each variant is compared with.
        acc = cases.get("accuracy")
        if acc and b.wants("accuracy"):
            for image_id in acc["images"]:
                for j, phrase in enumerate(acc["phrases"]):
                    txt, mask = text(phrase)
                    bx, lb = boxes_for({}, 0, 0)
                    out = detect(vision_of(image_id), txt, mask, bx, lb)
                    record_detection(f"acc-{image_id}-{j}", out, image_id)
        vision = kvision = evision = out = None  # free GPU memory before the tracker and video cases
        features.clear()

    try:
        if not b.wants("click"):
            raise _Skip
        with torch.no_grad():
            ck = cases["click"]
            h, w = images[ck["image"]].shape[:2]
            for rep in b.runs():
                emb, t_emb = b.timed(lambda: trk.get_image_embeddings(pixels[ck["image"]]))
                if b.timed_run(rep):
                    add("trackerVision", t_emb)
            pts = torch.tensor([[[[p["xy"][0] * size / w, p["xy"][1] * size / h] for p in ck["points"]]]],
                               device=dev, dtype=dtype)
            lbl = torch.tensor([[[1 if p["positive"] else 0 for p in ck["points"]]]], device=dev)
            for rep in range(b.repeats + max(1, b.warmup)):
                b.reset_peak()
                out, t = b.timed(lambda: trk(image_embeddings=emb, input_points=pts, input_labels=lbl,
                                             multimask_output=True))
                if rep >= max(1, b.warmup):
                    add("click.decoder", t)
                peaks["click"] = b.peak()
            g.add(f"{dtype_name}/click/iou_scores", out.iou_scores.float().flatten().cpu())
            g.add(f"{dtype_name}/click/object_score_logits", out.object_score_logits.float().flatten().cpu())
            up = F.interpolate(out.pred_masks.float()[0], size=(h, w), mode="bilinear", align_corners=False)[0]
            g.add(f"{dtype_name}/click/masks", (up > 0).to(torch.uint8).cpu())
    except _Skip:
        pass
    except Exception as exc:  # noqa: BLE001
        traceback.print_exc()
        errors[f"{dtype_name}/click"] = f"{type(exc).__name__}: {exc}"

    vc = dict(cases["video"])
    if b.video_frames:
        vc["frames"] = b.video_frames
    for n in (b.object_counts or vc["objectCounts"]) if b.wants("video") else []:
        try:
            per_frame, frames_out = video_case(b, video, images[vc["image"]], size, dtype, vc, n)
            for t in per_frame[1 + max(1, b.warmup):]:  # the conditioning frame and the warm-up frames
                add(f"videoFrame.{n}", t)
            peaks[f"video{n}"] = b.peak()
            if n == vc["savedObjectCount"]:
                for k, (masks, scores) in enumerate(frames_out):
                    g.add(f"{dtype_name}/video/frame{k}/masks", masks)
                    g.add(f"{dtype_name}/video/frame{k}/object_score_logits", scores)
        except Exception as exc:  # noqa: BLE001
            traceback.print_exc()
            errors[f"{dtype_name}/video{n}"] = f"{type(exc).__name__}: {exc}"
    for k, xs in samples.items():
        section, _, name = k.partition(".")
        if name:
            timings.setdefault(section, {})[name] = median(xs)
        else:
            timings[section] = median(xs)
    for m in (det, trk, video):
        m.to("cpu", torch.float32)
    if b.cuda:
        torch.cuda.empty_cache()
    return {"timingsMs": timings, "samplesMs": samples, "peakMemoryBytes": peaks, "kept": kept}


class _Skip(Exception):
    """A scenario not asked for (--scenarios)."""


def video_case(b: Bench, video: Any, image: Any, size: int, dtype: Any, vc: dict[str, Any], n: int) -> tuple[list[float], list[Any]]:
    """One video session: n box prompts on frame 0 (grid cells), then every frame tracked; per-frame times and, for
    each frame, the binary masks at image size and object score logits of every object."""
    import torch
    import torch.nn.functional as F
    from transformers.models.sam3_tracker_video.modeling_sam3_tracker_video import Sam3TrackerVideoInferenceSession

    h, w = image.shape[:2]
    frames = torch.cat([pixel_values(video_frame(image, k, vc["shiftPerFrame"]), size)
                        for k in range(vc["frames"])]).to(b.device, dtype)
    session = Sam3TrackerVideoInferenceSession(video=frames, video_height=h, video_width=w,
                                               inference_device=b.device, inference_state_device=b.device,
                                               video_storage_device=b.device, dtype=dtype)
    obj_ids = list(range(1, n + 1))
    # What Sam3TrackerVideoProcessor.process_new_points_or_boxes_for_video_frame does with a box: two corner points
    # (labels 2, 3) in the input-size frame.
    for obj_id, box in zip(obj_ids, object_boxes(n, w, h, vc["grid"])):
        idx = session.obj_id_to_idx(obj_id)
        corners = torch.tensor([[[[box[0] * size / w, box[1] * size / h], [box[2] * size / w, box[3] * size / h]]]],
                               dtype=torch.float32)
        session.add_point_inputs(idx, 0, {"point_coords": corners, "point_labels": torch.tensor([[[2, 3]]], dtype=torch.int32)})
        session.remove_mask_inputs(idx, 0)
    session.obj_with_new_inputs = obj_ids
    times: list[float] = []
    outs: list[Any] = []
    b.reset_peak()
    with torch.no_grad():
        _, t0 = b.timed(lambda: video(inference_session=session, frame_idx=0))
        times.append(t0)
        it = video.propagate_in_video_iterator(session, start_frame_idx=0, max_frame_num_to_track=vc["frames"])
        while True:
            b.sync()
            t = time.perf_counter()
            out = next(it, None)
            b.sync()
            if out is None:
                break
            times.append((time.perf_counter() - t) * 1000)
            up = F.interpolate(out.pred_masks.float(), size=(h, w), mode="bilinear", align_corners=False)
            outs.append(((up[:, 0] > 0).to(torch.uint8).cpu(), out.object_score_logits.float().flatten().cpu()))
    return times, outs


def agreement(g: Any) -> dict[str, Any]:
    """PyTorch fp16 vs fp32 on every detector case (same measures the engine's variants are held to)."""
    import numpy as np

    out: dict[str, Any] = {}
    names = {n.split("/")[2] for n in g.tensors if n.startswith("fp32/detector/")}
    for case in sorted(names):
        def arr(dt: str, what: str) -> Any:
            return np.fromfile(g.root / g.tensors[f"{dt}/detector/{case}/{what}"]["file"],
                               dtype=np.float32 if what in ("scores", "boxes") else np.int64)
        try:
            s32, s16 = arr("fp32", "scores"), arr("fp16", "scores")
            b32, b16 = arr("fp32", "boxes"), arr("fp16", "boxes")
            k32, k16 = set(arr("fp32", "kept_indices").tolist()), set(arr("fp16", "kept_indices").tolist())
            out[case] = {"maxAbsScore": float(np.max(np.abs(s32 - s16))), "maxAbsBox": float(np.max(np.abs(b32 - b16))),
                         "keptFp32": sorted(k32), "keptFp16": sorted(k16)}
        except KeyError:
            continue
    return out


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    src = p.add_mutually_exclusive_group(required=True)
    src.add_argument("--random-full", type=Path, metavar="PACK_DIR",
                     help="the pack export_pack.py --random-full wrote (its random-full.json: seed + calibration)")
    src.add_argument("--tiny", action="store_true")
    src.add_argument("--checkpoint")
    p.add_argument("--seed", type=int, default=0, help="for --tiny")
    p.add_argument("--tokenizer", type=Path, required=True)
    p.add_argument("--out", type=Path, required=True)
    p.add_argument("--device", default="cuda")
    p.add_argument("--dtypes", default="fp32,fp16")
    p.add_argument("--repeats", type=int, default=5)
    p.add_argument("--warmup", type=int, default=1, help="untimed runs before the timed ones (0 on a CPU)")
    p.add_argument("--scenarios", default="",
                   help="comma-separated subset of firstRequest,keystroke,exemplar,second,accuracy,click,video "
                        "(default: all)")
    p.add_argument("--video-frames", type=int, default=None, help="frames of the video case (default: the case's)")
    p.add_argument("--object-counts", default="", help="tracked objects per video session, e.g. 5 (default: the case's)")
    a = p.parse_args(argv)
    tf = require_transformers()
    import torch

    from goldens_io import GoldenWriter

    cases = load_cases()
    a.out.mkdir(parents=True, exist_ok=True)
    t0 = time.time()
    det, trk, video, model_info = build_models(a)
    log(f"models built in {time.time() - t0:.1f} s ({model_info['source']})")
    phrases = {cases["firstRequest"]["phrase"], cases["exemplar"]["phrase"], cases["secondImage"]["phrase"],
               *cases["keystrokes"]["phrases"], *cases.get("accuracy", {}).get("phrases", [])}
    tokens = {ph: token_ids(a.tokenizer, ph) for ph in sorted(phrases)}
    g = GoldenWriter(a.out / "goldens")
    errors: dict[str, str] = {}
    runs: dict[str, Any] = {}
    scen = {s.strip() for s in a.scenarios.split(",") if s.strip()} or None
    counts = [int(x) for x in a.object_counts.split(",") if x.strip()] or None
    b = Bench(a.device, a.repeats, a.warmup, scen, a.video_frames, counts)
    for dt in [d.strip() for d in a.dtypes.split(",") if d.strip()]:
        try:
            log(f"dtype {dt}")
            runs[dt] = run_dtype(b, dt, det, trk, video, model_info["inputSize"], cases, tokens, g, errors)
            log(f"  {dt}: {json.dumps(runs[dt]['timingsMs'])}")
        except Exception as exc:  # noqa: BLE001
            traceback.print_exc()
            errors[dt] = f"{type(exc).__name__}: {exc}"
    g.meta = {"cases": cases, "inputSize": model_info["inputSize"]}
    g.write({"errors": errors})
    env = {"torch": torch.__version__, "transformers": tf.__version__, "device": a.device,
           "threads": torch.get_num_threads(), "warmup": a.warmup, "repeats": a.repeats,
           "gpu": torch.cuda.get_device_name(0) if a.device.startswith("cuda") and torch.cuda.is_available() else None}
    report = {"format": "sam3-web-torch-bench", "version": 1, "model": model_info, "env": env, "cases": cases,
              "tokens": {k: {"inputIds": v[0], "attentionMask": v[1]} for k, v in tokens.items()},
              "runs": runs, "fp16VsFp32": agreement(g), "outputs": "goldens/index.json", "errors": errors}
    (a.out / "torch_bench.json").write_text(json.dumps(report, indent=1) + "\n")
    log(f"wrote {a.out / 'torch_bench.json'}; errors: {errors}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
