/** Test helper: an in-memory stand-in for the browser's CacheStorage (Node has none). */
/** Like the real Cache, it ignores URL fragments when matching. */
export class FakeCache {
  readonly entries = new Map<string, { body: Uint8Array; type: string }>();
  private key(request: RequestInfo | URL): string {
    const url = new URL(typeof request === 'string' || request instanceof URL ? request : request.url);
    url.hash = '';
    return url.href;
  }
  async match(request: RequestInfo | URL): Promise<Response | undefined> {
    const e = this.entries.get(this.key(request));
    return e ? new Response(e.body.slice(), { headers: { 'content-type': e.type } }) : undefined;
  }
  async put(request: RequestInfo | URL, response: Response): Promise<void> {
    const body = new Uint8Array(await response.arrayBuffer());
    this.entries.set(this.key(request), { body, type: response.headers.get('content-type') ?? '' });
  }
  async delete(request: RequestInfo | URL): Promise<boolean> {
    return this.entries.delete(this.key(request));
  }
  async keys(): Promise<Request[]> {
    return [...this.entries.keys()].map((u) => new Request(u));
  }
}

export class FakeCacheStorage {
  readonly caches = new Map<string, FakeCache>();
  async open(name: string): Promise<FakeCache> {
    let cache = this.caches.get(name);
    if (!cache) this.caches.set(name, (cache = new FakeCache()));
    return cache;
  }
  async delete(name: string): Promise<boolean> {
    return this.caches.delete(name);
  }
}
