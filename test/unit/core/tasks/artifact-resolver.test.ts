import { createHash } from 'node:crypto';
import * as fs from 'node:fs/promises';
import * as os from 'node:os';
import * as path from 'node:path';
import { pathToFileURL } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { resolveArtifact } from '../../../../src/core/tasks/artifact-resolver.js';
import { resolveConfig, type ConfigInput } from '../../../../src/config.js';
import { ErrorCodes, SpearletError, type ErrorCode } from '../../../../src/errors.js';
import type { ArtifactSpec__Output } from '../../../../src/generated/spearlet/ArtifactSpec.js';

const SOURCE = 'export default () => 42;\n';
const SOURCE_SHA = createHash('sha256').update(SOURCE).digest('hex');

let tmp: string;
let root: string;
let root2: string;
let outside: string;

beforeAll(async () => {
  tmp = await fs.mkdtemp(path.join(os.tmpdir(), 'spearlet-artifacts-'));
  root = path.join(tmp, 'root');
  root2 = path.join(tmp, 'root2');
  outside = path.join(tmp, 'outside');
  await fs.mkdir(path.join(root, 'sub'), { recursive: true });
  await fs.mkdir(root2);
  await fs.mkdir(outside);
  await fs.writeFile(path.join(root, 'fn.js'), SOURCE);
  await fs.writeFile(path.join(root, 'sub', 'nested.js'), SOURCE);
  await fs.writeFile(path.join(root, 'big.bin'), Buffer.alloc(17));
  await fs.writeFile(path.join(root2, 'only-in-root2.js'), 'second');
  await fs.writeFile(path.join(outside, 'secret.js'), 'secret');
  await fs.symlink(path.join(outside, 'secret.js'), path.join(root, 'escape.js'));
  await fs.symlink(outside, path.join(root, 'escape-dir'));
  await fs.symlink(path.join(root, 'fn.js'), path.join(root, 'inside-link.js'));
  await fs.symlink(root, path.join(tmp, 'root-link'));
});

afterAll(async () => {
  await fs.rm(tmp, { recursive: true, force: true });
});

function config(input: ConfigInput = {}) {
  return resolveConfig({ artifactRoots: [root, root2], maxArtifactBytes: 16 * 1024, ...input });
}

function spec(location: string, checksum = ''): ArtifactSpec__Output {
  return { artifactId: '', artifactType: 'js', location, version: '', checksum, metadata: {} };
}

async function rejection(promise: Promise<unknown>, code: ErrorCode, field = 'artifact_spec.location'): Promise<SpearletError> {
  const err = await promise.then(
    () => {
      throw new Error('expected a rejection');
    },
    (e: unknown) => e,
  );
  expect(err).toBeInstanceOf(SpearletError);
  const coded = err as SpearletError;
  expect({ code: coded.code, field: coded.field }).toEqual({ code, field });
  expect(coded.message.startsWith(`${field}: `)).toBe(true);
  return coded;
}

const text = (bytes: Uint8Array) => Buffer.from(bytes).toString('utf8');

describe('location', () => {
  it('is required', async () => {
    const err = await rejection(resolveArtifact(spec(''), config()), ErrorCodes.INVALID_ARGUMENT);
    expect(err.message).toBe('artifact_spec.location: is required');
    await rejection(resolveArtifact(spec('  '), config()), ErrorCodes.INVALID_ARGUMENT);
  });

  it('refuses unknown schemes, listing the supported forms', async () => {
    const err = await rejection(resolveArtifact(spec('ftp://example.com/fn.js'), config()), ErrorCodes.INVALID_ARGUMENT);
    expect(err.message).toContain("unsupported scheme 'ftp:'");
    expect(err.message).toContain('data: URI');
    expect(err.message).toContain('file://');
    expect(err.message).toContain('http(s)://');
  });
});

describe('data: URIs', () => {
  it('decodes base64', async () => {
    const uri = `data:text/javascript;base64,${Buffer.from(SOURCE).toString('base64')}`;
    const { bytes, digest } = await resolveArtifact(spec(uri), config());
    expect(text(bytes)).toBe(SOURCE);
    expect(digest).toBe(SOURCE_SHA);
  });

  it('decodes base64 without padding and with whitespace', async () => {
    const { bytes } = await resolveArtifact(spec('data:;base64,aGk\n'), config());
    expect(text(bytes)).toBe('hi');
  });

  it('percent-decodes plain data, UTF-8 included', async () => {
    const { bytes } = await resolveArtifact(spec('data:,export%20default%20()%20%3D%3E%20%22%C3%BC%22;ü'), config());
    expect(text(bytes)).toBe('export default () => "ü";ü');
    const empty = await resolveArtifact(spec('data:,'), config());
    expect(empty.bytes.length).toBe(0);
  });

  it.each([
    ['no comma', 'data:text/plain;base64'],
    ['bad base64', 'data:;base64,a*b='],
    ['base64 of impossible length', 'data:;base64,abcde'],
    ['bad percent escape', 'data:,100%'],
    ['non-hex percent escape', 'data:,%zz'],
  ])('refuses %s', async (_label, uri) => {
    const err = await rejection(resolveArtifact(spec(uri), config()), ErrorCodes.INVALID_ARGUMENT);
    expect(err.message).toContain('malformed data: URI');
  });

  it('enforces the size cap', async () => {
    const uri = `data:;base64,${Buffer.alloc(17).toString('base64')}`;
    const err = await rejection(resolveArtifact(spec(uri), config({ maxArtifactBytes: 16 })), ErrorCodes.ARTIFACT_TOO_LARGE);
    expect(err.message).toBe('artifact_spec.location: artifact is 17 bytes, over the limit of 16 bytes');
    await expect(resolveArtifact(spec(`data:,${'x'.repeat(16)}`), config({ maxArtifactBytes: 16 }))).resolves.toBeTruthy();
  });
});

describe('files inside the artifact roots', () => {
  it('reads a relative path against the roots, in order', async () => {
    const { bytes, digest } = await resolveArtifact(spec('fn.js'), config());
    expect(text(bytes)).toBe(SOURCE);
    expect(digest).toBe(SOURCE_SHA);
    expect(text((await resolveArtifact(spec('./sub/nested.js'), config())).bytes)).toBe(SOURCE);
    expect(text((await resolveArtifact(spec('only-in-root2.js'), config())).bytes)).toBe('second');
  });

  it('reads an absolute path and a file:// URL', async () => {
    expect(text((await resolveArtifact(spec(path.join(root, 'fn.js')), config())).bytes)).toBe(SOURCE);
    expect(text((await resolveArtifact(spec(pathToFileURL(path.join(root, 'sub', 'nested.js')).href), config())).bytes)).toBe(SOURCE);
  });

  it('follows symlinks that stay inside, and roots behind a symlink', async () => {
    expect(text((await resolveArtifact(spec('inside-link.js'), config())).bytes)).toBe(SOURCE);
    const viaLink = config({ artifactRoots: [path.join(tmp, 'root-link')] });
    expect(text((await resolveArtifact(spec('fn.js'), viaLink)).bytes)).toBe(SOURCE);
    expect(text((await resolveArtifact(spec(path.join(root, 'fn.js')), viaLink)).bytes)).toBe(SOURCE);
  });

  it("refuses '..' escapes", async () => {
    const err = await rejection(resolveArtifact(spec('../outside/secret.js'), config()), ErrorCodes.ARTIFACT_FORBIDDEN);
    expect(err.message).toBe(
      `artifact_spec.location: ${path.join(outside, 'secret.js')} is outside the artifact roots (${root}, ${root2})`,
    );
    await rejection(resolveArtifact(spec('sub/../../outside/secret.js'), config()), ErrorCodes.ARTIFACT_FORBIDDEN);
    // Also when the target does not exist: the answer must not reveal what exists outside.
    await rejection(resolveArtifact(spec('../outside/nothing.js'), config()), ErrorCodes.ARTIFACT_FORBIDDEN);
  });

  it('refuses absolute paths and file:// URLs outside the roots', async () => {
    await rejection(resolveArtifact(spec(path.join(outside, 'secret.js')), config()), ErrorCodes.ARTIFACT_FORBIDDEN);
    await rejection(resolveArtifact(spec(pathToFileURL(path.join(outside, 'secret.js')).href), config()), ErrorCodes.ARTIFACT_FORBIDDEN);
    await rejection(resolveArtifact(spec('/etc/passwd'), config()), ErrorCodes.ARTIFACT_FORBIDDEN);
    // A sibling directory whose name starts with the root's is not inside it.
    await rejection(resolveArtifact(spec(path.join(tmp, 'root2', '..', 'root-x', 'f.js')), config({ artifactRoots: [root] })), ErrorCodes.ARTIFACT_FORBIDDEN);
  });

  it('refuses symlinks pointing outside', async () => {
    const err = await rejection(resolveArtifact(spec('escape.js'), config()), ErrorCodes.ARTIFACT_FORBIDDEN);
    expect(err.message).toContain(`resolves to ${path.join(outside, 'secret.js')}`);
    expect(err.message).toContain('is outside the artifact roots');
    await rejection(resolveArtifact(spec('escape-dir/secret.js'), config()), ErrorCodes.ARTIFACT_FORBIDDEN);
  });

  it('a missing file is ARTIFACT_UNREADABLE naming the paths tried', async () => {
    const err = await rejection(resolveArtifact(spec('missing.js'), config()), ErrorCodes.ARTIFACT_UNREADABLE);
    expect(err.message).toBe(`artifact_spec.location: no such file: ${path.join(root, 'missing.js')}, ${path.join(root2, 'missing.js')}`);
    await rejection(resolveArtifact(spec('fn.js/child'), config()), ErrorCodes.ARTIFACT_UNREADABLE);
  });

  it('refuses directories', async () => {
    const err = await rejection(resolveArtifact(spec('sub'), config()), ErrorCodes.ARTIFACT_UNREADABLE);
    expect(err.message).toBe(`artifact_spec.location: ${path.join(root, 'sub')} is a directory, not a file`);
    await rejection(resolveArtifact(spec('.'), config()), ErrorCodes.ARTIFACT_UNREADABLE);
  });

  it('enforces the size cap', async () => {
    const err = await rejection(resolveArtifact(spec('big.bin'), config({ maxArtifactBytes: 16 })), ErrorCodes.ARTIFACT_TOO_LARGE);
    expect(err.message).toBe('artifact_spec.location: artifact is 17 bytes, over the limit of 16 bytes');
    expect((await resolveArtifact(spec('big.bin'), config({ maxArtifactBytes: 17 }))).bytes.length).toBe(17);
  });

  it('refuses malformed file:// URLs and NUL characters', async () => {
    await rejection(resolveArtifact(spec('file://remote-host/fn.js'), config()), ErrorCodes.INVALID_ARGUMENT);
    await rejection(resolveArtifact(spec('fn.js\0'), config()), ErrorCodes.INVALID_ARGUMENT);
  });
});

type FetchCall = { url: string; init: RequestInit | undefined };

function fakeFetch(respond: (url: URL) => Response | Promise<Response>) {
  const calls: FetchCall[] = [];
  const impl = (async (input: string | URL | Request, init?: RequestInit) => {
    const url = new URL(input instanceof Request ? input.url : input.toString());
    calls.push({ url: url.href, init });
    return respond(url);
  }) as typeof fetch;
  return { impl, calls };
}

describe('http(s)', () => {
  const allowed = () => config({ httpAllowHosts: ['Artifacts.Example.com', '[::1]'] });

  it('refuses hosts that are not allow-listed, without fetching', async () => {
    const { impl, calls } = fakeFetch(() => new Response(SOURCE));
    const err = await rejection(resolveArtifact(spec('https://evil.example.net/fn.js'), allowed(), impl), ErrorCodes.ARTIFACT_FORBIDDEN);
    expect(err.message).toContain("host 'evil.example.net'");
    const none = await rejection(resolveArtifact(spec('http://artifacts.example.com/fn.js'), config(), impl), ErrorCodes.ARTIFACT_FORBIDDEN);
    expect(none.message).toContain('no hosts are allowed');
    expect(calls).toHaveLength(0);
  });

  it('fetches from an allowed host (case-insensitive, any port) with a timeout signal', async () => {
    const { impl, calls } = fakeFetch(() => new Response(SOURCE, { status: 200 }));
    const { bytes, digest } = await resolveArtifact(spec('HTTPS://ARTIFACTS.example.com:8443/fn.js', SOURCE_SHA), allowed(), impl);
    expect(text(bytes)).toBe(SOURCE);
    expect(digest).toBe(SOURCE_SHA);
    expect(calls).toHaveLength(1);
    expect(calls[0].init?.signal).toBeInstanceOf(AbortSignal);
    expect(calls[0].init?.redirect).toBe('manual');
    await expect(resolveArtifact(spec('http://[::1]:8080/fn.js'), allowed(), impl)).resolves.toBeTruthy();
  });

  it('HTTP errors are ARTIFACT_UNREADABLE', async () => {
    const { impl } = fakeFetch(() => new Response('nope', { status: 404, statusText: 'Not Found' }));
    const err = await rejection(resolveArtifact(spec('https://artifacts.example.com/fn.js?token=s3cret'), allowed(), impl), ErrorCodes.ARTIFACT_UNREADABLE);
    expect(err.message).toContain('HTTP 404 Not Found');
    expect(err.message).not.toContain('s3cret');
  });

  it('network failures and timeouts are ARTIFACT_UNREADABLE', async () => {
    const failing = fakeFetch(() => Promise.reject(new TypeError('fetch failed', { cause: new Error('connect ECONNREFUSED') })));
    const err = await rejection(resolveArtifact(spec('https://artifacts.example.com/fn.js'), allowed(), failing.impl), ErrorCodes.ARTIFACT_UNREADABLE);
    expect(err.message).toContain('ECONNREFUSED');
    const hanging = fakeFetch(() => new Promise<Response>(() => {}));
    const slow = await rejection(
      resolveArtifact(spec('https://artifacts.example.com/fn.js'), allowed(), hanging.impl, { httpTimeoutMs: 50 }),
      ErrorCodes.ARTIFACT_UNREADABLE,
    );
    expect(slow.message).toContain('timed out after 50 ms');
    // A body that stalls is cut off by the same deadline.
    const stalling = fakeFetch(() => new Response(new ReadableStream({ pull: () => new Promise(() => {}) })));
    await rejection(
      resolveArtifact(spec('https://artifacts.example.com/fn.js'), allowed(), stalling.impl, { httpTimeoutMs: 50 }),
      ErrorCodes.ARTIFACT_UNREADABLE,
    );
  });

  it('enforces the size cap while streaming, without buffering the rest', async () => {
    let pulls = 0;
    const { impl } = fakeFetch(
      () =>
        new Response(
          new ReadableStream<Uint8Array>({
            pull(controller) {
              pulls++;
              controller.enqueue(new Uint8Array(8));
              if (pulls === 10_000) controller.close();
            },
          }),
        ),
    );
    const err = await rejection(resolveArtifact(spec('https://artifacts.example.com/big'), config({ httpAllowHosts: ['artifacts.example.com'], maxArtifactBytes: 20 }), impl), ErrorCodes.ARTIFACT_TOO_LARGE);
    expect(err.message).toBe('artifact_spec.location: artifact is at least 24 bytes, over the limit of 20 bytes');
    expect(pulls).toBeLessThan(10);
  });

  it('refuses a declared Content-Length over the cap before reading', async () => {
    const { impl } = fakeFetch(() => new Response('x'.repeat(30), { headers: { 'content-length': '30' } }));
    const err = await rejection(resolveArtifact(spec('https://artifacts.example.com/big'), config({ httpAllowHosts: ['artifacts.example.com'], maxArtifactBytes: 20 }), impl), ErrorCodes.ARTIFACT_TOO_LARGE);
    expect(err.message).toBe('artifact_spec.location: artifact is 30 bytes, over the limit of 20 bytes');
  });

  it('follows redirects only to allowed hosts', async () => {
    const { impl, calls } = fakeFetch((url) => {
      if (url.pathname === '/old') return new Response(null, { status: 302, headers: { location: '/new' } });
      if (url.pathname === '/new') return new Response(SOURCE);
      return new Response(null, { status: 301, headers: { location: 'https://evil.example.net/x' } });
    });
    expect(text((await resolveArtifact(spec('https://artifacts.example.com/old'), allowed(), impl)).bytes)).toBe(SOURCE);
    expect(calls.map((c) => c.url)).toEqual(['https://artifacts.example.com/old', 'https://artifacts.example.com/new']);
    const err = await rejection(resolveArtifact(spec('https://artifacts.example.com/elsewhere'), allowed(), impl), ErrorCodes.ARTIFACT_FORBIDDEN);
    expect(err.message).toContain("host 'evil.example.net'");
  });
});

describe('checksum', () => {
  it('accepts sha256:<hex> and bare hex, in any case', async () => {
    for (const checksum of [`sha256:${SOURCE_SHA}`, SOURCE_SHA, `SHA256:${SOURCE_SHA.toUpperCase()}`, ` ${SOURCE_SHA} `]) {
      const { digest } = await resolveArtifact(spec('fn.js', checksum), config());
      expect(digest).toBe(SOURCE_SHA);
    }
  });

  it('a mismatch is CHECKSUM_MISMATCH with both digests', async () => {
    const wrong = 'ab'.repeat(32);
    const err = await rejection(resolveArtifact(spec('fn.js', `sha256:${wrong}`), config()), ErrorCodes.CHECKSUM_MISMATCH, 'artifact_spec.checksum');
    expect(err.message).toBe(`artifact_spec.checksum: expected sha256:${wrong}, artifact has sha256:${SOURCE_SHA}`);
  });

  it.each([
    ['md5:d41d8cd98f00b204e9800998ecf8427e', "unsupported algorithm 'md5'"],
    ['sha256:xyz', 'must be sha256:<64 hex digits> or 64 hex digits'],
    ['abc', 'must be sha256:<64 hex digits> or 64 hex digits'],
    [`sha256:${SOURCE_SHA}0`, 'must be sha256:<64 hex digits> or 64 hex digits'],
  ])('refuses malformed %s before reading anything', async (checksum, detail) => {
    const err = await rejection(resolveArtifact(spec('missing.js', checksum), config()), ErrorCodes.INVALID_ARGUMENT, 'artifact_spec.checksum');
    expect(err.message).toContain(detail);
  });
});
