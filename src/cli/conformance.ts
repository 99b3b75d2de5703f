/**
 * `spearlet conformance`: runs the fixture manifest against a server and reports per case.
 */
import * as path from 'node:path';
import { fileURLToPath } from 'node:url';
import { ManifestError, loadManifest } from '../conformance/manifest.js';
import { caseLine, jsonReport, summaryLine } from '../conformance/report.js';
import { runConformance } from '../conformance/runner.js';
import { status } from '@grpc/grpc-js';
import { COMMON_HELP, COMMON_OPTIONS, type Command, Exit, type Io, UsageError, clientSecurity, paintFor, parseFlags, targetOf, withClient } from './command.js';
import { toJson } from './output.js';
import { startProgress } from './progress.js';

const FIXTURES = fileURLToPath(new URL('../../fixtures/', import.meta.url));

const OPTIONS = { ...COMMON_OPTIONS, filter: { type: 'string' }, manifest: { type: 'string' }, fixtures: { type: 'string' }, list: { type: 'boolean' } } as const;

const HELP = `usage: spearlet conformance [--target HOST:PORT] [--filter REGEX] [--json]

Runs the conformance manifest over gRPC against a running server (this one or any other
implementation of the FunctionService contract): one line per case, then 'N passed, M failed'.
Artifacts are sent inline (data: URIs), so the server may be on another machine.

options:
  --filter REGEX    only cases whose name matches
  --manifest PATH   a manifest file or folder (default fixtures/manifest)
  --fixtures DIR    where fixture paths are resolved (default fixtures/)
  --list            print the case names and exit
${COMMON_HELP}

exit status: 0 every case passed, 1 a case failed, 2 usage or manifest error.`;

/** Fails fast (exit 1) when nothing answers at the target, rather than failing every case. */
async function reachable(v: Parameters<typeof withClient>[0], io: Io): Promise<void> {
  await withClient(v, io, (client) =>
    client.getHealth({}, { deadlineMs: 10_000 }).catch((err: { code?: number }) => {
      if (err.code === status.UNAVAILABLE || err.code === status.DEADLINE_EXCEEDED) throw err;
    }),
  );
}

export const conformanceCommand: Command = {
  name: 'conformance',
  summary: 'run the conformance suite against a server (--filter, --json)',
  help: HELP,
  async run(argv, io) {
    const { values: v } = parseFlags(argv, OPTIONS, { min: 0, max: 0, names: '' });
    const target = targetOf(v, io.env);
    let filter: RegExp | undefined;
    try {
      filter = v.filter === undefined ? undefined : new RegExp(v.filter);
    } catch (err) {
      throw new UsageError(`--filter: ${(err as Error).message}`);
    }
    const fixturesDir = path.resolve(v.fixtures ?? FIXTURES);
    let cases;
    try {
      cases = await loadManifest(path.resolve(v.manifest ?? path.join(fixturesDir, 'manifest')));
    } catch (err) {
      if (err instanceof ManifestError) throw new UsageError(err.message);
      throw err;
    }
    cases = cases.filter((c) => !filter || filter.test(c.name));
    if (v.list) {
      io.stdout.write(v.json ? toJson(cases.map((c) => c.name)) : cases.map((c) => `${c.name}\n`).join(''));
      return Exit.OK;
    }
    if (cases.length === 0) throw new UsageError(`no case matches --filter ${v.filter}`);
    await reachable(v, io);
    const p = paintFor(io);
    const progress = startProgress('', io.stderr);
    const results = await runConformance(cases, {
      target,
      security: clientSecurity(v, io.env),
      fixturesDir,
      onStart: (c) => progress.update(c.name),
      onResult: (r) => {
        if (!v.json) progress.print(caseLine(r, p), io.stdout);
      },
    }).finally(() => progress.stop());
    if (v.json) io.stdout.write(toJson(jsonReport(target, results)));
    else io.stdout.write(`${summaryLine(results)}\n`);
    return results.every((r) => r.passed) ? Exit.OK : Exit.ERROR;
  },
};
