import { describe, expect, it } from 'vitest';
import { resolveConfig } from '../../../src/config.js';
import { isNonPublicAddress, namedExactly, parseHostPatterns, patternMatches, type Target } from '../../../src/capabilities/egress-policy.js';
import { taskHostPatterns } from '../../../src/capabilities/task-capabilities.js';

const fail = (i: number, problem: string): never => {
  throw new Error(`${i}: ${problem}`);
};
const target = (host: string, port: number, defaultPort = 443): Target => ({ host, port, defaultPort });

describe('egress patterns', () => {
  it('matches exact hosts on the default port unless a port is given', () => {
    const [p] = parseHostPatterns(['API.example.com'], fail);
    expect(patternMatches(p, target('api.example.com', 443))).toBe(true);
    expect(patternMatches(p, target('api.example.com', 8443))).toBe(false);
    const [q] = parseHostPatterns(['api.example.com:8443'], fail);
    expect(patternMatches(q, target('api.example.com', 8443))).toBe(true);
    const [any] = parseHostPatterns(['api.example.com:*'], fail);
    expect(patternMatches(any, target('api.example.com', 1))).toBe(true);
  });

  it('matches subdomains for *.domain, not the domain itself nor look-alikes', () => {
    const [p] = parseHostPatterns(['*.example.com'], fail);
    expect(patternMatches(p, target('a.b.example.com', 443))).toBe(true);
    expect(patternMatches(p, target('example.com', 443))).toBe(false);
    expect(patternMatches(p, target('evilexample.com', 443))).toBe(false);
  });

  it('parses IPv6 with brackets and refuses malformed entries', () => {
    const [p] = parseHostPatterns(['[::1]:8080'], fail);
    expect(p).toMatchObject({ kind: 'exact', host: '::1', port: 8080 });
    expect(() => parseHostPatterns(['ok.test', 'bad host'], fail)).toThrow(/^1: 'bad host' is not a valid host name/);
    expect(() => parseHostPatterns(['x.test:99999'], fail)).toThrow(/port must be 1-65535/);
  });

  it('lets only an exact server entry reach private addresses', () => {
    const server = parseHostPatterns(['internal.corp:8080', '*.corp:8080', '*'], fail);
    expect(namedExactly(server, target('internal.corp', 8080))).toBe(true);
    expect(namedExactly(server, target('other.corp', 8080))).toBe(false);
  });

  it('validates the config list and a task list, naming the field', () => {
    expect(() => resolveConfig({ egressAllow: ['good.test', '::bad::x:'] })).toThrow(/egressAllow\[1\]/);
    expect(() => taskHostPatterns({ allowed_hosts: 'a.test,,b.test:70000' })).toThrow(/artifact_spec\.metadata\.allowed_hosts: entry 2: port must be 1-65535/);
  });
});

describe('non-public addresses', () => {
  it.each(['127.0.0.1', '10.1.2.3', '172.16.0.1', '172.31.255.255', '192.168.1.1', '169.254.169.254', '100.100.100.200', '0.0.0.0', '::1', '::', 'fd00:ec2::254', 'fe80::1', '::ffff:127.0.0.1', '::ffff:7f00:1', '64:ff9b::a9fe:a9fe', 'not-an-ip'])('refuses %s', (ip) => {
    expect(isNonPublicAddress(ip)).toBe(true);
  });
  it.each(['93.184.216.34', '172.32.0.1', '8.8.8.8', '2606:4700:4700::1111', '::ffff:8.8.8.8'])('allows %s', (ip) => {
    expect(isNonPublicAddress(ip)).toBe(false);
  });
});
