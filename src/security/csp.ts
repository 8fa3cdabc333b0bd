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

/** Whether `host` matches a CSP host source such as `https://huggingface.co` or `https://*.hf.co`. */
function matchesHostSource(url: URL, source: string): boolean {
  const m = /^(https?):\/\/(\*\.)?([^/:]+)$/.exec(source);
  if (!m) return false;
  if (url.protocol !== `${m[1]}:` || url.port !== '') return false;
  return m[2] ? url.hostname.endsWith(`.${m[3]}`) : url.hostname === m[3];
}

/**
 * Whether the page may fetch `url` under connect-src: the page's own origin, or one of MODEL_HOSTS. Relative URLs
 * resolve against the page. Unparseable URLs are not allowed.
 */
export function connectAllowed(url: string, pageOrigin: string): boolean {
  let parsed: URL;
  try {
    parsed = new URL(url, pageOrigin);
  } catch {
    return false;
  }
  if (parsed.origin === new URL(pageOrigin).origin) return true;
  return MODEL_HOSTS.some((source) => matchesHostSource(parsed, source));
}

/** The hosts in words, for messages ("huggingface.co and its subdomains, subdomains of hf.co, github.com, …"). */
export function allowedHostsText(): string {
  const names = MODEL_HOSTS.map((s) => s.replace(/^https:\/\//, ''));
  const wild = new Set(names.filter((n) => n.startsWith('*.')).map((n) => n.slice(2)));
  const out: string[] = [];
  for (const n of names) {
    if (n.startsWith('*.')) {
      const base = n.slice(2);
      out.push(names.includes(base) ? `${base} and its subdomains` : `subdomains of ${base}`);
    } else if (!wild.has(n) && ![...wild].some((w) => n.endsWith(`.${w}`))) out.push(n);
  }
  return out.join(', ');
}

/** Why a pack URL will not be fetched, and how to allow its host; null when the CSP allows it. */
export function blockedUrlMessage(url: string, pageOrigin: string): string | null {
  if (connectAllowed(url, pageOrigin)) return null;
  let host: string;
  try {
    host = new URL(url, pageOrigin).host;
  } catch {
    return `“${url}” is not a valid URL.`;
  }
  return (
    `${host} is not an allowed host: this app's Content-Security-Policy lets the page download only from itself ` +
    `and ${allowedHostsText()}, so the browser would block it (no pixel or request goes anywhere else). To use a ` +
    `pack from ${host}, add "https://${host}" to MODEL_HOSTS in src/security/csp.ts and rebuild, or download the ` +
    `pack's files and open them with "Local files…".`
  );
}
