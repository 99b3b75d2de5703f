/**
 * A Store that times every operation of another one, for the store latency histogram. Wraps any
 * Store without the store knowing; operations that return an async iterable are timed until the
 * iteration ends.
 */
import type { Store } from '../store/store.js';

export type StoreTimer = (operation: string, seconds: number, ok: boolean) => void;

function timedIterable<T>(operation: string, source: AsyncIterable<T>, timer: StoreTimer): AsyncIterable<T> {
  return {
    async *[Symbol.asyncIterator]() {
      const started = performance.now();
      let ok = false;
      try {
        yield* source;
        ok = true;
      } finally {
        timer(operation, (performance.now() - started) / 1000, ok);
      }
    },
  };
}

/** `store` with each method timed under its own name (putExecution, getTask, ...). */
export function timedStore(store: Store, timer: StoreTimer): Store {
  return new Proxy(store, {
    get(target, prop, receiver) {
      const value: unknown = Reflect.get(target, prop, receiver);
      if (typeof value !== 'function' || typeof prop !== 'string') return value;
      return (...args: unknown[]) => {
        const started = performance.now();
        const done = (ok: boolean) => timer(prop, (performance.now() - started) / 1000, ok);
        let result: unknown;
        try {
          result = (value as (...a: unknown[]) => unknown).apply(target, args);
        } catch (err) {
          done(false);
          throw err;
        }
        if (result instanceof Promise) {
          return result.then(
            (v) => {
              done(true);
              return v;
            },
            (err: unknown) => {
              done(false);
              throw err;
            },
          );
        }
        if (result !== null && typeof result === 'object' && Symbol.asyncIterator in result) return timedIterable(prop, result as AsyncIterable<unknown>, timer);
        done(true);
        return result;
      };
    },
  });
}
