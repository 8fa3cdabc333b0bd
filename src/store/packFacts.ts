/**
 * What the catalogue can honestly say about a pack before downloading it: where each file comes from and at which
 * revision (a commit pins it; a branch or a release tag can change under the same URL), and which files have a
 * known size and SHA-256 (only those are verified after the download). Pure; read from the manifest's URLs.
 */
import {
  downloadVerdict,
  formatBytes,
  type ExecutionProviderChoice,
  type PackFileRef,
  type PackManifest,
  type RuntimeInfo,
} from '../../workers/protocol';
import type { FileProgress } from './appStore';

export type RevisionKind = 'commit' | 'short commit' | 'branch' | 'release tag' | 'unknown';

export interface SourceRevision {
  /** "owner/name" */
  repo: string;
  host: 'huggingface' | 'github' | 'other';
  revision: string;
  kind: RevisionKind;
  /** Only a commit pins the bytes; a branch or a tag may point elsewhere tomorrow. */
  pinned: boolean;
}

export type FileCheck = 'sha256' | 'size' | 'none';

export interface PackFacts {
  sources: SourceRevision[];
  files: { name: string; check: FileCheck }[];
  /** Sum of the known sizes, or null when any size is unknown. */
  knownBytes: number | null;
  /** Every file has a size and a SHA-256: the download is verified end to end. */
  verified: boolean;
}

export function manifestFileRefs(m: PackManifest): PackFileRef[] {
  const refs: PackFileRef[] = [m.tokenizer.file];
  if (m.memoryConstants) refs.push(m.memoryConstants);
  for (const graph of Object.values(m.graphs)) {
    if (!graph) continue;
    refs.push(graph.file);
    for (const ext of graph.externalData ?? []) refs.push(...ext.chunks);
  }
  return refs;
}

/** The repository and revision a file URL names (Hugging Face `resolve/<rev>`, GitHub `releases/download/<tag>`). */
export function sourceOf(url: string): SourceRevision | null {
  const hf = /^https:\/\/huggingface\.co\/([^/]+\/[^/]+)\/resolve\/([^/]+)\//.exec(url);
  if (hf) {
    const revision = decodeURIComponent(hf[2]);
    const kind: RevisionKind = /^[0-9a-f]{40}$/.test(revision)
      ? 'commit'
      : /^[0-9a-f]{7,39}$/.test(revision)
        ? 'short commit'
        : 'branch';
    return { repo: hf[1], host: 'huggingface', revision, kind, pinned: kind === 'commit' || kind === 'short commit' };
  }
  const gh = /^https:\/\/github\.com\/([^/]+\/[^/]+)\/releases\/download\/([^/]+)\//.exec(url);
  if (gh)
    return { repo: gh[1], host: 'github', revision: decodeURIComponent(gh[2]), kind: 'release tag', pinned: false };
  return null;
}

export function fileCheck(ref: PackFileRef): FileCheck {
  if (ref.size > 0 && ref.sha256) return 'sha256';
  return ref.size > 0 ? 'size' : 'none';
}

export function packFacts(m: PackManifest): PackFacts {
  const refs = manifestFileRefs(m);
  const sources: SourceRevision[] = [];
  for (const ref of refs) {
    const s = sourceOf(ref.path);
    if (s && !sources.some((x) => x.repo === s.repo && x.revision === s.revision)) sources.push(s);
  }
  const files = refs.map((ref) => ({
    name: ref.path.split(/[?#]/)[0].split('/').pop() || ref.path,
    check: fileCheck(ref),
  }));
  return {
    sources,
    files,
    knownBytes: refs.every((r) => r.size > 0) ? refs.reduce((a, r) => a + r.size, 0) : null,
    verified: files.every((f) => f.check === 'sha256'),
  };
}

/** "danilobukvic/sam3-text-onnx @ fe8f8e1 (commit, short id)" / "… @ main (branch: unpinned)". */
export function describeRevision(s: SourceRevision): string {
  const what =
    s.kind === 'commit'
      ? 'commit'
      : s.kind === 'short commit'
        ? 'commit, short id'
        : s.kind === 'branch'
          ? 'branch: unpinned, the files can change'
          : s.kind === 'release tag'
            ? 'release tag: unpinned, assets can be replaced'
            : 'unpinned';
  return `${s.repo} @ ${s.revision} (${what})`;
}

/** The file's state in words; never "verifying" or a bare "done" for a file with nothing on record to check. */
export function statusText(status: FileProgress['status'], check: FileCheck | undefined): string {
  if (check === 'none' && (status === 'verifying' || status === 'done'))
    return 'downloaded — unverified (no size or SHA-256 on record)';
  if (check === 'size' && status === 'verifying') return 'checking size';
  if (check === 'size' && status === 'done') return 'done — size checked, no SHA-256 on record';
  return status;
}

export interface VariantFacts {
  /** "q4f16", or null when the manifest does not say. */
  precision: string | null;
  /** What the variant asks of a GPU, in words ("needs shader-f16 · largest buffer 1.2 GB"). */
  needs: string;
  /** What this device would run it on, or why not, and the way out (variantFit's words). */
  fit: string;
  runs: 'webgpu' | 'wasm' | 'no' | 'unknown';
  /** Whether its download may start here (the engine applies the same rule before any byte). */
  allowed: boolean;
}

/** A pack's precision and GPU needs against this device's adapter, for the catalogue, before any download. */
export function variantFacts(
  m: PackManifest,
  runtime: RuntimeInfo | null,
  choice: ExecutionProviderChoice = 'auto',
): VariantFacts {
  const v = m.variant;
  const needs = !v
    ? 'GPU needs not on record'
    : [
        v.requires.shaderF16 ? 'needs shader-f16' : 'no shader-f16 needed',
        v.requires.maxBufferSize > 0
          ? `largest buffer ${formatBytes(v.requires.maxBufferSize)}`
          : 'buffer needs not on record',
      ].join(' · ');
  if (!runtime)
    return { precision: v?.precision ?? null, needs, fit: 'checking this device…', runs: 'unknown', allowed: true };
  const verdict = downloadVerdict(m, runtime.webgpu, choice);
  return { precision: v?.precision ?? null, needs, fit: verdict.message, runs: verdict.runs, allowed: verdict.allowed };
}
