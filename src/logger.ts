/**
 * Structured logs: JSON lines (pino), one per execution and per lifecycle event; pretty-printed
 * when stdout is a terminal.
 */
import { pino } from 'pino';
import type { LogLevel } from './config.js';

export type Logger = pino.Logger;

export function createLogger(level: LogLevel, pretty = process.stdout.isTTY === true): Logger {
  if (pretty) {
    return pino({ level, base: { service: 'spearlet' } }, pino.transport({ target: 'pino-pretty', options: { colorize: true, translateTime: 'SYS:HH:MM:ss.l' } }));
  }
  return pino({ level, base: { service: 'spearlet' } });
}

/** A logger that drops everything (tests, the CLI's client commands). */
export function silentLogger(): Logger {
  return pino({ level: 'silent' });
}
