/**
 * The conformance report: one line per case as it ends, then the summary line
 * `N passed, M failed`; or one JSON document with every result.
 */
import type { Paint } from '../cli/output.js';
import type { CaseResult } from './runner.js';

/** The line for one case, and an indented line per failure. */
export function caseLine(r: CaseResult, p: Paint): string {
  const head = `${r.passed ? p.green('PASS') : p.red('FAIL')} ${r.name} ${p.dim(`(${r.durationMs} ms)`)}`;
  return [head, ...r.failures.map((f) => `     ${p.red('│')} ${f}`)].join('\n');
}

export function summaryLine(results: readonly CaseResult[]): string {
  const passed = results.filter((r) => r.passed).length;
  return `${passed} passed, ${results.length - passed} failed`;
}

export function jsonReport(target: string, results: readonly CaseResult[]): Record<string, unknown> {
  const passed = results.filter((r) => r.passed).length;
  return { target, passed, failed: results.length - passed, summary: summaryLine(results), cases: results };
}
