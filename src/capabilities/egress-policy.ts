/**
 * Egress policy: which `scheme://host:port` a guest's fetch may reach, and which resolved
 * addresses it may connect to.
 *
 * A request goes out only when the task's list (ArtifactSpec.metadata `allowed_hosts`) and the
 * server's list (`--egress-allow`) both match it. Patterns are `host`, `host:port`, `host:*`,
 * `*.example.com` (subdomains, not example.com itself) and `*` (any host; server list only makes
 * sense with it). A pattern without a port matches the scheme's default port (80, 443) only.
 *
 * After DNS, every address is checked again: loopback, private, link-local, carrier-grade NAT,
 * multicast and reserved ranges (cloud metadata endpoints live there) are refused unless the
 * server's list names the host exactly (no wildcard), as an operator does to reach an internal API.
 */
import { BlockList, isIP } from 'node:net';

export interface HostPattern {
  readonly raw: string;
  readonly kind: 'any' | 'subdomain' | 'exact';
  /** Lower case; IPv6 without brackets; for `subdomain` the parent domain. */
  readonly host: string;
  /** undefined: the scheme's default port; '*': any port. */
  readonly port: number | '*' | undefined;
}

/** Longest pattern or host accepted. */
const MAX_PATTERN_LENGTH = 260;
const HOST_LABELS = /^(?=.{1,253}$)([a-z0-9_]([a-z0-9_-]{0,61}[a-z0-9_])?)(\.[a-z0-9_]([a-z0-9_-]{0,61}[a-z0-9_])?)*$/;

function parsePattern(raw: string): HostPattern | string {
  const text = raw.trim().toLowerCase();
  if (text === '' || text.length > MAX_PATTERN_LENGTH) return `must be host[:port], 1-${MAX_PATTERN_LENGTH} characters`;
  let host = text;
  let port: number | '*' | undefined;
  const bracketed = /^\[([^\]]+)\](?::(\d+|\*))?$/.exec(text);
  if (bracketed) {
    host = bracketed[1];
    if (bracketed[2] !== undefined) port = bracketed[2] === '*' ? '*' : Number(bracketed[2]);
  } else if (isIP(text) !== 6) {
    const colon = text.lastIndexOf(':');
    if (colon !== -1) {
      host = text.slice(0, colon);
      const p = text.slice(colon + 1);
      if (p === '*') port = '*';
      else if (/^\d+$/.test(p)) port = Number(p);
      else return `port must be a number or *, got '${p}'`;
    }
  }
  if (typeof port === 'number' && (port < 1 || port > 65535)) return `port must be 1-65535, got ${port}`;
  if (host === '*') return { raw, kind: 'any', host: '', port };
  if (host.startsWith('*.')) {
    const parent = host.slice(2);
    if (!HOST_LABELS.test(parent)) return `'${raw}' is not a valid *.domain pattern`;
    return { raw, kind: 'subdomain', host: parent, port };
  }
  if (isIP(host) === 0 && !HOST_LABELS.test(host)) return `'${raw}' is not a valid host name or IP address`;
  return { raw, kind: 'exact', host, port };
}

/** Parses a list of patterns; `fail(index, problem)` is called for the first bad one. */
export function parseHostPatterns(list: readonly string[], fail: (index: number, problem: string) => never): HostPattern[] {
  return list.map((raw, i) => {
    const p = parsePattern(raw);
    return typeof p === 'string' ? fail(i, p) : p;
  });
}

/** A request's target as the policy sees it. */
export interface Target {
  /** Lower case; IPv6 without brackets. */
  host: string;
  port: number;
  defaultPort: number;
}

export function patternMatches(p: HostPattern, t: Target): boolean {
  const portOk = p.port === '*' || (p.port === undefined ? t.port === t.defaultPort : p.port === t.port);
  if (!portOk) return false;
  if (p.kind === 'any') return true;
  if (p.kind === 'subdomain') return t.host.endsWith('.' + p.host);
  return t.host === p.host;
}

/** The server list names this host exactly: its private addresses may be reached. */
export function namedExactly(server: readonly HostPattern[], t: Target): boolean {
  return server.some((p) => p.kind === 'exact' && patternMatches(p, t));
}

const V4_BLOCKED: Array<[string, number]> = [
  ['0.0.0.0', 8], // "this network"
  ['10.0.0.0', 8],
  ['100.64.0.0', 10], // carrier-grade NAT (also Alibaba's metadata 100.100.100.200)
  ['127.0.0.0', 8],
  ['169.254.0.0', 16], // link-local, cloud metadata 169.254.169.254
  ['172.16.0.0', 12],
  ['192.0.0.0', 24],
  ['192.0.2.0', 24],
  ['192.168.0.0', 16],
  ['198.18.0.0', 15],
  ['198.51.100.0', 24],
  ['203.0.113.0', 24],
  ['224.0.0.0', 4], // multicast
  ['240.0.0.0', 4], // reserved, broadcast
];
const V6_BLOCKED: Array<[string, number]> = [
  ['::', 128],
  ['::1', 128],
  ['64:ff9b:1::', 48],
  ['100::', 64],
  ['2001:db8::', 32],
  ['fc00::', 7], // unique local, AWS metadata fd00:ec2::254
  ['fe80::', 10], // link-local
  ['ff00::', 8], // multicast
];

const blocked = new BlockList();
for (const [net, bits] of V4_BLOCKED) blocked.addSubnet(net, bits, 'ipv4');
for (const [net, bits] of V6_BLOCKED) blocked.addSubnet(net, bits, 'ipv6');

/** IPv4 embedded in an IPv4-mapped (::ffff:a.b.c.d) or NAT64 (64:ff9b::a.b.c.d) IPv6 address. */
function embeddedV4(ip: string): string | undefined {
  const m = /^(?:::ffff:|64:ff9b::)(?:0:)?(\d+\.\d+\.\d+\.\d+)$/i.exec(ip);
  if (m) return m[1];
  const hex = /^(?:::ffff:|64:ff9b::)([0-9a-f]{1,4}):([0-9a-f]{1,4})$/i.exec(ip);
  if (!hex) return undefined;
  const hi = parseInt(hex[1], 16);
  const lo = parseInt(hex[2], 16);
  return `${hi >> 8}.${hi & 255}.${lo >> 8}.${lo & 255}`;
}

/** True for an address no guest may reach unless the server names its host exactly. */
export function isNonPublicAddress(ip: string): boolean {
  const family = isIP(ip);
  if (family === 4) return blocked.check(ip, 'ipv4');
  if (family !== 6) return true;
  const v4 = embeddedV4(ip);
  if (v4 !== undefined) return blocked.check(v4, 'ipv4');
  return blocked.check(ip, 'ipv6');
}
