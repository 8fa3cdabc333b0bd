/**
 * node --import tsx tools/cluster/makeTestFolder.ts DIR [N]
 *
 * A folder of N (default 24) generated scenes for the cluster tests: coloured shapes the demo pack segments, 320×240,
 * PNG and JPEG, some in a subfolder — deterministic, so every run labels the same images.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import jpeg from 'jpeg-js';
import { randomScene, renderScene } from '../scenes/scene';
import { encodePng } from '../scenes/png';

export function makeTestFolder(dir: string, n: number): string[] {
  const names: string[] = [];
  for (let i = 0; i < n; i++) {
    const scene = renderScene(
      randomScene(800 + i, 320, 240, 1 + (i % 5), ['red', 'blue', 'green'], { minSize: 30, maxSize: 80, gap: 10 }),
    );
    const name = `${i % 4 === 3 ? 'sub/' : ''}scene${String(i).padStart(3, '0')}.${i % 3 === 2 ? 'jpg' : 'png'}`;
    mkdirSync(dirname(join(dir, name)), { recursive: true });
    writeFileSync(
      join(dir, name),
      name.endsWith('.png')
        ? encodePng(scene.width, scene.height, scene.data)
        : jpeg.encode({ width: scene.width, height: scene.height, data: scene.data }, 95).data,
    );
    names.push(name);
  }
  return names;
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const [dir, n] = process.argv.slice(2);
  if (!dir) {
    process.stderr.write('usage: node --import tsx tools/cluster/makeTestFolder.ts DIR [N]\n');
    process.exit(2);
  }
  const names = makeTestFolder(dir, Number(n ?? 24));
  process.stdout.write(`${names.length} images in ${dir}\n`);
}
