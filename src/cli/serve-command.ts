/**
 * `spearlet serve` as a subcommand: help text and usage errors around serve.ts.
 */
import { ErrorCodes, SpearletError } from '../errors.js';
import { type Command, UsageError } from './command.js';
import { envName } from './serve-options.js';

const HELP = `usage: spearlet serve [options]

Runs the gRPC server (spearlet.FunctionService, grpc.health.v1.Health, server reflection) until
SIGINT/SIGTERM, then drains running executions and closes the store. Every flag also reads an
environment variable (--data-dir → ${envName('data-dir')}); flags win.

options:
  --listen HOST:PORT                 gRPC address (default 127.0.0.1:50051; port 0 picks one)
  --data-dir DIR                     RocksDB directory (default ./data)
  --artifact-root DIR                where artifact paths may point (repeatable; default ./artifacts)
  --http-allow-host HOST             hosts http(s) artifact URLs may name (repeatable)
  --metrics-listen HOST:PORT         serve Prometheus metrics at http://HOST:PORT/metrics (off by default)
  --http-listen HOST:PORT            HTTP trigger: POST /v1/tasks/{name-or-id}/{function} calls a task
                                     (off by default; docs/http-trigger.md)
  --max-http-body-bytes N            HTTP trigger request body cap (default 1 MiB)
  --log-level LEVEL                  trace debug info warn error fatal silent (default info); logs are
                                     JSON lines, pretty-printed when stdout is a terminal
  --max-artifact-bytes N             artifact size cap (default 16 MiB)
  --default-timeout-ms N             execution timeout default (30000)
  --max-timeout-ms N                 execution timeout cap (300000)
  --default-memory-limit-mb N        instance memory default (128)
  --max-memory-limit-mb N            instance memory cap (1024)
  --max-concurrent-executions N      executions running at once (64)
  --max-queue-length N               waiting executions beyond that (256)
  --queue-timeout-ms N               how long one may wait (10000)
  --max-total-instances N            live instances across tasks (2000)
  --max-total-instance-memory-mb N   their measured heaps together (16384); least recently used
                                     idle instances are evicted to stay under both
  --recycle-after-executions N       an instance is replaced after this many calls (10000)
  --recycle-heap-mb N                or once its heap is over this after a call (96)
  --prewarm-isolates N               blank isolates kept ready (2)
  --instance-idle-ms N               idle instances are disposed after this (300000)
  --scheduling-policy P              warmest (default), least-loaded or round-robin
  --isolation MODE                   process (default: guest code runs in sandbox worker processes)
                                     or in-process
  --sandbox-workers N                shared sandbox worker processes (default: one per core)
  --worker-memory-limit-mb N         RSS over which a sandbox worker is drained and replaced (4096)
  --worker-nice N                    CPU niceness of sandbox workers, 0-19 (10): guest code yields to the server
  --max-tenant-workers N             tenants with a dedicated sandbox worker at once (16)
  --shutdown-grace-ms N              how long SIGTERM waits for running executions (10000)
  --sync-writes                      fsync every terminal record
  --tls-cert FILE --tls-key FILE     serve gRPC over TLS (PEM; reloaded on SIGHUP)
  --tls-client-ca FILE               require client certificates signed by this CA (mutual TLS)
  --metrics-tls                      serve metrics over HTTPS with the same certificate
  --auth-file FILE                   bearer tokens (SHA-256 digests), certificate identities and tenant
                                     quotas, JSON (reloaded on SIGHUP); see docs/security-network.md
  --insecure                         allow a non-loopback --listen without TLS and --auth-file (warns)
  --reflection                       serve gRPC reflection (default on; SPEARLET_REFLECTION=false closes it)
  --tenant-max-concurrent N          per-tenant quotas, 0 = none (default 0); the auth file may set
  --tenant-max-queued N              them per tenant
  --tenant-max-tasks N
  --tenant-max-artifact-bytes N
  --tenant-cpu-ms-per-minute N       guest CPU time a tenant may use per minute (token bucket)
  --execution-retention DURATION     finished executions are deleted after this (7d; 12h, 30m, 10s; 0 keeps them)
  --max-executions-per-task N        and beyond the newest N of each task (0: no count limit)
  --expiry-batch-size N              executions deleted per batch of an expiry pass (500)
  --expiry-interval-ms N             how often an expiry pass starts (60000)
  -h, --help                         this help`;

export const serveCommand: Command = {
  name: 'serve',
  summary: 'run the gRPC server (--listen, --data-dir, --metrics-listen, ...)',
  help: HELP,
  async run(argv) {
    try {
      // Loaded on demand: client commands never load the server, its runtimes or RocksDB.
      const { serve } = await import('./serve.js');
      return await serve(argv);
    } catch (err) {
      // A bad flag or environment value is a usage error (exit 2), like the client commands'.
      if (err instanceof SpearletError && err.code === ErrorCodes.INVALID_CONFIG) throw new UsageError(err.message);
      throw err;
    }
  },
};
