/**
 * The grpcurl commands of the docs, checked without grpcurl (it is not installed where the tests
 * run): the method exists in proto/ (or grpc.health.v1) and the `-d` body is the proto3 JSON of its request type, every
 * member a field of the message (by its proto or JSON name) with a value of the field's kind, and
 * every Any's `@type` a known message.
 */
import * as path from 'node:path';
import protobuf from 'protobufjs';

export interface GrpcurlCall {
  service: string;
  method: string;
  body: unknown;
}

/** The calls in a block of shell commands (`-d '…' ADDRESS service/Method`). */
export function grpcurlCalls(text: string): GrpcurlCall[] {
  const calls: GrpcurlCall[] = [];
  for (const m of text.matchAll(/grpcurl\b[^']*?-d '([^']*)'\s+\S+\s+([\w.]+)\/(\w+)/g)) {
    calls.push({ body: JSON.parse(m[1]), service: m[2], method: m[3] });
  }
  return calls;
}

export function loadProto(root: string): protobuf.Root {
  const proto = new protobuf.Root();
  proto.resolvePath = (_origin, target) => (path.isAbsolute(target) ? target : path.join(root, 'proto', target));
  // The wrappers and Struct are what an Any in a request may hold; protobufjs bundles them.
  const health = path.join(root, 'node_modules/grpc-health-check/proto/health/v1/health.proto');
  proto.loadSync(['spearlet/function.proto', 'google/protobuf/wrappers.proto', 'google/protobuf/struct.proto', health], { keepCase: true });
  proto.resolveAll();
  return proto;
}

const WRAPPERS = /^\.google\.protobuf\.(Double|Float|Int64|UInt64|Int32|UInt32|Bool|String|Bytes)Value$/;

/** What is wrong with `call` against the proto (an empty list when it is right). */
export function checkCall(proto: protobuf.Root, call: GrpcurlCall): string[] {
  const service = proto.lookup(call.service);
  if (!(service instanceof protobuf.Service)) return [`${call.service}: no such service`];
  const method = service.methods[call.method];
  if (!method) return [`${call.service}/${call.method}: no such method`];
  const errors: string[] = [];
  checkMessage(proto, method.resolvedRequestType!, call.body, method.resolvedRequestType!.fullName.slice(1), errors);
  return errors;
}

function checkMessage(proto: protobuf.Root, type: protobuf.Type, value: unknown, at: string, errors: string[]): void {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return void errors.push(`${at}: not an object (a ${type.name})`);
  const members = { ...(value as Record<string, unknown>) };
  if (type.fullName === '.google.protobuf.Any') {
    const url = String(members['@type'] ?? '');
    delete members['@type'];
    const inner = proto.lookup(url.slice(url.lastIndexOf('/') + 1));
    if (!(inner instanceof protobuf.Type)) return void errors.push(`${at}.@type: '${url}' names no message`);
    // A well-known wrapper's JSON is its bare value, under "value" inside an Any.
    if (WRAPPERS.test(inner.fullName)) return checkScalar(inner.fields.value.type, members.value, `${at}.value`, errors);
    return checkMessage(proto, inner, members, `${at}(${inner.name})`, errors);
  }
  for (const [key, member] of Object.entries(members)) {
    const field = type.fields[key] ?? type.fieldsArray.find((f) => protobuf.util.camelCase(f.name) === key);
    if (!field) {
      errors.push(`${at}.${key}: ${type.name} has no such field`);
      continue;
    }
    const items = field.repeated ? (Array.isArray(member) ? member : (errors.push(`${at}.${key}: not a list`), [])) : field.map ? Object.values(member as object) : [member];
    for (const item of items) {
      if (field.resolvedType instanceof protobuf.Type) checkMessage(proto, field.resolvedType, item, `${at}.${key}`, errors);
      else if (field.resolvedType instanceof protobuf.Enum) {
        if (!(String(item) in field.resolvedType.values) && typeof item !== 'number') errors.push(`${at}.${key}: '${item}' is not a ${field.resolvedType.name}`);
      } else checkScalar(field.type, item, `${at}.${key}`, errors);
    }
  }
}

function checkScalar(type: string, value: unknown, at: string, errors: string[]): void {
  const ok =
    type === 'string' || type === 'bytes'
      ? typeof value === 'string'
      : type === 'bool'
        ? typeof value === 'boolean'
        : typeof value === 'number' || (typeof value === 'string' && /^-?\d+(\.\d+)?$/.test(value));
  if (!ok) errors.push(`${at}: ${JSON.stringify(value)} is not a ${type}`);
}
