/**
 * How the OS sandbox is reported: GetHealth system_info keys, and a Prometheus gauge per layer.
 */
import { Gauge, type Registry } from 'prom-client';
import type { OsSandbox } from './os-sandbox.js';

/**
 * `os_sandbox`: "complete: …" | "degraded: <layers on>; missing: <why>" | "off (…)";
 * `os_sandbox_layers`: every layer as name=1 or name=0, for scripts.
 */
export function osSandboxInfo(sandbox: OsSandbox | undefined): Record<string, string> {
  if (!sandbox) return {};
  return {
    os_sandbox: sandbox.describe(),
    os_sandbox_backend: sandbox.status.backend,
    os_sandbox_layers: Object.entries(sandbox.status.layers)
      .map(([k, v]) => `${k}=${v ? 1 : 0}`)
      .join(','),
  };
}

/**
 * `spearlet_os_sandbox_layer{layer}`: 1 when that layer is around every sandbox worker, 0 when it
 * is missing or off. Reads `system_info()` (the runtimes' merged systemInfo) at each scrape.
 */
export function registerOsSandboxGauge(registry: Registry, systemInfo: () => Record<string, string>): void {
  new Gauge({
    name: 'spearlet_os_sandbox_layer',
    help: 'OS sandbox layers around sandbox workers: 1 on, 0 missing or off (see GetHealth system_info os_sandbox)',
    labelNames: ['layer'] as const,
    registers: [registry],
    collect() {
      const layers = systemInfo().os_sandbox_layers;
      if (layers === undefined) return;
      for (const pair of layers.split(',')) {
        const [layer, on] = pair.split('=');
        this.set({ layer }, Number(on));
      }
    },
  });
}
