/**
 * The UTF-8 and line-splitting helpers that run inside the isolate (which has no TextEncoder or
 * TextDecoder), checked in the host against Node's own codecs.
 */
import { randomBytes } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { TEXT_SOURCE } from '../../../../runtimes/wasm/wasi-text.js';

interface Text {
  utf8Encode(s: string): Uint8Array;
  utf8Decode(b: Uint8Array): string;
  createLineSplitter(emit: (line: string) => void, maxLineBytes: number): { write(b: Uint8Array): void; flush(): void };
}
const text = new Function(`${TEXT_SOURCE}; return { utf8Encode, utf8Decode, createLineSplitter };`)() as Text;

describe('utf8', () => {
  it('encodes like Buffer, lone surrogates as U+FFFD', () => {
    for (const s of ['', 'abc', 'héllo', '€', '𝄞 music', 'a\ud800b']) {
      expect(Buffer.from(text.utf8Encode(s))).toEqual(Buffer.from(s, 'utf8'));
    }
  });

  it('decodes like TextDecoder, for valid and random bytes', () => {
    const decoder = new TextDecoder();
    const samples = [Buffer.from('héllo € 𝄞'), new Uint8Array([0xff, 0x41, 0xe2, 0x82, 0x41, 0xf0, 0x9f, 0x98]), new Uint8Array([0xed, 0xa0, 0x80])];
    for (let i = 0; i < 300; i++) samples.push(randomBytes(1 + (i % 24)));
    for (const sample of samples) expect(text.utf8Decode(new Uint8Array(sample))).toBe(decoder.decode(sample));
  });
});

describe('createLineSplitter', () => {
  it('emits complete lines across writes, cuts long lines and flushes the rest', () => {
    const lines: string[] = [];
    const splitter = text.createLineSplitter((line) => lines.push(line), 4);
    splitter.write(Buffer.from('ab'));
    splitter.write(Buffer.from('c\nde\n\nabcdefghij'));
    expect(lines).toEqual(['abc', 'de', '', 'abcd', 'efgh']);
    splitter.flush();
    expect(lines.at(-1)).toBe('ij');
  });
});
