/**
 * The Content-Security-Policy of the app. Connections go only to the app's own origin and to the model
 * hosts the catalogue names; images and media stay local (blob:/data:), so no request can carry pixels.
 */
export const MODEL_HOSTS = [
  'https://huggingface.co',
  'https://*.huggingface.co',
  'https://*.hf.co',
  'https://cdn-lfs.huggingface.co',
  'https://cdn-lfs-us-1.huggingface.co',
  'https://github.com',
  'https://objects.githubusercontent.com',
  'https://release-assets.githubusercontent.com',
];

export function contentSecurityPolicy({ dev }: { dev: boolean }): string {
  const connect = ["'self'", ...MODEL_HOSTS, 'blob:', 'data:', ...(dev ? ['ws:'] : [])];
  return [
    "default-src 'self'",
    // 'wasm-unsafe-eval' lets onnxruntime-web compile its WebAssembly; the dev server needs inline scripts.
    `script-src 'self' 'wasm-unsafe-eval'${dev ? " 'unsafe-inline'" : ''}`,
    "worker-src 'self' blob:",
    "style-src 'self' 'unsafe-inline'",
    "img-src 'self' blob: data:",
    "media-src 'self' blob: mediastream:",
    `connect-src ${connect.join(' ')}`,
    "object-src 'none'",
    "base-uri 'self'",
    "form-action 'none'",
  ].join('; ');
}
