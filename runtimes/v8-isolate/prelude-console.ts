/**
 * Prelude part: `console` and the value formatter behind it (inspect-like, never throws).
 *
 * This is JavaScript source, not TypeScript: it is spliced into the prelude closure (prelude.ts)
 * and evaluated inside the isolate. It relies on the intrinsics captured at the top of the prelude
 * and on `emitLog(prefix, args)` from prelude-core.ts. No backticks or dollar-brace in here.
 */
export const CONSOLE_SOURCE = String.raw`
const INSPECT_DEPTH = 2;
const INSPECT_MAX_ITEMS = 100;
const IDENTIFIER = /^[A-Za-z_$][A-Za-z0-9_$]*$/;

function describeFunction(fn) {
  let source = '';
  try { source = ReflectApply(FunctionToString, fn, []); } catch (e) { /* revoked proxy */ }
  let name = '';
  try { name = typeof fn.name === 'string' ? fn.name : ''; } catch (e) { /* getter */ }
  if (source.slice(0, 5) === 'class') return name ? '[class ' + name + ']' : '[class (anonymous)]';
  return name ? '[Function: ' + name + ']' : '[Function (anonymous)]';
}

function formatKey(key) {
  if (typeof key === 'symbol') return '[' + ReflectApply(SymbolToString, key, []) + ']';
  return IDENTIFIER.test(key) ? key : JSONStringify(key);
}

function constructorName(obj) {
  try {
    const proto = ObjectGetPrototypeOf(obj);
    if (proto === null) return '[Object: null prototype]';
    const ctor = proto.constructor;
    return typeof ctor === 'function' && typeof ctor.name === 'string' ? ctor.name : '';
  } catch (e) {
    return '';
  }
}

function formatError(err) {
  try {
    const stack = err.stack;
    if (typeof stack === 'string' && stack !== '') return stack;
  } catch (e) { /* getter threw */ }
  return errorText(err);
}

function formatEntries(open, close, items, prefix) {
  if (items.length === 0) return prefix + open + close;
  return prefix + open + ' ' + items.join(', ') + ' ' + close;
}

function inspectObject(value, depth, seen) {
  if (value instanceof Error) return formatError(value);
  if (value instanceof Date) {
    const time = value.getTime();
    return time === time ? value.toISOString() : 'Invalid Date';
  }
  if (value instanceof RegExp) return String(value);
  if (value instanceof Promise) return 'Promise { <unknown> }';
  if (value instanceof WeakMap || value instanceof WeakSet) return constructorName(value) + ' { <items unknown> }';
  const tag = ReflectApply(TypedArrayTag, value, []);
  if (tag !== undefined) {
    if (depth > INSPECT_DEPTH) return '[' + tag + ']';
    const items = [];
    const length = value.length;
    for (let i = 0; i < length && i < INSPECT_MAX_ITEMS; i++) items.push(inspectValue(value[i], depth + 1, seen));
    if (length > INSPECT_MAX_ITEMS) items.push('... ' + (length - INSPECT_MAX_ITEMS) + ' more items');
    return formatEntries('[', ']', items, tag + '(' + length + ') ');
  }
  if (value instanceof ArrayBuffer) return 'ArrayBuffer { byteLength: ' + value.byteLength + ' }';
  if (seen.indexOf(value) !== -1) return '[Circular]';
  const isArray = ArrayIsArray(value);
  const name = constructorName(value);
  if (depth > INSPECT_DEPTH) return isArray ? '[Array]' : '[' + (name || 'Object') + ']';
  seen.push(value);
  try {
    const items = [];
    if (value instanceof Map || value instanceof Set) {
      const isMap = value instanceof Map;
      let count = 0;
      for (const entry of value) {
        if (count++ >= INSPECT_MAX_ITEMS) { items.push('...'); break; }
        items.push(isMap
          ? inspectValue(entry[0], depth + 1, seen) + ' => ' + inspectValue(entry[1], depth + 1, seen)
          : inspectValue(entry, depth + 1, seen));
      }
      return formatEntries('{', '}', items, name + '(' + value.size + ') ');
    }
    const keys = ReflectOwnKeys(value);
    let shown = 0;
    for (let i = 0; i < keys.length; i++) {
      const key = keys[i];
      const desc = ObjectGetOwnPropertyDescriptor(value, key);
      if (desc === undefined || !desc.enumerable) continue;
      if (isArray && key === 'length') continue;
      if (shown++ >= INSPECT_MAX_ITEMS) { items.push('... ' + (keys.length - i) + ' more items'); break; }
      let text;
      if ('value' in desc) text = inspectValue(desc.value, depth + 1, seen);
      else text = desc.get && desc.set ? '[Getter/Setter]' : desc.get ? '[Getter]' : '[Setter]';
      const isIndex = isArray && typeof key === 'string' && String(key >>> 0) === key;
      items.push(isIndex ? text : formatKey(key) + ': ' + text);
    }
    if (isArray) return formatEntries('[', ']', items, name === 'Array' ? '' : name + ' ');
    return formatEntries('{', '}', items, name === 'Object' ? '' : name + ' ');
  } finally {
    seen.pop();
  }
}

function inspectValue(value, depth, seen) {
  switch (typeof value) {
    case 'string': return depth === 0 ? value : JSONStringify(value);
    case 'number': return value === 0 && 1 / value < 0 ? '-0' : String(value);
    case 'bigint': return String(value) + 'n';
    case 'symbol': return ReflectApply(SymbolToString, value, []);
    case 'undefined': return 'undefined';
    case 'boolean': return value ? 'true' : 'false';
    case 'function': return describeFunction(value);
    default:
      if (value === null) return 'null';
      return inspectObject(value, depth, seen);
  }
}

/** Formats one console argument; never throws. */
function inspect(value) {
  try {
    return inspectValue(value, 0, []);
  } catch (e) {
    return '[unprintable ' + typeof value + ']';
  }
}

function formatWithSpecifiers(format, args) {
  let next = 1;
  let out = '';
  let last = 0;
  for (let i = 0; i < format.length - 1; i++) {
    if (format.charCodeAt(i) !== 37 /* % */) continue;
    const spec = format[i + 1];
    let text;
    if (spec === '%') text = '%';
    else if (next >= args.length) continue;
    else {
      const arg = args[next];
      switch (spec) {
        case 's': text = typeof arg === 'string' ? arg : inspect(arg); break;
        case 'd': case 'i': text = typeof arg === 'bigint' ? String(arg) + 'n' : String(spec === 'i' ? parseInt(arg) : Number(arg)); break;
        case 'f': text = String(parseFloat(arg)); break;
        case 'j': try { text = String(JSONStringify(arg)); } catch (e) { text = '[Circular]'; } break;
        case 'o': case 'O': text = inspectValue(arg, 1, []); break;
        case 'c': text = ''; break;
        default: continue;
      }
      next++;
    }
    out += format.slice(last, i) + text;
    last = i + 2;
    i++;
  }
  out += format.slice(last);
  for (; next < args.length; next++) out += ' ' + inspect(args[next]);
  return out;
}

/** Joins console arguments the way Node does: strings as is, other values inspected. */
function formatArgs(args) {
  try {
    if (args.length === 0) return '';
    if (typeof args[0] === 'string' && args.length > 1 && args[0].indexOf('%') !== -1) return formatWithSpecifiers(args[0], args);
    let line = inspect(args[0]);
    for (let i = 1; i < args.length; i++) line += ' ' + inspect(args[i]);
    return line;
  } catch (e) {
    return '[unprintable]';
  }
}

const consoleTimers = ObjectCreate(null);
const consoleCounts = ObjectCreate(null);
const consoleObject = {
  log(...args) { emitLog('', args); },
  info(...args) { emitLog('', args); },
  debug(...args) { emitLog('', args); },
  trace(...args) { emitLog('', args); },
  dir(value) { emitLog('', [value]); },
  table(...args) { emitLog('', args); },
  warn(...args) { emitLog('warn: ', args); },
  error(...args) { emitLog('error: ', args); },
  assert(condition, ...args) {
    if (condition) return;
    args.unshift(args.length > 0 ? 'Assertion failed:' : 'Assertion failed');
    emitLog('error: ', args);
  },
  time(label = 'default') { consoleTimers[String(label)] = DateNow(); },
  timeLog(label = 'default', ...args) {
    const start = consoleTimers[String(label)];
    if (start === undefined) return;
    args.unshift(String(label) + ': ' + (DateNow() - start) + 'ms');
    emitLog('', args);
  },
  timeEnd(label = 'default') {
    const start = consoleTimers[String(label)];
    if (start === undefined) return;
    delete consoleTimers[String(label)];
    emitLog('', [String(label) + ': ' + (DateNow() - start) + 'ms']);
  },
  count(label = 'default') {
    const key = String(label);
    consoleCounts[key] = (consoleCounts[key] || 0) + 1;
    emitLog('', [key + ': ' + consoleCounts[key]]);
  },
  countReset(label = 'default') { delete consoleCounts[String(label)]; },
};
`;
