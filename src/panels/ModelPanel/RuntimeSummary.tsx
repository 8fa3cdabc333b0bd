import { useAppStore } from '../../store/useAppStore';

export function RuntimeSummary() {
  const runtime = useAppStore((s) => s.runtime);
  if (!runtime) return <p className="muted small">Runtime: starting…</p>;
  const { webgpu, wasm } = runtime;
  const adapter = webgpu.adapter
    ? `${webgpu.adapter.vendor || 'unknown vendor'} ${webgpu.adapter.architecture}`.trim() +
      (webgpu.adapter.isFallbackAdapter ? ' (fallback adapter)' : '')
    : null;
  return (
    <dl className="runtime">
      <dt>WebGPU</dt>
      <dd>{webgpu.available ? (adapter ?? 'available') : `unavailable: ${webgpu.reason}`}</dd>
      {webgpu.available && (
        <>
          <dt>shader-f16</dt>
          <dd>{webgpu.shaderF16 ? 'yes' : 'no'}</dd>
        </>
      )}
      <dt>WASM threads</dt>
      <dd>{wasm.threads}</dd>
      <dt>Cross-origin isolated</dt>
      <dd>{wasm.crossOriginIsolated ? 'yes' : 'no'}</dd>
    </dl>
  );
}
