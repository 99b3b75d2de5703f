/**
 * OsSandbox: the operating system's layer around every sandbox worker process
 * (docs/security-os-sandbox.md).
 *
 * `prepareOsSandbox` runs once at server start: it finds what this host allows (namespaces,
 * root or a user namespace, cgroups, the util-linux tools), and with `osSandbox: 'auto'` starts
 * anyway when something is missing, logging one warning that names it; with 'required' it
 * refuses to start instead (INVALID_CONFIG, field osSandbox). WorkerProcess then asks `launch` how to
 * start each worker: the command (unshare → launch.sh → chroot → setpriv → node) and the cgroups
 * it joins. The IPC channel's fd passes through each exec unchanged.
 */
import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Config } from '../../config.js';
import { ErrorCodes, SpearletError } from '../../errors.js';
import type { Logger } from '../../logger.js';
import { CGROUP_CONTROLLERS, Cgroups, type WorkerCgroups } from './cgroups.js';
import { type RootView, rootView } from './root-view.js';
import { seccompFilter } from './seccomp-filter.js';
import { fillTranspileCache, sandboxCachePath } from './transpile-cache.js';

const LAUNCHER = fileURLToPath(new URL('./launch.sh', import.meta.url));
const NAMESPACES = ['net', 'mount', 'pid', 'ipc', 'uts'] as const;
/** Every layer the OS sandbox can have; the status reports each as on or off. */
export const OS_SANDBOX_LAYERS = [...NAMESPACES.map((n) => `${n}_namespace`), 'unprivileged_user', 'no_new_privs', 'rlimits', 'seccomp', ...CGROUP_CONTROLLERS.map((c) => `cgroup_${c}`)] as const;
/** Private /tmp of a worker: tsx's transpile cache and whatever a guest library writes. */
const TMP_SIZE = '64m';

/** What GetHealth and the metrics report. */
export interface OsSandboxStatus {
  mode: Config['osSandbox'];
  /** Each layer: on, or off. */
  layers: Record<string, boolean>;
  /** Why a layer is off, for the one warning and GetHealth. */
  missing: string[];
  cgroupVersion: 1 | 2 | undefined;
  /** What builds the namespaces and the view: bubblewrap when installed and usable, else util-linux. */
  backend: 'bwrap' | 'util-linux' | 'none';
}

/** How to start one worker. */
export interface WorkerLaunch {
  /** For child_process.fork: the program run instead of node, and its arguments before node's. */
  execPath: string;
  execArgv: string[];
  cgroups: WorkerCgroups | undefined;
  /** The forked process is a launcher and the worker one of its descendants (namespaces are made). */
  launcher: boolean;
}

export class OsSandbox {
  constructor(
    readonly status: OsSandboxStatus,
    private readonly config: Config,
    private readonly tools: Tools,
    private readonly view: RootView | undefined,
    private readonly cgroups: Cgroups | undefined,
    private readonly namespaces: readonly string[],
    /** The compiled seccomp filter bubblewrap installs (bwrap backend on x86_64 only). */
    private readonly seccompFile?: string,
    /** The transpile cache workers read (transpile-cache.ts). */
    private readonly transpileCache?: string,
  ) {}

  /** GetHealth system_info `os_sandbox`: the mode, the layers on, and what is missing. */
  describe(): string {
    const s = this.status;
    if (s.mode === 'off') return 'off (--os-sandbox=off)';
    const on = Object.entries(s.layers).filter(([, v]) => v).map(([k]) => k);
    const state = s.missing.length === 0 ? 'complete' : 'degraded';
    return `${state}: ${on.join(',')}${s.missing.length > 0 ? `; missing: ${s.missing.join('; ')}` : ''}`;
  }

  /**
   * The command that starts a worker running `node nodeArgs…` inside the sandbox, and its cgroups
   * (created here; the caller removes them when the worker is gone); undefined when the layer is
   * off. Throws if a cgroup cannot be made (the worker is then not started).
   */
  launch(nodeArgs: readonly string[], tenant: string | undefined): WorkerLaunch | undefined {
    if (this.status.mode === 'off' || !this.status.layers.no_new_privs) return undefined;
    const cgroups = this.cgroups?.forWorker(tenant);
    const c = this.config;
    const nproc = c.workerPidsMax * (2 * c.sandboxWorkers + c.maxTenantWorkers + 1);
    const words = [
      `rlimits=--nofile=${c.workerOpenFiles},--nproc=${nproc},--core=0,--fsize=${c.workerMaxFileMb * 1024 * 1024}`,
      `tmp=${TMP_SIZE}`,
      `setpriv=${this.tools.setpriv!}`,
      ...(cgroups?.procsFiles ?? []).map((f) => `cgroup=${f}`),
    ];
    if (this.tools.root) words.push(`uid=${c.osSandboxUid}`, `gid=${c.osSandboxGid}`);
    // Dropping the bounding set needs privilege: root, or root of unshare's user namespace (bwrap
    // runs setpriv on the host, and drops every capability itself).
    if (this.tools.root || (this.namespaces.length > 0 && this.status.backend !== 'bwrap')) words.push('caps=drop');
    if (this.view) words.push(...this.view.readOnly.map((p) => `ro=${p}`), ...this.view.masked.map((p) => `mask=${p}`));
    if (this.view && this.transpileCache) words.push(`cache=${this.transpileCache}:${sandboxCachePath(this.uidInside())}`);
    if (this.status.backend === 'bwrap') words.push(`bwrap=${this.tools.bwrap!}`, ...(this.seccompFile ? [`seccomp=${this.seccompFile}`] : []));
    else if (this.view) words.push(`mountpoint=${mountpoint()}`);
    const shell = ['/bin/sh', LAUNCHER, ...words, '--', process.execPath, ...nodeArgs];
    // bubblewrap makes the namespaces itself; without any, there are none to make.
    if (this.status.backend === 'bwrap' || this.namespaces.length === 0) return { execPath: '/bin/sh', execArgv: shell.slice(1), cgroups, launcher: this.status.backend === 'bwrap' };
    const flags = this.namespaces.map((n) => `--${n}`);
    if (!this.tools.root) flags.push('--map-root-user');
    // pid 1 of the new pid namespace is the worker; --kill-child takes it (and all it started)
    // down with unshare, the process the server holds.
    // setpriv gives unshare itself a parent-death signal: if the server is killed, unshare goes too,
    // and with it the worker (its own --pdeathsig), instead of living on holding the channel open.
    if (this.tools.setpriv) {
      return { execPath: this.tools.setpriv, execArgv: ['--pdeathsig=SIGKILL', '--', this.tools.unshare!, ...flags, '--fork', '--kill-child', '--', ...shell], cgroups, launcher: true };
    }
    return { execPath: this.tools.unshare!, execArgv: [...flags, '--fork', '--kill-child', '--', ...shell], cgroups, launcher: true };
  }

  /** The uid the worker has inside its namespaces (tsx names its cache folder after it). */
  private uidInside(): number {
    if (this.tools.root) return this.config.osSandboxUid;
    return this.status.backend === 'bwrap' ? (process.getuid?.() ?? 0) : 0; // unshare --map-root-user
  }

  /** Removes the server's cgroups and seccomp filter file (after its workers are gone). */
  close(): Promise<void> {
    if (this.seccompFile) fs.rmSync(this.seccompFile, { force: true });
    return this.cgroups?.close() ?? Promise.resolve();
  }
}

interface Tools {
  root: boolean;
  unshare: string | undefined;
  setpriv: string | undefined;
  prlimit: string | undefined;
  chroot: string | undefined;
  bwrap: string | undefined;
}

/**
 * Finds what this host allows and returns the sandbox to start workers in. With 'required', throws
 * INVALID_CONFIG (field osSandbox) naming every missing layer; with 'auto', logs them in one warning.
 */
export function prepareOsSandbox(config: Config, log: Logger, extraReadOnly: readonly string[] = []): OsSandbox {
  const layers: Record<string, boolean> = Object.fromEntries(OS_SANDBOX_LAYERS.map((l) => [l, false]));
  const tools = findTools();
  if (config.osSandbox === 'off') return new OsSandbox({ mode: 'off', layers, missing: [], cgroupVersion: undefined, backend: 'none' }, config, tools, undefined, undefined, []);
  const missing: string[] = [];
  const need = (tool: keyof Tools, pkg: string): boolean => {
    if (tools[tool]) return true;
    missing.push(`${tool} is not installed (Debian: ${pkg})`);
    return false;
  };
  const haveUnshare = process.platform === 'linux' && need('unshare', 'util-linux');
  const haveSetpriv = process.platform === 'linux' && need('setpriv', 'util-linux') && need('prlimit', 'util-linux') && need('chroot', 'coreutils');
  if (process.platform !== 'linux') missing.push(`${process.platform} has no Linux namespaces or cgroups`);

  const namespaces = haveUnshare ? NAMESPACES.filter((n) => probeNamespace(tools, n, missing)) : [];
  for (const n of namespaces) layers[`${n}_namespace`] = true;
  // A private root needs a mount namespace where we may mount: as root, or root of a user namespace.
  let view: RootView | undefined;
  if (haveSetpriv && namespaces.includes('mount')) {
    fs.mkdirSync(mountpoint(), { recursive: true, mode: 0o755 });
    view = rootView(config, [tools.setpriv!], extraReadOnly);
  } else if (haveSetpriv) {
    missing.push('no mount namespace: the worker sees the host file system (with the server\'s access if not root)');
  }
  if (haveSetpriv) {
    layers.rlimits = true;
    layers.no_new_privs = true;
    layers.unprivileged_user = tools.root || namespaces.length > 0;
    if (!layers.unprivileged_user) missing.push('not root and no user namespace: workers keep the server\'s uid');
  }
  const { cgroups, controllers, problems, swept } = process.platform === 'linux' ? Cgroups.open(config) : { cgroups: undefined, controllers: [], problems: [], swept: [] };
  if (swept.length > 0) log.info({ removed: swept }, `removed ${swept.length} cgroup folders left by sandbox servers that were killed`);
  for (const c of controllers) layers[`cgroup_${c}`] = true;
  missing.push(...problems);

  const backend = !haveSetpriv ? 'none' : tools.bwrap && namespaces.length === NAMESPACES.length && probeBwrap(config, tools, log) ? 'bwrap' : 'util-linux';
  const filter = backend === 'bwrap' ? seccompFilter() : undefined;
  let seccompFile: string | undefined;
  if (filter) {
    seccompFile = path.join(os.tmpdir(), `spearlet-seccomp-${process.pid}.bpf`);
    fs.writeFileSync(seccompFile, filter, { mode: 0o644 });
    layers.seccomp = true;
  } else {
    missing.push(
      backend === 'bwrap'
        ? `seccomp: the filter is built for x86_64 only, this is ${process.arch}`
        : 'seccomp: no maintained way to install a filter on this host (util-linux 2.38 setpriv has no --seccomp-filter; bubblewrap, whose --seccomp spearlet uses, is not installed or cannot run)',
    );
  }
  const status: OsSandboxStatus = { mode: config.osSandbox, layers, missing, cgroupVersion: cgroups?.version, backend };
  const sandbox = new OsSandbox(status, config, tools, view, cgroups, namespaces, seccompFile, view ? fillTranspileCache(log) : undefined);
  const essential = missing.filter((m) => !m.startsWith('seccomp'));
  if (config.osSandbox === 'required' && essential.length > 0) {
    void sandbox.close();
    throw new SpearletError(ErrorCodes.INVALID_CONFIG, `osSandbox: is 'required' (--os-sandbox=required), but this host cannot provide: ${essential.join('; ')}`, { field: 'osSandbox' });
  }
  if (missing.length > 0) log.warn({ osSandbox: sandbox.describe() }, `OS sandbox incomplete, sandbox workers start with less protection: ${missing.join('; ')}`);
  else log.info({ osSandbox: sandbox.describe() }, 'OS sandbox complete');
  return sandbox;
}

/** An empty folder the worker's tmpfs root is mounted on, inside its own mount namespace only. */
function mountpoint(): string {
  return path.join(os.tmpdir(), 'spearlet-os-sandbox');
}

function findTools(): Tools {
  const dirs = [...(process.env.PATH ?? '').split(':'), '/usr/local/sbin', '/usr/local/bin', '/usr/sbin', '/usr/bin', '/sbin', '/bin'].filter((d) => d !== '');
  const find = (name: string): string | undefined => dirs.map((d) => path.join(d, name)).find((p) => isExecutable(p));
  return { root: process.getuid?.() === 0, unshare: find('unshare'), setpriv: find('setpriv'), prlimit: find('prlimit'), chroot: find('chroot'), bwrap: find('bwrap') };
}

function isExecutable(p: string): boolean {
  try {
    fs.accessSync(p, fs.constants.X_OK);
    return fs.statSync(p).isFile();
  } catch {
    return false;
  }
}

/** Whether bubblewrap can make its namespaces as the user workers run as (a user namespace is needed). */
function probeBwrap(config: Config, tools: Tools, log: Logger): boolean {
  const user = tools.root ? [`--reuid=${config.osSandboxUid}`, `--regid=${config.osSandboxGid}`, '--clear-groups'] : [];
  try {
    execFileSync(tools.setpriv!, [...user, '--no-new-privs', '--', tools.bwrap!, '--unshare-all', '--ro-bind', '/', '/', '--', '/bin/true'], { stdio: ['ignore', 'ignore', 'pipe'], timeout: 5_000 });
    return true;
  } catch (err) {
    const stderr = String((err as { stderr?: Buffer }).stderr ?? '').trim();
    log.info(`bubblewrap is installed but cannot make its namespaces here (${stderr || (err as Error).message}); util-linux builds the OS sandbox instead`);
    return false;
  }
}

/** Whether this host lets the server make a namespace of this kind (a container may forbid it). */
function probeNamespace(tools: Tools, ns: string, missing: string[]): boolean {
  const args = [`--${ns}`, ...(tools.root ? [] : ['--map-root-user']), ...(ns === 'pid' ? ['--fork'] : []), '--', '/bin/true'];
  try {
    execFileSync(tools.unshare!, args, { stdio: ['ignore', 'ignore', 'pipe'], timeout: 5_000 });
    return true;
  } catch (err) {
    const stderr = String((err as { stderr?: Buffer }).stderr ?? '').trim();
    missing.push(`${ns} namespace: ${stderr || (err as Error).message}`);
    return false;
  }
}
