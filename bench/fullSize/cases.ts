/**
 * The benchmark cases of tools/export/bench_cases.json as engine inputs — the same images, phrases, boxes, clicks and
 * video frames tools/export/torch_bench.py gives PyTorch (its rules are written in tools/export/README.md).
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { decodePng } from '../../tools/scenes/png';
import type { RgbaImage } from '../../workers/protocol/api';
import type { ConceptPrompt, ObjectPrompt } from '../../workers/protocol/prompts';
import benchCases from '../../tools/export/bench_cases.json' with { type: 'json' };

export const cases = benchCases;
export type BenchCases = typeof benchCases;

const images = new Map<string, RgbaImage>();

/** A case image (alpha dropped as PIL's convert('RGB') does: the PNGs are opaque). */
export function caseImage(id: string, root = process.cwd()): RgbaImage {
  let img = images.get(id);
  if (!img) {
    const entry = cases.images.find((i) => i.id === id);
    if (!entry) throw new Error(`bench_cases.json has no image '${id}'`);
    const png = decodePng(new Uint8Array(readFileSync(join(root, entry.path))));
    img = { width: png.width, height: png.height, data: png.data };
    images.set(id, img);
  }
  return img;
}

/** Frame k of the video case: the image rolled (wrapping) by (dx, dy) pixels, as numpy.roll does. */
export function rolled(img: RgbaImage, dx: number, dy: number): RgbaImage {
  const { width: w, height: h } = img;
  const out = new Uint8ClampedArray(w * h * 4);
  for (let y = 0; y < h; y++) {
    const sy = (((y - dy) % h) + h) % h;
    for (let x = 0; x < w; x++) {
      const sx = (((x - dx) % w) + w) % w;
      out.set(img.data.subarray((sy * w + sx) * 4, (sy * w + sx) * 4 + 4), (y * w + x) * 4);
    }
  }
  return { width: w, height: h, data: out };
}

export function videoFrame(k: number): RgbaImage {
  const [dx, dy] = cases.video.shiftPerFrame;
  return rolled(caseImage(cases.video.image), k * dx, k * dy);
}

export const concept = (phrase: string, boxes: ConceptPrompt['boxes'] = []): ConceptPrompt => ({
  id: phrase,
  phrase,
  boxes,
});

export function exemplarConcept(jitter = 0): ConceptPrompt {
  return concept(
    cases.exemplar.phrase,
    cases.exemplar.boxes.map((b, k) => ({
      id: `b${k}`,
      xyxyPx: b.xyxy.map((v) => v + jitter) as [number, number, number, number],
      polarity: b.positive ? ('positive' as const) : ('negative' as const),
    })),
  );
}

export function clickObject(jitter = 0): ObjectPrompt {
  return {
    id: 'o',
    candidate: 0,
    points: cases.click.points.map((p, k) => ({
      id: `p${k}`,
      xyPx: [p.xy[0] + jitter, p.xy[1]] as [number, number],
      polarity: p.positive ? ('positive' as const) : ('negative' as const),
    })),
  };
}

/** n objects seeded with the first n cells (row-major) of the case's grid over the video image. */
export function gridObjects(n: number): ObjectPrompt[] {
  const base = caseImage(cases.video.image);
  const [cols, rows] = cases.video.grid;
  if (n > cols * rows) throw new Error(`${n} objects > ${cols * rows} grid cells`);
  return Array.from({ length: n }, (_, i) => {
    const c = i % cols;
    const r = Math.floor(i / cols);
    const W = base.width;
    const H = base.height;
    return {
      id: `o${i}`,
      candidate: 0,
      points: [],
      boxXyxyPx: [(c * W) / cols, (r * H) / rows, ((c + 1) * W) / cols, ((r + 1) * H) / rows],
    };
  });
}
