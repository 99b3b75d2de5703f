/**
 * Byte and text helpers for the WASI code inside the isolate (which has no TextEncoder or
 * TextDecoder): UTF-8 in both directions and a splitter that turns an output stream into log lines.
 * `TEXT_SOURCE` is JavaScript source declaring `utf8Encode`, `utf8Decode`, `concatBytes` and
 * `createLineSplitter`; wasi.ts embeds it.
 */
export const TEXT_SOURCE = /* js */ `
function utf8Encode(str) {
  const out = [];
  for (const ch of str) {
    let c = ch.codePointAt(0);
    if (c >= 0xd800 && c <= 0xdfff) c = 0xfffd;
    if (c < 0x80) out.push(c);
    else if (c < 0x800) out.push(0xc0 | (c >> 6), 0x80 | (c & 63));
    else if (c < 0x10000) out.push(0xe0 | (c >> 12), 0x80 | ((c >> 6) & 63), 0x80 | (c & 63));
    else out.push(0xf0 | (c >> 18), 0x80 | ((c >> 12) & 63), 0x80 | ((c >> 6) & 63), 0x80 | (c & 63));
  }
  return new Uint8Array(out);
}

// The WHATWG UTF-8 decoder: each maximal invalid subpart becomes one U+FFFD, as TextDecoder does.
function utf8Decode(b) {
  let out = '';
  let needed = 0, seen = 0, cp = 0, lower = 0x80, upper = 0xbf;
  for (let i = 0; i < b.length; i++) {
    const byte = b[i];
    if (needed === 0) {
      if (byte <= 0x7f) out += String.fromCharCode(byte);
      else if (byte >= 0xc2 && byte <= 0xdf) { needed = 1; cp = byte & 0x1f; }
      else if (byte >= 0xe0 && byte <= 0xef) {
        if (byte === 0xe0) lower = 0xa0;
        if (byte === 0xed) upper = 0x9f;
        needed = 2; cp = byte & 0xf;
      } else if (byte >= 0xf0 && byte <= 0xf4) {
        if (byte === 0xf0) lower = 0x90;
        if (byte === 0xf4) upper = 0x8f;
        needed = 3; cp = byte & 0x7;
      } else out += '\\ufffd';
      continue;
    }
    if (byte < lower || byte > upper) {
      needed = seen = cp = 0; lower = 0x80; upper = 0xbf;
      out += '\\ufffd';
      i--; // this byte starts over
      continue;
    }
    lower = 0x80; upper = 0xbf;
    cp = (cp << 6) | (byte & 0x3f);
    if (++seen === needed) { out += String.fromCodePoint(cp); needed = seen = cp = 0; }
  }
  if (needed !== 0) out += '\\ufffd';
  return out;
}

function concatBytes(parts, total) {
  const out = new Uint8Array(total);
  let at = 0;
  for (const p of parts) { out.set(p, at); at += p.length; }
  return out;
}

// Splits written bytes into lines for emit(text); a line longer than maxLineBytes is emitted in pieces.
function createLineSplitter(emit, maxLineBytes) {
  let parts = [];
  let bytes = 0;
  function push(piece) { parts.push(piece); bytes += piece.length; }
  function cut() { emit(utf8Decode(concatBytes(parts, bytes))); parts = []; bytes = 0; }
  return {
    write(data) {
      let start = 0;
      for (let i = 0; i < data.length; i++) {
        if (data[i] === 10) { push(data.subarray(start, i)); cut(); start = i + 1; }
        else if (bytes + (i + 1 - start) >= maxLineBytes) { push(data.subarray(start, i + 1)); cut(); start = i + 1; }
      }
      if (start < data.length) push(data.slice(start));
    },
    flush() { if (bytes > 0) cut(); },
  };
}
`;
