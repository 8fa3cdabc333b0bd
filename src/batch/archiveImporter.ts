/**
 * The import's work on archives, run in the import worker (import.worker.ts) — or in process where there is no
 * worker (Node tests): list every archive's directory and plan the import (importPlan.ts), then read the entries
 * the import keeps, a batch at a time, on request.
 */
import { imageMime } from '../../workers/batch/importLimits';
import { planImport, type ImportPlan, type LooseFile } from './importPlan';
import { EntryError, ZipEntryReader } from './zipEntryReader';
import { blobSource, readZipDirectory, ZipFormatError, type ZipDirectory } from './zipDirectory';

export interface ArchiveFile {
  /** How the archive is named to the person (its relative path). */
  name: string;
  file: Blob;
}

export interface EntryRequest {
  archive: number;
  entry: number;
  path: string;
}

/** An entry's contents, or why it could not be read ("fails its CRC-32 check …"). */
export type EntryResult = Blob | { error: string };

export interface ImportReader {
  plan(loose: LooseFile[], archives: ArchiveFile[]): Promise<ImportPlan>;
  read(requests: EntryRequest[]): Promise<EntryResult[]>;
}

export class ArchiveImporter implements ImportReader {
  private archives: { directory: ZipDirectory | null; reader: ZipEntryReader | null }[] = [];

  async plan(loose: LooseFile[], archives: ArchiveFile[]): Promise<ImportPlan> {
    const listings = [];
    this.archives = [];
    for (const a of archives) {
      let directory: ZipDirectory | null = null;
      let error: string | undefined;
      try {
        directory = await readZipDirectory(blobSource(a.file));
      } catch (err) {
        error =
          err instanceof ZipFormatError
            ? err.message
            : `could not be read: ${err instanceof Error ? err.message : err}`;
      }
      listings.push({ name: a.name, directory, error });
      this.archives.push({
        directory,
        reader: directory ? new ZipEntryReader(a.file, directory.directoryStart) : null,
      });
    }
    return planImport(loose, listings);
  }

  async read(requests: EntryRequest[]): Promise<EntryResult[]> {
    const out: EntryResult[] = new Array(requests.length);
    // One readMany per archive, so each reads its entries in file order.
    const byArchive = new Map<number, number[]>();
    for (const [k, r] of requests.entries()) {
      const list = byArchive.get(r.archive);
      if (list) list.push(k);
      else byArchive.set(r.archive, [k]);
    }
    for (const [archive, ks] of byArchive) {
      const { directory, reader } = this.archives[archive] ?? {};
      if (!directory || !reader) throw new Error(`archive ${archive} was not planned`);
      const blobs = await reader.readMany(
        ks.map((k) => directory.entries[requests[k].entry]),
        ks.map((k) => imageMime(requests[k].path)),
      );
      ks.forEach((k, i) => {
        const b = blobs[i];
        out[k] = b instanceof EntryError ? { error: b.detail } : b;
      });
    }
    return out;
  }
}
