/**
 * Paging helpers shared by the Store implementations, so both cut pages the same way.
 */
import type { Page } from './store.js';

/** A page size the scans can work with: at least 1 (callers apply defaults and caps). */
export function clampLimit(limit: number): number {
  return Number.isFinite(limit) && limit >= 1 ? Math.floor(limit) : 1;
}

/**
 * Cuts a page from up to `limit + 1` matches: the extra one only proves there is more.
 * `nextStartAfter` is the last returned item's id when there is more, else ''.
 */
export function pageOf<T>(matches: T[], limit: number, idOf: (item: T) => string): Page<T> {
  const hasMore = matches.length > limit;
  const items = hasMore ? matches.slice(0, limit) : matches;
  return { items, hasMore, nextStartAfter: hasMore ? idOf(items[items.length - 1]) : '' };
}

/** Bytewise (UTF-8) order, the order RocksDB keeps keys in. */
export function compareUtf8(a: string, b: string): number {
  return Buffer.compare(Buffer.from(a), Buffer.from(b));
}
