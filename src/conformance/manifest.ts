/**
 * Loads and validates the conformance manifest: one JSON file or a folder of them, each
 * `{ "description"?, "cases": [...] }`. Validation is strict (unknown keys are refused, so a typo
 * never silently weakens a case) and every message names the file and the path at fault.
 */
import * as fs from 'node:fs/promises';
import * as path from 'node:path';
import { status as GrpcStatus } from '@grpc/grpc-js';
import { type Case, type Expect, MODES, RPC_NAMES, STATUSES, type Step } from './manifest-types.js';

export class ManifestError extends Error {
  override readonly name = 'ManifestError';
}

const DEFAULT_CASE_TIMEOUT_MS = 60_000;

type Obj = Record<string, unknown>;

const isObj = (v: unknown): v is Obj => typeof v === 'object' && v !== null && !Array.isArray(v);

class Checker {
  constructor(private readonly file: string) {}

  fail(where: string, problem: string): never {
    throw new ManifestError(`${this.file}: ${where}: ${problem}`);
  }

  obj(v: unknown, where: string): Obj {
    if (!isObj(v)) this.fail(where, 'must be an object');
    return v;
  }

  keys(o: Obj, where: string, allowed: readonly string[]): void {
    for (const k of Object.keys(o)) if (!allowed.includes(k)) this.fail(`${where}.${k}`, `unknown field; allowed here: ${allowed.join(', ')}`);
  }

  str(v: unknown, where: string): string {
    if (typeof v !== 'string') this.fail(where, 'must be a string');
    return v;
  }

  optStr(o: Obj, key: string, where: string): void {
    if (o[key] !== undefined) this.str(o[key], `${where}.${key}`);
  }

  posInt(v: unknown, where: string): number {
    if (!Number.isInteger(v) || (v as number) < 0) this.fail(where, 'must be a non-negative integer');
    return v as number;
  }

  regex(v: unknown, where: string): void {
    try {
      new RegExp(this.str(v, where));
    } catch (err) {
      this.fail(where, `is not a valid regex: ${(err as Error).message}`);
    }
  }

  stringMap(v: unknown, where: string): void {
    for (const [k, s] of Object.entries(this.obj(v, where))) this.str(s, `${where}.${k}`);
  }
}

const COMMON = ['expect', 'save', 'repeat', 'timeoutMs'];
const INVOKE_KEYS = [...COMMON, 'artifact', 'task', 'taskName', 'function', 'params', 'mode', 'request', 'cancelAfterChunks'];
const OUTCOME_EXPECT = ['success', 'status', 'errorCode', 'errorMessage', 'result', 'resultType', 'chunks', 'logs', 'metrics', 'response', 'grpcCode', 'message'];
const RPC_EXPECT = ['grpcCode', 'message', 'errorCode', 'response'];
const WAIT_EXPECT = ['status', 'errorCode', 'errorMessage', 'result', 'resultType', 'logs', 'metrics', 'response'];

function checkExpect(c: Checker, v: unknown, where: string, allowed: readonly string[]): Expect {
  const e = c.obj(v, where);
  c.keys(e, where, allowed);
  if (e.grpcCode !== undefined) {
    const code = c.str(e.grpcCode, `${where}.grpcCode`);
    if (!(code in GrpcStatus) || code === 'OK') c.fail(`${where}.grpcCode`, `'${code}' is not a gRPC error status name (e.g. INVALID_ARGUMENT, NOT_FOUND)`);
  }
  if (e.message !== undefined) {
    if (e.grpcCode === undefined) c.fail(`${where}.message`, 'applies to refusals only: set grpcCode too (use errorMessage or response for the rest)');
    c.regex(e.message, `${where}.message`);
  }
  if (typeof e.errorMessage === 'string') c.regex(e.errorMessage, `${where}.errorMessage`);
  if (e.status !== undefined) {
    const list = Array.isArray(e.status) ? e.status : [e.status];
    for (const s of list) if (!(STATUSES as readonly unknown[]).includes(s)) c.fail(`${where}.status`, `must be one of ${STATUSES.join(', ')} (or a list of them)`);
  }
  if (e.success !== undefined && typeof e.success !== 'boolean') c.fail(`${where}.success`, 'must be true or false');
  c.optStr(e, 'errorCode', where);
  c.optStr(e, 'resultType', where);
  return e as Expect;
}

function checkArtifact(c: Checker, v: unknown, where: string): void {
  const a = c.obj(v, where);
  c.keys(a, where, ['type', 'fixture', 'source', 'location', 'checksum', 'metadata']);
  c.str(a.type, `${where}.type`);
  const sources = ['fixture', 'source', 'location'].filter((k) => a[k] !== undefined);
  if (sources.length !== 1) c.fail(where, 'needs exactly one of fixture, source or location');
  for (const k of ['fixture', 'source', 'location', 'checksum']) c.optStr(a, k, where);
  if (a.metadata !== undefined) c.stringMap(a.metadata, `${where}.metadata`);
}

function checkParams(c: Checker, v: unknown, where: string): void {
  if (isObj(v)) return;
  if (!Array.isArray(v)) c.fail(where, 'must be a list of {name, type, value} or an object of name → value');
  v.forEach((p, i) => {
    const o = c.obj(p, `${where}[${i}]`);
    c.keys(o, `${where}[${i}]`, ['name', 'type', 'value', 'typeUrl', 'base64', 'required', 'description']);
    c.str(o.name, `${where}[${i}].name`);
    c.optStr(o, 'type', `${where}[${i}]`);
    if ((o.typeUrl === undefined) !== (o.base64 === undefined)) c.fail(`${where}[${i}]`, 'a raw Any needs both typeUrl and base64');
  });
}

function checkStep(c: Checker, raw: Obj, where: string): Step {
  const step = { ...raw };
  if ('sleep' in step) {
    c.keys(step, where, ['sleep']);
    return { kind: 'sleep', sleep: c.posInt(step.sleep, `${where}.sleep`) };
  }
  if (step.save !== undefined) c.stringMap(step.save, `${where}.save`);
  if (step.repeat !== undefined) c.posInt(step.repeat, `${where}.repeat`);
  if (step.timeoutMs !== undefined) c.posInt(step.timeoutMs, `${where}.timeoutMs`);
  if ('rpc' in step) {
    c.keys(step, where, [...COMMON, 'rpc', 'request']);
    if (!(RPC_NAMES as readonly unknown[]).includes(step.rpc)) c.fail(`${where}.rpc`, `must be one of ${RPC_NAMES.join(', ')}`);
    if (step.request !== undefined) c.obj(step.request, `${where}.request`);
    if (step.expect !== undefined) checkExpect(c, step.expect, `${where}.expect`, RPC_EXPECT);
    return { kind: 'rpc', ...step } as Step;
  }
  if ('wait' in step) {
    c.keys(step, where, [...COMMON, 'wait']);
    c.str(step.wait, `${where}.wait`);
    if (step.expect !== undefined) checkExpect(c, step.expect, `${where}.expect`, WAIT_EXPECT);
    return { kind: 'wait', ...step } as Step;
  }
  c.keys(step, where, INVOKE_KEYS);
  if (step.artifact === undefined && step.task === undefined && step.request === undefined) {
    c.fail(where, 'an invoke step needs artifact, task or request (or use rpc, wait or sleep)');
  }
  if (step.artifact !== undefined) checkArtifact(c, step.artifact, `${where}.artifact`);
  for (const k of ['task', 'taskName', 'function']) c.optStr(step, k, where);
  if (step.params !== undefined) checkParams(c, step.params, `${where}.params`);
  if (step.mode !== undefined && !(MODES as readonly unknown[]).includes(step.mode)) c.fail(`${where}.mode`, `must be one of ${MODES.join(', ')}`);
  if (step.request !== undefined) c.obj(step.request, `${where}.request`);
  if (step.cancelAfterChunks !== undefined) {
    c.posInt(step.cancelAfterChunks, `${where}.cancelAfterChunks`);
    if (step.mode !== 'STREAM') c.fail(`${where}.cancelAfterChunks`, 'applies to mode STREAM only');
  }
  if (step.expect !== undefined) checkExpect(c, step.expect, `${where}.expect`, OUTCOME_EXPECT);
  return { kind: 'invoke', ...step } as Step;
}

function checkCase(c: Checker, raw: unknown, where: string, file: string): Case {
  const o = c.obj(raw, where);
  const name = c.str(o.name, `${where}.name`);
  if (name.trim() === '') c.fail(`${where}.name`, 'must not be empty');
  const at = `${where} (${name})`;
  if (o.description !== undefined) c.str(o.description, `${at}.description`);
  const timeoutMs = o.timeoutMs === undefined ? DEFAULT_CASE_TIMEOUT_MS : c.posInt(o.timeoutMs, `${at}.timeoutMs`);
  const { name: _n, description, timeoutMs: _t, steps, ...own } = o;
  let list: Step[];
  if (steps !== undefined) {
    if (Object.keys(own).length > 0) c.fail(at, `a case with steps has only name, description, timeoutMs and steps; move ${Object.keys(own).join(', ')} into a step`);
    if (!Array.isArray(steps) || steps.length === 0) c.fail(`${at}.steps`, 'must be a non-empty list');
    list = steps.map((s, i) => checkStep(c, c.obj(s, `${at}.steps[${i}]`), `${at}.steps[${i}]`));
  } else {
    list = [checkStep(c, own, at)];
  }
  return { name, description: description as string | undefined, file, steps: list, timeoutMs };
}

/** Every *.json manifest file at `location` (a file, or a folder searched one level deep), sorted. */
async function manifestFiles(location: string): Promise<string[]> {
  const stat = await fs.stat(location).catch(() => undefined);
  if (!stat) throw new ManifestError(`${location}: no such file or folder`);
  if (stat.isFile()) return [location];
  const names = (await fs.readdir(location)).filter((n) => n.endsWith('.json')).sort();
  if (names.length === 0) throw new ManifestError(`${location}: no *.json manifest files`);
  return names.map((n) => path.join(location, n));
}

/** Loads and validates every case at `location`. Throws ManifestError naming the file and path. */
export async function loadManifest(location: string): Promise<Case[]> {
  const cases: Case[] = [];
  const seen = new Map<string, string>();
  for (const file of await manifestFiles(location)) {
    const shown = path.relative(process.cwd(), file) || file;
    const c: Checker = new Checker(shown);
    let doc: unknown;
    try {
      doc = JSON.parse(await fs.readFile(file, 'utf8'));
    } catch (err) {
      throw new ManifestError(`${shown}: ${(err as Error).message}`);
    }
    const top = c.obj(doc, '(top)');
    c.keys(top, '(top)', ['$schema', 'description', 'cases']);
    const list: unknown = top.cases;
    if (!Array.isArray(list)) throw new ManifestError(`${shown}: cases: must be a list`);
    list.forEach((raw: unknown, i: number) => {
      const kase = checkCase(c, raw, `cases[${i}]`, shown);
      const previous = seen.get(kase.name);
      if (previous) c.fail(`cases[${i}].name`, `'${kase.name}' is already a case in ${previous}`);
      seen.set(kase.name, shown);
      cases.push(kase);
    });
  }
  return cases;
}
