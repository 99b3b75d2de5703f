/**
 * V8 code cache per artifact digest: the first compile of a task produces cached data, later
 * compiles (new instances of the same task) consume it and skip most of the parsing. Bounded;
 * the oldest entries go first.
 */
import type ivm from 'isolated-vm';

export class CodeCache {
  private readonly entries = new Map<string, ivm.ExternalCopy<ArrayBuffer>>();

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
    for (const digest of [...this.entries.keys()]) this.delete(digest);
  }
}
