/**
 * Serves the full-size packs of `npm run export:full` ($SAM3_FULL_DIR/variants/<variant>/…) under /full-packs/ from
 * `vite preview`, with HTTP Range requests, so the app opens them by URL exactly as it opens a remote pack
 * (streamed into Cache Storage, verified, resumable). Only when SAM3_FULL_DIR is set; never part of the build.
 */
import { createReadStream, existsSync, statSync } from 'node:fs';
import { join, normalize, sep } from 'node:path';
import type { Plugin } from 'vite';

export function fullPacks(dir = process.env.SAM3_FULL_DIR): Plugin {
  return {
    name: 'sam3-full-packs',
    configurePreviewServer(server) {
      if (!dir) return;
      const root = join(dir, 'variants');
      server.middlewares.use('/full-packs', (req, res, next) => {
        const rel = normalize(decodeURIComponent((req.url ?? '/').split('?')[0])).replace(/^([/\\])+/, '');
        const path = join(root, rel);
        if (!path.startsWith(root + sep) || !existsSync(path) || !statSync(path).isFile()) return next();
        const size = statSync(path).size;
        res.setHeader('Accept-Ranges', 'bytes');
        res.setHeader('Cache-Control', 'no-store');
        const range = /^bytes=(\d+)-(\d*)$/.exec(req.headers.range ?? '');
        if (range) {
          const start = Number(range[1]);
          const end = range[2] ? Math.min(Number(range[2]), size - 1) : size - 1;
          if (start >= size) {
            res.statusCode = 416;
            res.setHeader('Content-Range', `bytes */${size}`);
            return res.end();
          }
          res.statusCode = 206;
          res.setHeader('Content-Range', `bytes ${start}-${end}/${size}`);
          res.setHeader('Content-Length', String(end - start + 1));
          createReadStream(path, { start, end }).pipe(res);
          return;
        }
        res.setHeader('Content-Length', String(size));
        createReadStream(path).pipe(res);
      });
    },
  };
}
