/**
 * The server under measurement for warm-cpu.ts, run as a child process so that its CPU and its
 * sandbox workers' CPU are its own: starts a spearlet server (process isolation, as `spearlet
 * serve` does) from the checkout named by argv[2] (default: this one), then answers `usage`
 * requests over IPC with its CPU time, its workers' CPU time and the bytes its heap allocated.
 */
import * as path from 'node:path';
import { pathToFileURL } from 'node:url';
import * as v8 from 'node:v8';
import { descendants, cpuTimeUs } from './process-rss.js';

export interface ServerInfo {
  address: string;
  httpUrl: string;
  jsTaskId: string;
}

export interface Usage {
  serverUs: number;
  workersUs: number;
  allocatedBytes: number;
}

const root = path.resolve(process.argv[2] ?? path.join(import.meta.dirname, '..'));
const { startSpearlet } = (await import(pathToFileURL(path.join(root, 'bench/spearlet.ts')).href)) as typeof import('./spearlet.js');
const server = await startSpearlet('process');

/**
 * Bytes allocated on the JS heap so far: what is live now plus what every GC since the start
 * freed (GCProfiler reports the heap before and after each collection).
 */
const profiler = new v8.GCProfiler();
profiler.start();
const startUsed = v8.getHeapStatistics().used_heap_size;
let freedBefore = 0;

function allocated(): number {
  const { statistics } = profiler.stop();
  for (const gc of statistics) freedBefore += gc.beforeGC.heapStatistics.usedHeapSize - gc.afterGC.heapStatistics.usedHeapSize;
  profiler.start();
  return v8.getHeapStatistics().used_heap_size - startUsed + freedBefore;
}

function usage(): Usage {
  const own = process.cpuUsage();
  const workersUs = descendants(process.pid).reduce((sum, pid) => sum + cpuTimeUs(pid), 0);
  return { serverUs: own.user + own.system, workersUs, allocatedBytes: allocated() };
}

process.on('message', (msg: { kind: 'usage' | 'close' }) => {
  if (msg.kind === 'usage') process.send!({ kind: 'usage', usage: usage() });
  else void server.close().then(() => process.exit(0));
});
process.send!({ kind: 'ready', info: { address: server.address, httpUrl: server.httpUrl, jsTaskId: server.jsTaskId } satisfies ServerInfo });
