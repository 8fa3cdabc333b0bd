/**
 * A small least-recently-used map; `onEvict` frees what an entry holds (GPU buffers). Capacity counts entries, or
 * bytes when `sizeOf` is given (the newest entry always stays, even when it alone is over the capacity).
 */
export class Lru<K, V> {
  private readonly map = new Map<K, V>();
  private used = 0;

  constructor(
    private readonly capacity: number,
    private readonly onEvict: (value: V, key: K) => void = () => {},
    private readonly sizeOf: (value: V) => number = () => 1,
  ) {}

  get size(): number {
    return this.map.size;
  }

  /** The capacity in use: entries, or bytes with `sizeOf`. */
  get total(): number {
    return this.used;
  }

  get(key: K): V | undefined {
    const value = this.map.get(key);
    if (value !== undefined) {
      this.map.delete(key);
      this.map.set(key, value);
    }
    return value;
  }

  has(key: K): boolean {
    return this.map.has(key);
  }

  keys(): K[] {
    return [...this.map.keys()];
  }

  set(key: K, value: V): void {
    const old = this.map.get(key);
    if (old !== undefined) {
      this.map.delete(key);
      this.used -= this.sizeOf(old);
      if (old !== value) this.onEvict(old, key);
    }
    this.map.set(key, value);
    this.used += this.sizeOf(value);
    while (this.used > this.capacity && this.map.size > 1) {
      const [k, v] = this.map.entries().next().value as [K, V];
      this.map.delete(k);
      this.used -= this.sizeOf(v);
      this.onEvict(v, k);
    }
  }

  /** Removes and frees one entry. */
  delete(key: K): void {
    const value = this.map.get(key);
    if (value === undefined) return;
    this.map.delete(key);
    this.used -= this.sizeOf(value);
    this.onEvict(value, key);
  }

  /** Removes and frees every entry whose key passes `test`. */
  deleteWhere(test: (key: K) => boolean): void {
    for (const key of this.keys()) if (test(key)) this.delete(key);
  }

  clear(): void {
    for (const [k, v] of this.map) this.onEvict(v, k);
    this.map.clear();
    this.used = 0;
  }
}
