/**
 * The table of subcommands. Each command's module is imported only when that command runs (or its
 * --help is asked for), so `spearlet --help`, `--version` and a mistyped command load nothing but
 * this table: no gRPC, no proto, no server.
 */
import type { Command } from './command.js';

export interface CommandEntry {
  name: string;
  /** One line for `spearlet --help`. */
  summary: string;
  load(): Promise<Command>;
}

export const COMMANDS: readonly CommandEntry[] = [
  { name: 'serve', summary: 'run the gRPC server (--listen, --data-dir, --http-listen, --metrics-listen, ...)', load: async () => (await import('./serve-command.js')).serveCommand },
  { name: 'deploy', summary: 'register a file as a task without running it (--memory, --timeout, ...)', load: async () => (await import('./deploy.js')).deployCommand },
  { name: 'invoke', summary: 'call a function of a task (by name or id) or of a local file (--async, --stream)', load: async () => (await import('./invoke.js')).invokeCommand },
  { name: 'logs', summary: "an execution's log lines (--follow tails a running one)", load: async () => (await import('./logs.js')).logsCommand },
  { name: 'tasks', summary: 'list tasks with their versions (--prefix, --limit, --all)', load: async () => (await import('./tasks.js')).tasksCommand },
  { name: 'task', summary: 'show one task and its recent executions', load: async () => (await import('./task.js')).taskCommand },
  { name: 'delete', summary: 'delete a task (--force, --cleanup)', load: async () => (await import('./delete.js')).deleteCommand },
  { name: 'executions', summary: 'list executions (--task, --status, --limit)', load: async () => (await import('./executions.js')).executionsCommand },
  { name: 'status', summary: 'show an execution (--logs)', load: async () => (await import('./status.js')).statusCommand },
  { name: 'cancel', summary: 'cancel a running execution (--reason)', load: async () => (await import('./cancel.js')).cancelCommand },
  { name: 'secret', summary: "set, delete and list the server's secrets (admin; the value from stdin)", load: async () => (await import('./secret.js')).secretCommand },
  { name: 'health', summary: 'server health and live figures', load: async () => (await import('./health.js')).healthCommand },
  { name: 'stats', summary: 'service, task and execution statistics (--hours)', load: async () => (await import('./stats.js')).statsCommand },
  { name: 'conformance', summary: 'run the conformance suite against a server (--filter, --json)', load: async () => (await import('./conformance.js')).conformanceCommand },
];
