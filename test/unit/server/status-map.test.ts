import { status } from '@grpc/grpc-js';
import * as fs from 'node:fs';
import { describe, expect, it } from 'vitest';
import { ErrorCodes, SpearletError, invalidArgument } from '../../../src/errors.js';
import { STATUS_BY_CODE, grpcStatusOf, toServiceError } from '../../../src/server/status-map.js';

describe('status map', () => {
  it('maps every error code', () => {
    for (const code of Object.values(ErrorCodes)) expect(STATUS_BY_CODE[code], code).toBeTypeOf('number');
  });

  it('documents every error code in the README or docs/', () => {
    const docs = new URL('../../../docs/', import.meta.url);
    const pages = fs.existsSync(docs) ? fs.readdirSync(docs).filter((f) => f.endsWith('.md')).map((f) => fs.readFileSync(new URL(f, docs), 'utf8')) : [];
    const readme = [fs.readFileSync(new URL('../../../README.md', import.meta.url), 'utf8'), ...pages].join('\n');
    for (const code of Object.values(ErrorCodes)) expect(readme, code).toContain(`\`${code}\``);
  });

  it('follows the contract for the codes it names', () => {
    expect(grpcStatusOf(invalidArgument('x', 'bad'))).toBe(status.INVALID_ARGUMENT);
    expect(grpcStatusOf(new SpearletError(ErrorCodes.TASK_NOT_FOUND, 'x'))).toBe(status.NOT_FOUND);
    expect(grpcStatusOf(new SpearletError(ErrorCodes.ARTIFACT_FORBIDDEN, 'x'))).toBe(status.PERMISSION_DENIED);
    expect(grpcStatusOf(new SpearletError(ErrorCodes.CAPACITY_EXHAUSTED, 'x'))).toBe(status.RESOURCE_EXHAUSTED);
    expect(grpcStatusOf(new SpearletError(ErrorCodes.TASK_BUSY, 'x'))).toBe(status.FAILED_PRECONDITION);
    expect(grpcStatusOf(new SpearletError(ErrorCodes.STORE_UNAVAILABLE, 'x'))).toBe(status.UNAVAILABLE);
  });

  it('turns unknown errors into INTERNAL and carries the code and field in trailers', () => {
    expect(grpcStatusOf(new Error('bug'))).toBe(status.INTERNAL);
    const e = toServiceError(invalidArgument('task_name', 'is required'));
    expect(e.details).toBe('task_name: is required');
    expect(e.metadata?.get('spearlet-error-code')).toEqual(['INVALID_ARGUMENT']);
    expect(e.metadata?.get('spearlet-field')).toEqual(['task_name']);
  });
});
