/**
 * Python's `json` module: `dumps`/`loads` (and `dump`/`load` are absent: no files in the sandbox)
 * with CPython's output spacing, escaping, float reprs, key coercion and error messages.
 */
import {
  PyCallable,
  PyDict,
  PyList,
  PyTuple,
  callValue,
  defineException,
  floatRepr,
  intStr,
  isPyObject,
  makeException,
  makeModule,
  raise,
  toIndex,
  typeName,
  type HostHooks,
  type PyKwargs,
  type PyModule,
  type PyValue,
} from '../values.js';
import { args, fn } from './support.js';

/** `json.JSONDecodeError` (a `ValueError`). */
export const JSONDecodeError = defineException('JSONDecodeError', ['ValueError'], 'json');

// ---------------------------------------------------------------------------------------------
// Encoding

export interface DumpOptions {
  skipkeys: boolean;
  ensureAscii: boolean;
  checkCircular: boolean;
  allowNan: boolean;
  indent: string | null;
  itemSeparator: string;
  keySeparator: string;
  default: PyValue;
  sortKeys: boolean;
}

const ESCAPES: Readonly<Record<string, string>> = {
  '"': '\\"',
  '\\': '\\\\',
  '\n': '\\n',
  '\r': '\\r',
  '\t': '\\t',
  '\b': '\\b',
  '\f': '\\f',
};

/** A JSON string literal as CPython's encoder writes it. */
export function encodeString(s: string, ensureAscii: boolean): string {
  // eslint-disable-next-line no-control-regex -- JSON escapes exactly the C0 control characters
  const re = ensureAscii ? /[\\"]|[^ -~]/g : /[\x00-\x1f\\"]/g;
  return `"${s.replace(re, (ch) => {
    const known = ESCAPES[ch];
    if (known !== undefined) return known;
    return `\\u${ch.charCodeAt(0).toString(16).padStart(4, '0')}`;
  })}"`;
}

function encodeFloat(x: number, allowNan: boolean): string {
  if (Number.isFinite(x)) return floatRepr(x);
  if (!allowNan) {
    raise('ValueError', `Out of range float values are not JSON compliant: ${floatRepr(x)}`);
  }
  return Number.isNaN(x) ? 'NaN' : x > 0 ? 'Infinity' : '-Infinity';
}

/** The class name CPython's "is not JSON serializable" message shows. */
function className(v: PyValue): string {
  if (isPyObject(v) && v.pyType) return v.pyType().name;
  const t = typeName(v);
  return t.includes('.') ? t.slice(t.lastIndexOf('.') + 1) : t;
}

function keyText(k: PyValue, opts: DumpOptions): string | undefined {
  if (typeof k === 'string') return k;
  if (typeof k === 'number') return encodeFloat(k, opts.allowNan);
  if (typeof k === 'boolean') return k ? 'true' : 'false';
  if (k === null) return 'null';
  if (typeof k === 'bigint') return intStr(k);
  if (opts.skipkeys) return undefined;
  return raise('TypeError', `keys must be str, int, float, bool or None, not ${typeName(k)}`);
}

function compareKeys(a: PyValue, b: PyValue): number {
  const num = (v: PyValue): number | bigint | undefined =>
    typeof v === 'number' || typeof v === 'bigint'
      ? v
      : typeof v === 'boolean'
        ? v
          ? 1
          : 0
        : undefined;
  if (typeof a === 'string' && typeof b === 'string') return a < b ? -1 : a > b ? 1 : 0;
  const x = num(a);
  const y = num(b);
  if (x !== undefined && y !== undefined) return x < y ? -1 : x > y ? 1 : 0;
  return raise(
    'TypeError',
    `'<' not supported between instances of '${typeName(b)}' and '${typeName(a)}'`,
  );
}

/** `json.dumps(obj, ...)`. */
export function dumps(value: PyValue, opts: DumpOptions): string {
  const stack = new Set<object>();
  const encode = (v: PyValue, level: number): string => {
    if (v === null) return 'null';
    if (v === true) return 'true';
    if (v === false) return 'false';
    if (typeof v === 'string') return encodeString(v, opts.ensureAscii);
    if (typeof v === 'bigint') return intStr(v);
    if (typeof v === 'number') return encodeFloat(v, opts.allowNan);
    const enter = (): void => {
      if (opts.checkCircular) {
        if (stack.has(v)) raise('ValueError', 'Circular reference detected');
        stack.add(v);
      }
    };
    const newline = (lvl: number): string =>
      opts.indent === null ? '' : `\n${opts.indent.repeat(lvl)}`;
    if (v instanceof PyList || v instanceof PyTuple) {
      if (v.items.length === 0) return '[]';
      enter();
      const parts = v.items.map((item) => encode(item, level + 1));
      stack.delete(v);
      const sep = opts.itemSeparator + newline(level + 1);
      return `[${newline(level + 1)}${parts.join(sep)}${newline(level)}]`;
    }
    if (v instanceof PyDict) {
      if (v.size === 0) return '{}';
      enter();
      let entries = [...v.entries()];
      if (opts.sortKeys) entries = entries.sort((a, b) => compareKeys(a.key, b.key));
      const parts: string[] = [];
      for (const e of entries) {
        const k = keyText(e.key, opts);
        if (k === undefined) continue;
        parts.push(
          encodeString(k, opts.ensureAscii) + opts.keySeparator + encode(e.value, level + 1),
        );
      }
      stack.delete(v);
      if (parts.length === 0) return '{}';
      const sep = opts.itemSeparator + newline(level + 1);
      return `{${newline(level + 1)}${parts.join(sep)}${newline(level)}}`;
    }
    if (opts.default !== null) {
      enter();
      const replaced = callValue(opts.default, [v]);
      const out = encode(replaced, level);
      stack.delete(v);
      return out;
    }
    return raise('TypeError', `Object of type ${className(v)} is not JSON serializable`);
  };
  return encode(value, 0);
}

function dumpOptions(bound: Partial<Record<string, PyValue>>): DumpOptions {
  const flag = (name: string, fallback: boolean): boolean => {
    const v = bound[name];
    return v === undefined ? fallback : v !== null && v !== false && v !== 0n && v !== '';
  };
  let indent: string | null = null;
  const ind = bound.indent;
  if (ind !== undefined && ind !== null) {
    if (typeof ind === 'string') indent = ind;
    else if (typeof ind === 'bigint' || typeof ind === 'boolean') {
      indent = ' '.repeat(Math.max(0, Number(toIndex(ind))));
    } else {
      raise('TypeError', `can't multiply sequence by non-int of type '${typeName(ind)}'`);
    }
  }
  let itemSeparator = indent === null ? ', ' : ',';
  let keySeparator = ': ';
  const seps = bound.separators;
  if (seps !== undefined && seps !== null) {
    const items = seps instanceof PyTuple || seps instanceof PyList ? seps.items : [];
    const [i, k] = items;
    if (items.length !== 2 || typeof i !== 'string' || typeof k !== 'string') {
      raise('ValueError', 'too many values to unpack (expected 2)');
    }
    itemSeparator = i;
    keySeparator = k;
  }
  const def = bound.default ?? null;
  if (def !== null && !(def instanceof PyCallable)) {
    raise('TypeError', `'${typeName(def)}' object is not callable`);
  }
  return {
    skipkeys: flag('skipkeys', false),
    ensureAscii: flag('ensure_ascii', true),
    checkCircular: flag('check_circular', true),
    allowNan: flag('allow_nan', true),
    indent,
    itemSeparator,
    keySeparator,
    default: def,
    sortKeys: flag('sort_keys', false),
  };
}

// ---------------------------------------------------------------------------------------------
// Decoding

interface DecodeHooks {
  objectHook: PyValue;
  objectPairsHook: PyValue;
  parseFloat: PyValue;
  parseInt: PyValue;
  parseConstant: PyValue;
}

/** Builds `JSONDecodeError("msg: line L column C (char P)")` with its attributes. */
function decodeError(msg: string, doc: string, pos: number): never {
  const lineno = doc.slice(0, pos).split('\n').length;
  const lastNewline = doc.lastIndexOf('\n', pos - 1);
  const colno = pos - lastNewline;
  const e = makeException(
    JSONDecodeError,
    `${msg}: line ${String(lineno)} column ${String(colno)} (char ${String(pos)})`,
  );
  e.attrs = new Map<string, PyValue>([
    ['msg', msg],
    ['doc', doc],
    ['pos', BigInt(pos)],
    ['lineno', BigInt(lineno)],
    ['colno', BigInt(colno)],
  ]);
  throw e;
}

const NUMBER_RE = /(-?(?:0|[1-9]\d*))(\.\d+)?([eE][-+]?\d+)?/y;
const WS_RE = /[ \t\n\r]*/y;

/** `json.loads(s)`: CPython's scanner, including NaN/Infinity and last-wins duplicate keys. */
export function loads(doc: string, hooks: DecodeHooks): PyValue {
  let pos = 0;
  const skip = (): void => {
    WS_RE.lastIndex = pos;
    WS_RE.exec(doc);
    pos = WS_RE.lastIndex;
  };
  const constant = (name: string, fallback: number): PyValue =>
    hooks.parseConstant !== null ? callValue(hooks.parseConstant, [name]) : fallback;

  const parseString = (): string => {
    const start = pos; // at the opening quote
    let out = '';
    pos++;
    for (;;) {
      const ch = doc[pos];
      if (ch === undefined) decodeError('Unterminated string starting at', doc, start);
      if (ch === '"') {
        pos++;
        return out;
      }
      if (ch === '\\') {
        const esc = doc[pos + 1];
        if (esc === undefined) decodeError('Unterminated string starting at', doc, start);
        const simple: Record<string, string> = {
          '"': '"',
          '\\': '\\',
          '/': '/',
          b: '\b',
          f: '\f',
          n: '\n',
          r: '\r',
          t: '\t',
        };
        const s = simple[esc];
        if (s !== undefined) {
          out += s;
          pos += 2;
          continue;
        }
        if (esc !== 'u') decodeError('Invalid \\escape', doc, pos);
        const hex = doc.slice(pos + 2, pos + 6);
        if (!/^[0-9a-fA-F]{4}$/.test(hex)) decodeError('Invalid \\uXXXX escape', doc, pos);
        out += String.fromCharCode(parseInt(hex, 16));
        pos += 6;
        continue;
      }
      if (ch < ' ') decodeError('Invalid control character at', doc, pos);
      out += ch;
      pos++;
    }
  };

  const parseValue = (depth: number): PyValue => {
    if (depth > 900)
      raise('RecursionError', 'maximum recursion depth exceeded while decoding a JSON document');
    const ch = doc[pos];
    switch (ch) {
      case '"':
        return parseString();
      case '{':
        return parseObject(depth);
      case '[':
        return parseArray(depth);
      case 'n':
        if (doc.startsWith('null', pos)) {
          pos += 4;
          return null;
        }
        break;
      case 't':
        if (doc.startsWith('true', pos)) {
          pos += 4;
          return true;
        }
        break;
      case 'f':
        if (doc.startsWith('false', pos)) {
          pos += 5;
          return false;
        }
        break;
      case 'N':
        if (doc.startsWith('NaN', pos)) {
          pos += 3;
          return constant('NaN', NaN);
        }
        break;
      case 'I':
        if (doc.startsWith('Infinity', pos)) {
          pos += 8;
          return constant('Infinity', Infinity);
        }
        break;
      case '-':
        if (doc.startsWith('-Infinity', pos)) {
          pos += 9;
          return constant('-Infinity', -Infinity);
        }
        break;
      default:
        break;
    }
    NUMBER_RE.lastIndex = pos;
    const m = NUMBER_RE.exec(doc);
    if (m) {
      pos = NUMBER_RE.lastIndex;
      const text = m[0];
      if (m[2] === undefined && m[3] === undefined) {
        return hooks.parseInt !== null ? callValue(hooks.parseInt, [text]) : BigInt(text);
      }
      return hooks.parseFloat !== null ? callValue(hooks.parseFloat, [text]) : Number(text);
    }
    return decodeError('Expecting value', doc, pos);
  };

  const parseArray = (depth: number): PyValue => {
    pos++;
    const items: PyValue[] = [];
    skip();
    if (doc[pos] === ']') {
      pos++;
      return new PyList(items);
    }
    for (;;) {
      skip();
      items.push(parseValue(depth + 1));
      skip();
      const ch = doc[pos];
      if (ch === ']') {
        pos++;
        return new PyList(items);
      }
      if (ch !== ',') decodeError("Expecting ',' delimiter", doc, pos);
      pos++;
    }
  };

  const parseObject = (depth: number): PyValue => {
    pos++;
    const pairs: [string, PyValue][] = [];
    skip();
    if (doc[pos] === '}') {
      pos++;
      return finishObject(pairs);
    }
    for (;;) {
      skip();
      if (doc[pos] !== '"') {
        decodeError('Expecting property name enclosed in double quotes', doc, pos);
      }
      const key = parseString();
      skip();
      if (doc[pos] !== ':') decodeError("Expecting ':' delimiter", doc, pos);
      pos++;
      skip();
      pairs.push([key, parseValue(depth + 1)]);
      skip();
      const ch = doc[pos];
      if (ch === '}') {
        pos++;
        return finishObject(pairs);
      }
      if (ch !== ',') decodeError("Expecting ',' delimiter", doc, pos);
      pos++;
    }
  };

  const finishObject = (pairs: [string, PyValue][]): PyValue => {
    if (hooks.objectPairsHook !== null) {
      return callValue(hooks.objectPairsHook, [
        new PyList(pairs.map(([k, v]) => new PyTuple([k, v]))),
      ]);
    }
    const d = new PyDict();
    for (const [k, v] of pairs) d.set(k, v);
    return hooks.objectHook !== null ? callValue(hooks.objectHook, [d]) : d;
  };

  if (doc.startsWith('\ufeff'))
    decodeError('Unexpected UTF-8 BOM (decode using utf-8-sig)', doc, 0);
  skip();
  const value = parseValue(0);
  skip();
  if (pos !== doc.length) decodeError('Extra data', doc, pos);
  return value;
}

// ---------------------------------------------------------------------------------------------
// Module

const DUMPS_ARGS = [
  'obj',
  'skipkeys',
  'ensure_ascii',
  'check_circular',
  'allow_nan',
  'cls',
  'indent',
  'separators',
  'default',
  'sort_keys',
];

function callDumps(a: PyValue[], kw: PyKwargs): PyValue {
  if (a.length > 1) {
    raise('TypeError', `dumps() takes 1 positional argument but ${String(a.length)} were given`);
  }
  const bound = args('dumps', a, kw, DUMPS_ARGS, 1);
  return dumps(bound.obj ?? null, dumpOptions(bound));
}

function callLoads(a: PyValue[], kw: PyKwargs): PyValue {
  if (a.length > 1) {
    raise('TypeError', `loads() takes 1 positional argument but ${String(a.length)} were given`);
  }
  const bound = args(
    'loads',
    a,
    kw,
    ['s', 'cls', 'object_hook', 'parse_float', 'parse_int', 'parse_constant', 'object_pairs_hook'],
    1,
  );
  const s = bound.s;
  if (typeof s !== 'string') {
    return raise(
      'TypeError',
      `the JSON object must be str, bytes or bytearray, not ${typeName(s ?? null)}`,
    );
  }
  return loads(s, {
    objectHook: bound.object_hook ?? null,
    objectPairsHook: bound.object_pairs_hook ?? null,
    parseFloat: bound.parse_float ?? null,
    parseInt: bound.parse_int ?? null,
    parseConstant: bound.parse_constant ?? null,
  });
}

/** The `json` module. */
export function createJsonModule(_host: HostHooks): PyModule {
  return makeModule('json', {
    dumps: fn('dumps', callDumps),
    loads: fn('loads', callLoads),
    JSONDecodeError,
  });
}
