/**
 * Where a streamed archive is written (the dataset worker): a file in the Origin Private File System through a
 * synchronous access handle (workers only), written part by part, so the archive never sits in memory; where the
 * browser has no OPFS, a Blob of parts (the browser keeps large Blobs on disk). `finish` hands back the file as a
 * Blob to download; `discard` removes what a cancelled or failed export wrote.
 */
export interface ArchiveSink {
  storage: 'opfs' | 'blob';
  write(chunks: Uint8Array[]): Promise<void>;
  finish(type: string): Promise<Blob>;
  discard(): Promise<void>;
}

interface SyncAccessHandle {
  write(data: Uint8Array, options: { at: number }): number;
  flush(): void;
  close(): void;
  truncate(size: number): void;
}

export async function archiveSink(name: string): Promise<ArchiveSink> {
  const dir = await navigator.storage?.getDirectory?.().catch(() => null);
  if (dir) {
    try {
      const handle = await dir.getFileHandle(name, { create: true });
      const access = await (
        handle as unknown as { createSyncAccessHandle(): Promise<SyncAccessHandle> }
      ).createSyncAccessHandle();
      access.truncate(0);
      return opfsSink(dir, handle, access, name);
    } catch {
      // No synchronous access (another export holds the file, or not a worker): parts in a Blob instead.
    }
  }
  return blobSink();
}

function opfsSink(
  dir: FileSystemDirectoryHandle,
  handle: FileSystemFileHandle,
  access: SyncAccessHandle,
  name: string,
): ArchiveSink {
  let at = 0;
  let open = true;
  const close = () => {
    if (!open) return;
    open = false;
    access.flush();
    access.close();
  };
  return {
    storage: 'opfs',
    async write(chunks) {
      for (const c of chunks) at += access.write(c, { at });
    },
    async finish(type) {
      close();
      const file = await handle.getFile();
      return type ? new Blob([file], { type }) : file;
    },
    async discard() {
      close();
      await dir.removeEntry(name).catch(() => {});
    },
  };
}

function blobSink(): ArchiveSink {
  // One Blob per image's chunks: the parts are the browser's to keep (on disk when large), not this heap's.
  let parts: Blob[] = [];
  return {
    storage: 'blob',
    async write(chunks) {
      if (chunks.length) parts.push(new Blob(chunks as BlobPart[]));
    },
    async finish(type) {
      return new Blob(parts, { type });
    },
    async discard() {
      parts = [];
    },
  };
}
