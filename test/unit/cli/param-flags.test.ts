import { describe, expect, it } from 'vitest';
import { UsageError } from '../../../src/cli/command.js';
import { parseEnvFlags, parseParamFlag } from '../../../src/cli/param-flags.js';
import { encodeTypedParam } from '../../../src/client/typed-params.js';
import { decodeAny } from '../../../src/core/values/codec.js';

const decoded = (flag: string) => {
  const p = encodeTypedParam(parseParamFlag(flag));
  return { name: p.name, typeUrl: p.value && 'type_url' in p.value ? p.value.type_url : undefined, value: p.value ? decodeAny(p.value as never) : undefined };
};

describe('--param', () => {
  it.each([
    ['name=ada', 'StringValue', 'ada'],
    ['n:int=3', 'Int64Value', 3],
    ['n:int32=-3', 'Int32Value', -3],
    ['x:float=1.5', 'FloatValue', 1.5],
    ['x:number=0.1', 'DoubleValue', 0.1],
    ['ok:bool=true', 'BoolValue', true],
    ['o:json={"a":[1,2]}', 'Value', { a: [1, 2] }],
    ['s:string=a=b', 'StringValue', 'a=b'],
  ])('%s', (flag, type, value) => {
    const d = decoded(flag);
    expect(d.typeUrl).toBe(`type.googleapis.com/google.protobuf.${type}`);
    expect(d.value).toEqual(value);
  });

  it('reads bytes from @file', () => {
    const d = decoded(`b:bytes=@${new URL(import.meta.url).pathname}`);
    expect(d.value).toBeInstanceOf(Uint8Array);
    expect(Buffer.from(d.value as Uint8Array).toString('utf8')).toContain('reads bytes from @file');
  });

  it.each([
    ['noequals', /write name=value/],
    ['n:int=3.5', /not an integer/],
    ['x:float=abc', /not a number/],
    ['ok:bool=maybe', /not a bool/],
    ['o:json={', /invalid JSON/],
    ['x:complex=1', /unknown type 'complex'/],
    ['b:bytes=@/no/such/file', /cannot read/],
  ])('%s is a usage error', (flag, message) => {
    expect(() => parseParamFlag(flag)).toThrow(UsageError);
    expect(() => parseParamFlag(flag)).toThrow(message);
  });

  it('--env K=V', () => {
    expect(parseEnvFlags(['A=1', 'B=x=y'])).toEqual({ A: '1', B: 'x=y' });
    expect(() => parseEnvFlags(['nope'])).toThrow(UsageError);
  });
});
