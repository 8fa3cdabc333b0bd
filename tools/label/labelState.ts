/**
 * The CLI's resumable state: `<out>.progress.jsonl` beside the output. Its first line records the run's settings;
 * each later line is one finished image (its annotations, or its error). A run that stops (Ctrl+C, a crash, a
 * closed terminal) is resumed by the same command, which skips the images already in the file; the .zip is
 * written from this file at the end.
 */
import { appendFileSync, existsSync, readFileSync, writeFileSync } from 'node:fs';
import type { BatchAnnotation } from '../../workers/batch/types';

export interface RunSettings {
  pack: string;
  phrases: string[];
  scoreThreshold: number;
  shard: [number, number];
}

export interface ImageRecord {
  name: string;
  width?: number;
  height?: number;
  annotations: BatchAnnotation[];
  error?: string;
}

export function progressPath(out: string): string {
  return `${out}.progress.jsonl`;
}

/** The records of an earlier run with the same settings; throws when the settings differ. */
export function openState(path: string, settings: RunSettings): Map<string, ImageRecord> {
  const done = new Map<string, ImageRecord>();
  if (!existsSync(path)) {
    writeFileSync(path, JSON.stringify({ settings }) + '\n');
    return done;
  }
  const lines = readFileSync(path, 'utf8').split('\n');
  const head = JSON.parse(lines[0] || '{}') as { settings?: RunSettings };
  if (JSON.stringify(head.settings) !== JSON.stringify(settings)) {
    throw new Error(
      `${path} belongs to a run with other settings (${JSON.stringify(head.settings)}). ` +
        'Use the same pack, phrases, threshold and shard to resume, or delete it to start over.',
    );
  }
  for (const line of lines.slice(1)) {
    if (!line.trim()) continue;
    try {
      const rec = JSON.parse(line) as ImageRecord;
      if (!rec.error) done.set(rec.name, rec);
    } catch {
      // A line cut short by a crash: that image runs again.
    }
  }
  return done;
}

export function appendRecord(path: string, record: ImageRecord): void {
  appendFileSync(path, JSON.stringify(record) + '\n');
}
