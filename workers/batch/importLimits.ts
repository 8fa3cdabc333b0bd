/**
 * What an import accepts, shared by the folder workspace and `npm run label`: the limits an image file or an archive
 * entry is checked against before a byte of it is read or inflated, the reason each skipped file is skipped (named
 * to the person, grouped in one notice), the relative path an archive entry becomes, and the one order every input
 * route (folder picker, folder input, drop, zip) sorts images by. Pure functions only.
 */

/**
 * The largest image file accepted: the raw RGBA size of the largest image the app opens (16384 × 16384 px, see
 * `MAX_IMAGE_SIDE`). No PNG, JPEG or WebP of a supported image needs more; an entry that declares more is refused
 * before it is inflated or stored.
 */
export const MAX_IMAGE_BYTES = 2 ** 30;
/**
 * The most an archive entry may expand: images are compressed already, so zip's deflate gains little on them, and
 * an entry that inflates more than 100-fold is a zip bomb's signature (Apache POI's ZipSecureFile uses the same
 * 1 % minimum inflate ratio). Entries up to `RATIO_GRACE_BYTES` are exempt: a tiny flat-colour image may compress
 * well and costs nothing.
 */
export const MAX_COMPRESSION_RATIO = 100;
export const RATIO_GRACE_BYTES = 2 ** 20;
/** Entries read from one archive: tens of thousands work; a directory claiming millions is refused unread. */
export const MAX_ARCHIVE_ENTRIES = 200_000;

const IMAGE_EXT = /\.(png|jpe?g|webp|bmp|gif)$/i;
const ARCHIVE_EXT = /\.zip$/i;
export const IMAGE_MIME: Record<string, string> = {
  png: 'image/png',
  jpg: 'image/jpeg',
  jpeg: 'image/jpeg',
  webp: 'image/webp',
  bmp: 'image/bmp',
  gif: 'image/gif',
};

/** The MIME type of an image path ('' for anything else). */
export const imageMime = (path: string) => IMAGE_MIME[path.split('.').pop()!.toLowerCase()] ?? '';

/** Why a file or entry was not added. */
export type SkipKind =
  | 'not-image'
  | 'hidden'
  | 'nested-archive'
  | 'too-large'
  | 'ratio'
  | 'encrypted'
  | 'method'
  | 'link'
  | 'unsafe-path'
  | 'duplicate'
  | 'damaged'
  | 'archive';

export interface Skipped {
  /** Where it was: `folder/a.png`, or `photos.zip › folder/a.png` for an archive entry. */
  path: string;
  kind: SkipKind;
  /** This entry's own fact ("declares 1.5 GiB"); the group's rule is added by `skipReason`. */
  detail?: string;
}

/** `photos.zip › inner/a.png`: how an archive entry is named to the person. */
export const entryLabel = (archive: string, path: string) => `${archive} › ${path}`;

/** Bytes in binary units, as a person reads them: "200 B", "4.7 MiB", "1.5 GiB", "12 GiB". */
export function formatBytes(n: number): string {
  const units = ['B', 'KiB', 'MiB', 'GiB', 'TiB'];
  let v = n;
  let u = 0;
  while (v >= 1024 && u < units.length - 1) {
    v /= 1024;
    u++;
  }
  if (u === 0) return `${n.toLocaleString('en-US')} B`;
  const text = v < 10 ? v.toFixed(1).replace(/\.0$/, '') : String(Math.round(v));
  return `${text} ${units[u]}`;
}

/** The rule behind each kind, said once per group in the notice and after each entry in the full list. */
const RULE: Partial<Record<SkipKind, string>> = {
  'too-large': `the limit for one image is ${formatBytes(MAX_IMAGE_BYTES)}`,
  ratio: `the limit is ${MAX_COMPRESSION_RATIO}:1, as an image compresses little and a zip bomb a lot`,
  method: 'only stored and deflated entries are read; re-zip it with the default settings',
  'nested-archive': 'unzip it and add it on its own',
};

const GROUP: Record<SkipKind, (n: number) => string> = {
  'not-image': (n) => (n === 1 ? 'not an image' : 'not images'),
  hidden: (n) => (n === 1 ? 'a hidden or system file' : 'hidden or system files'),
  'nested-archive': (n) => (n === 1 ? 'an archive inside an archive' : 'archives inside an archive'),
  'too-large': () => 'too large',
  ratio: () => 'compressed too well to be an image',
  encrypted: () => 'encrypted (password-protected)',
  method: () => 'compressed with a method this app does not read',
  link: (n) => (n === 1 ? 'a symbolic link' : 'symbolic links'),
  'unsafe-path': () => 'with a path that leads out of the archive (..)',
  duplicate: () => 'listed twice (the first one is kept)',
  damaged: () => 'damaged',
  archive: (n) => (n === 1 ? 'an archive that could not be read' : 'archives that could not be read'),
};

/** One skipped item's whole reason: "declares 1.5 GiB; the limit for one image is 1 GiB". */
export function skipReason(s: Skipped): string {
  const rule = RULE[s.kind];
  const what = s.detail ?? GROUP[s.kind](1);
  return rule ? `${what}; ${rule}` : what;
}

/** `a.png (declares 1.5 GiB)` or `notes.txt`. */
const named = (s: Skipped) => (s.detail ? `${s.path} (${s.detail})` : s.path);

/**
 * The skipped files in one sentence, grouped by reason in the order first met, each group naming its first few:
 * "6 files skipped — 4 too large (the limit for one image is 1 GiB): bomb.zip › a.png (declares 1.5 GiB), …, and
 * 1 more; 2 not images: notes.txt, labels.csv."
 */
export function describeSkipped(skipped: readonly Skipped[], namesPerGroup = 4): string {
  if (skipped.length === 0) return '';
  const groups = new Map<SkipKind, Skipped[]>();
  for (const s of skipped) {
    const g = groups.get(s.kind);
    if (g) g.push(s);
    else groups.set(s.kind, [s]);
  }
  const parts = [...groups].map(([kind, items]) => {
    const rule = RULE[kind];
    const shown = items.slice(0, namesPerGroup).map(named).join(', ');
    const more =
      items.length > namesPerGroup ? `, and ${(items.length - namesPerGroup).toLocaleString('en-US')} more` : '';
    return `${items.length.toLocaleString('en-US')} ${GROUP[kind](items.length)}${rule ? ` (${rule})` : ''}: ${shown}${more}`;
  });
  const n = skipped.length;
  return `${n.toLocaleString('en-US')} ${n === 1 ? 'file' : 'files'} skipped — ${parts.join('; ')}.`;
}

/** Whether a path is hidden (a dot file or folder, macOS's `__MACOSX` copies) and so never an image to label. */
export const isHiddenPath = (path: string) => path.split('/').some((s) => s.startsWith('.') || s === '__MACOSX');
export const isArchivePath = (path: string) => ARCHIVE_EXT.test(path);
export const isImagePath = (path: string) => IMAGE_EXT.test(path) && !isHiddenPath(path);

/** What a file at `path` is to an import: an image to add, an archive to open, or a reason to skip it. */
export function classifyPath(path: string): 'image' | 'archive' | 'hidden' | 'not-image' {
  if (isHiddenPath(path)) return 'hidden';
  if (IMAGE_EXT.test(path)) return 'image';
  return isArchivePath(path) ? 'archive' : 'not-image';
}

/** An image file's size against the limit (a file on disk, or an entry's declared size): the skip, or null. */
export function checkImageSize(path: string, bytes: number, declared = false): Skipped | null {
  if (bytes <= MAX_IMAGE_BYTES) return null;
  return { path, kind: 'too-large', detail: `${declared ? 'declares' : 'is'} ${formatBytes(bytes)}` };
}

/** `“big.png” is 1.5 GiB; the limit for one image is 1 GiB.` — the message for one file refused by its size. */
export function imageTooLargeMessage(name: string, bytes: number): string {
  return `“${name}” is ${formatBytes(bytes)}; ${RULE['too-large']}.`;
}

/**
 * An archive entry's declared sizes against the limits, before it is inflated: the size of one image, then the
 * compression ratio (for entries past the grace size).
 */
export function checkEntrySizes(path: string, size: number, compressedSize: number): Skipped | null {
  const tooLarge = checkImageSize(path, size, true);
  if (tooLarge) return tooLarge;
  if (size > RATIO_GRACE_BYTES && size > MAX_COMPRESSION_RATIO * compressedSize) {
    const ratio = Math.round(size / Math.max(1, compressedSize));
    return {
      path,
      kind: 'ratio',
      detail: `${formatBytes(size)} from ${formatBytes(compressedSize)}, ${ratio.toLocaleString('en-US')}:1`,
    };
  }
  return null;
}

/**
 * An archive entry's name as a relative path: backslashes become slashes, a leading slash or drive letter and
 * `.` segments go; a `..` segment makes it unsafe (it would lead out of the folder: never followed, the entry is
 * skipped). Null for an unsafe name.
 */
export function normaliseEntryPath(name: string): string | null {
  const parts = name.replace(/\\/g, '/').split('/');
  if (/^[A-Za-z]:$/.test(parts[0] ?? '')) parts.shift();
  const out: string[] = [];
  for (const p of parts) {
    if (p === '' || p === '.') continue;
    if (p === '..') return null;
    out.push(p);
  }
  return out.join('/');
}

const isDigit = (c: number) => c >= 48 && c <= 57;
/** ASCII letters fold to lower case; '/' sorts before every other character, so a folder's files stay together. */
const fold = (c: number) => (c === 47 ? -1 : c >= 65 && c <= 90 ? c + 32 : c);

/**
 * The order of images in the workspace, the same for every input route and on every machine (no locale): paths
 * compared character by character with case folded and runs of digits by their value, as file managers list them
 * (`img2.png` before `img10.png`); a tie (`a.png` / `A.png`, `1` / `01`) falls back to plain code units.
 */
export function comparePaths(a: string, b: string): number {
  let i = 0;
  let j = 0;
  while (i < a.length && j < b.length) {
    const ca = a.charCodeAt(i);
    const cb = b.charCodeAt(j);
    if (isDigit(ca) && isDigit(cb)) {
      let ie = i;
      while (ie < a.length && isDigit(a.charCodeAt(ie))) ie++;
      let je = j;
      while (je < b.length && isDigit(b.charCodeAt(je))) je++;
      let is = i;
      while (is < ie - 1 && a.charCodeAt(is) === 48) is++;
      let js = j;
      while (js < je - 1 && b.charCodeAt(js) === 48) js++;
      if (ie - is !== je - js) return ie - is - (je - js);
      for (let k = 0; k < ie - is; k++) {
        const d = a.charCodeAt(is + k) - b.charCodeAt(js + k);
        if (d) return d;
      }
      i = ie;
      j = je;
      continue;
    }
    const d = fold(ca) - fold(cb);
    if (d) return d;
    i++;
    j++;
  }
  const rest = a.length - i - (b.length - j);
  if (rest) return rest;
  return a < b ? -1 : a > b ? 1 : 0;
}
