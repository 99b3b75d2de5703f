/**
 * V8 code cache per artifact digest: a task's second compile produces cached data, later compiles
 * (new instances of the same task) consume it and skip most of the parsing. Not the first: that is
 * a new task's cold start, and most tasks only ever get one instance, so serialising their code
 * there would be paid on the cold path for nothing. Bounded; the oldest entries go first.
 */
import type ivm from 'isolated-vm';

export class CodeCache {
  private readonly entries = new Map<string, ivm.ExternalCopy<ArrayBuffer>>();
  /** Digests compiled once without producing data (insertion order: oldest first). */
  private readonly seen = new Set<string>();

  constructor(private readonly maxEntries = 256) {}

  get(digest: string): ivm.ExternalCopy<ArrayBuffer> | undefined {
    const entry = this.entries.get(digest);
    if (entry !== undefined) {
      // Refresh recency: Map iteration order is insertion order.
      this.entries.delete(digest);
      this.entries.set(digest, entry);
    }
    return entry;
  }

  /**
   * Whether a compile of this digest without cached data should produce it: false the first time a
   * digest is asked about, true from then on.
   */
  wantsData(digest: string): boolean {
    if (this.seen.has(digest)) return true;
    this.seen.add(digest);
    if (this.seen.size > this.maxEntries) this.seen.delete(this.seen.values().next().value as string);
    return false;
  }

  set(digest: string, data: ivm.ExternalCopy<ArrayBuffer>): void {
    this.delete(digest);
    this.entries.set(digest, data);
    while (this.entries.size > this.maxEntries) {
      const oldest = this.entries.keys().next().value as string;
      this.delete(oldest);
    }
  }

  delete(digest: string): void {
    const entry = this.entries.get(digest);
    if (entry === undefined) return;
    this.entries.delete(digest);
    entry.release();
  }

  get size(): number {
    return this.entries.size;
  }

  clear(): void {
    this.seen.clear();
    for (const digest of [...this.entries.keys()]) this.delete(digest);
  }
}
