/**
 * What a graph really computes in, read from the ONNX file itself rather than from its declared inputs: a q4f16 or
 * fp16 graph may take and return float32 (casts at its edges) yet need the GPU's shader-f16 feature inside.
 *
 * The file is walked as protobuf without being read whole: fields are decoded from small windows of the Blob and
 * large payloads (initializers' raw_data, several GB in a single-file fp32 graph) are skipped by seeking. Reported:
 * whether any initializer, value, or Cast produces float16, and the largest initializer in bytes.
 */

export interface OnnxPrecision {
  /** Some tensor of the graph is float16 (weights, casts, or declared values). */
  computesInFloat16: boolean;
  /** Bytes of the largest initializer (weights), from its dims and type; 0 when unknown. */
  largestInitializerBytes: number;
  initializers: number;
  nodes: number;
}

const FLOAT16 = 10;
const ELEMENT_BYTES: Record<number, number> = {
  1: 4,
  2: 1,
  3: 1,
  4: 2,
  5: 2,
  6: 4,
  7: 8,
  9: 1,
  10: 2,
  11: 8,
  12: 4,
  13: 8,
  16: 2,
};

/** Random-access reads of a Blob (or bytes) through a window cache. */
class Source {
  private window = new Uint8Array(0);
  private windowStart = 0;

  constructor(
    private readonly data: Blob | Uint8Array,
    private readonly windowBytes = 1 << 16,
  ) {}

  get size(): number {
    return this.data instanceof Uint8Array ? this.data.byteLength : this.data.size;
  }

  /** `length` bytes at `pos` (fewer at the end of the file). */
  async bytes(pos: number, length: number): Promise<Uint8Array> {
    if (this.data instanceof Uint8Array) return this.data.subarray(pos, pos + length);
    if (pos < this.windowStart || pos + length > this.windowStart + this.window.byteLength) {
      const end = Math.min(this.size, pos + Math.max(length, this.windowBytes));
      this.window = new Uint8Array(await this.data.slice(pos, end).arrayBuffer());
      this.windowStart = pos;
    }
    return this.window.subarray(pos - this.windowStart, pos - this.windowStart + length);
  }
}

interface Field {
  no: number;
  wire: number;
  /** Varint value (wire 0). */
  value: number;
  /** Payload range (wire 2). */
  start: number;
  end: number;
}

/** Iterates the fields of a message occupying [start, end). */
async function* fields(src: Source, start: number, end: number): AsyncGenerator<Field> {
  let pos = start;
  while (pos < end) {
    const [key, afterKey] = await varint(src, pos);
    const no = Math.floor(key / 8);
    const wire = key % 8;
    pos = afterKey;
    if (wire === 0) {
      const [value, next] = await varint(src, pos);
      yield { no, wire, value, start: pos, end: next };
      pos = next;
    } else if (wire === 2) {
      const [length, next] = await varint(src, pos);
      yield { no, wire, value: 0, start: next, end: next + length };
      pos = next + length;
    } else if (wire === 1) {
      pos += 8;
    } else if (wire === 5) {
      pos += 4;
    } else {
      throw new Error(`unsupported protobuf wire type ${wire} at byte ${pos}`);
    }
  }
}

async function varint(src: Source, pos: number): Promise<[number, number]> {
  const b = await src.bytes(pos, 10);
  let value = 0;
  let scale = 1;
  for (let i = 0; i < b.length; i++) {
    value += (b[i] & 0x7f) * scale;
    if ((b[i] & 0x80) === 0) return [value, pos + i + 1];
    scale *= 128;
  }
  throw new Error(`truncated protobuf varint at byte ${pos}`);
}

async function text(src: Source, f: Field): Promise<string> {
  return new TextDecoder().decode(await src.bytes(f.start, f.end - f.start));
}

/** TensorProto: data type (2) and dims (1, packed or not). */
async function tensorInfo(src: Source, start: number, end: number): Promise<{ type: number; elements: number }> {
  let type = 0;
  let elements = 1;
  for await (const f of fields(src, start, end)) {
    if (f.no === 2 && f.wire === 0) type = f.value;
    else if (f.no === 1 && f.wire === 0) elements *= f.value;
    else if (f.no === 1 && f.wire === 2) {
      for (let p = f.start; p < f.end;) {
        const [d, next] = await varint(src, p);
        elements *= d;
        p = next;
      }
    }
  }
  return { type, elements };
}

/** ValueInfoProto → TypeProto (2) → tensor_type (1) → elem_type (1). */
async function valueElemType(src: Source, start: number, end: number): Promise<number> {
  for await (const f of fields(src, start, end)) {
    if (f.no !== 2 || f.wire !== 2) continue;
    for await (const t of fields(src, f.start, f.end)) {
      if (t.no !== 1 || t.wire !== 2) continue;
      for await (const e of fields(src, t.start, t.end)) if (e.no === 1 && e.wire === 0) return e.value;
    }
  }
  return 0;
}

/** NodeProto: a Cast (op_type 4) whose `to` attribute (5: name 1, i 3) is float16. */
async function castsToFloat16(src: Source, start: number, end: number): Promise<boolean> {
  let isCast = false;
  let toHalf = false;
  for await (const f of fields(src, start, end)) {
    if (f.no === 4 && f.wire === 2) isCast = (await text(src, f)) === 'Cast';
    else if (f.no === 5 && f.wire === 2) {
      let name = '';
      let i = -1;
      for await (const a of fields(src, f.start, f.end)) {
        if (a.no === 1 && a.wire === 2) name = await text(src, a);
        else if (a.no === 3 && a.wire === 0) i = a.value;
      }
      if (name === 'to' && i === FLOAT16) toHalf = true;
    }
  }
  return isCast && toHalf;
}

/** Scans an ONNX model (bytes or a Blob) for float16 compute and its largest weight. */
export async function inspectOnnx(model: Blob | Uint8Array): Promise<OnnxPrecision> {
  const src = new Source(model);
  const out: OnnxPrecision = { computesInFloat16: false, largestInitializerBytes: 0, initializers: 0, nodes: 0 };
  for await (const m of fields(src, 0, src.size)) {
    if (m.no !== 7 || m.wire !== 2) continue; // ModelProto.graph
    for await (const g of fields(src, m.start, m.end)) {
      if (g.wire !== 2) continue;
      if (g.no === 5) {
        // initializer
        const { type, elements } = await tensorInfo(src, g.start, g.end);
        out.initializers++;
        if (type === FLOAT16) out.computesInFloat16 = true;
        out.largestInitializerBytes = Math.max(out.largestInitializerBytes, elements * (ELEMENT_BYTES[type] ?? 0));
      } else if (g.no === 1) {
        out.nodes++;
        if (!out.computesInFloat16 && (await castsToFloat16(src, g.start, g.end))) out.computesInFloat16 = true;
      } else if (g.no === 11 || g.no === 12 || g.no === 13) {
        if ((await valueElemType(src, g.start, g.end)) === FLOAT16) out.computesInFloat16 = true;
      }
    }
  }
  return out;
}
