/**
 * The value codec of the spiff behaviour corpus: JSON text in which Python values that JSON lacks
 * are tagged objects (`{"$tuple": [...]}`, `{"$decimal": "1.5"}`, ...), decoded into
 * {@link SpiffValue}s and encoded back.
 *
 * JSON numbers keep Python's int/float distinction: `1` is an int and `1.0` a float, so the text
 * is read with this module's own JSON reader ({@link parseSpiffJson}) instead of `JSON.parse`.
 */

/** A Python `float` (JSON numbers written with a fraction or exponent, and `$float`). */
export class PyFloat {
  readonly value: number;
  constructor(value: number) {
    this.value = value;
  }
}

/** A Python `tuple`. */
export class PyTuple {
  readonly items: readonly SpiffValue[];
  constructor(items: readonly SpiffValue[]) {
    this.items = items;
  }
}

/** A Python `set`; the corpus writes its members sorted. */
export class PySet {
  readonly items: readonly SpiffValue[];
  constructor(items: readonly SpiffValue[]) {
    this.items = items;
  }
}

/** A Python `datetime`, `date` or `time`, as its `isoformat()` text. */
export class PyTemporal {
  readonly kind: 'datetime' | 'date' | 'time';
  readonly iso: string;
  constructor(kind: PyTemporal['kind'], iso: string) {
    this.kind = kind;
    this.iso = iso;
  }
}

/** A Python `timedelta`, as its total seconds. */
export class PyTimedelta {
  readonly seconds: number;
  constructor(seconds: number) {
    this.seconds = seconds;
  }
}

/** A Python `Decimal`, as its `str()` text. */
export class PyDecimal {
  readonly text: string;
  constructor(text: string) {
    this.text = text;
  }
}

/** Any other Python object: only its type name is recorded and compared. */
export class PyRepr {
  readonly typeName: string;
  constructor(typeName: string) {
    this.typeName = typeName;
  }
}

/** A JSON object of decoded values (Python `dict` with string keys). */
export interface SpiffDict {
  readonly [key: string]: SpiffValue;
}

/**
 * A decoded corpus value. Python ints are `number` (or `bigint` beyond 2^53), floats are
 * {@link PyFloat}, lists are arrays, dicts are plain objects.
 */
export type SpiffValue =
  | null
  | boolean
  | string
  | number
  | bigint
  | PyFloat
  | PyTuple
  | PySet
  | PyTemporal
  | PyTimedelta
  | PyDecimal
  | PyRepr
  | readonly SpiffValue[]
  | SpiffDict;

/**
 * JSON as read by {@link parseSpiffJson}: like `JSON.parse`'s result, except that floats are
 * {@link PyFloat} and ints beyond 2^53 are `bigint`. Tags are not decoded yet.
 */
export type RawJson =
  | null
  | boolean
  | string
  | number
  | bigint
  | PyFloat
  | readonly RawJson[]
  | { readonly [key: string]: RawJson };

/** Raised for text that is not JSON, or a tagged value that is malformed. */
export class SpiffJsonError extends Error {
  override readonly name = 'SpiffJsonError';
}

// eslint-disable-next-line no-control-regex -- JSON strings may not contain raw control characters
const STRING = /"(?:[^"\\\u0000-\u001f]|\\(?:["\\/bfnrt]|u[0-9a-fA-F]{4}))*"/y;
const NUMBER = /-?(?:0|[1-9]\d*)(\.\d+)?([eE][+-]?\d+)?/y;

/** Reads JSON text, keeping ints and floats apart. Tags are left as plain objects. */
export function parseSpiffJson(text: string): RawJson {
  let pos = 0;
  const fail = (what: string): never => {
    const line = text.slice(0, pos).split('\n').length;
    throw new SpiffJsonError(`Invalid JSON at line ${line}: ${what}`);
  };
  const skip = (): void => {
    while (pos < text.length && ' \t\n\r'.includes(text.charAt(pos))) pos += 1;
  };
  const readString = (): string => {
    STRING.lastIndex = pos;
    const match = STRING.exec(text);
    if (match === null) return fail('bad string');
    pos += match[0].length;
    return JSON.parse(match[0]) as string;
  };
  const readValue = (): RawJson => {
    skip();
    const c = text.charAt(pos);
    if (c === '{') {
      pos += 1;
      const entries: [string, RawJson][] = [];
      skip();
      if (text.charAt(pos) === '}') {
        pos += 1;
        return Object.fromEntries(entries);
      }
      for (;;) {
        skip();
        if (text.charAt(pos) !== '"') fail('expected a key');
        const key = readString();
        skip();
        if (text.charAt(pos) !== ':') fail("expected ':'");
        pos += 1;
        entries.push([key, readValue()]);
        skip();
        const next = text.charAt(pos);
        pos += 1;
        if (next === '}') return Object.fromEntries(entries);
        if (next !== ',') fail("expected ',' or '}'");
      }
    }
    if (c === '[') {
      pos += 1;
      const items: RawJson[] = [];
      skip();
      if (text.charAt(pos) === ']') {
        pos += 1;
        return items;
      }
      for (;;) {
        items.push(readValue());
        skip();
        const next = text.charAt(pos);
        pos += 1;
        if (next === ']') return items;
        if (next !== ',') fail("expected ',' or ']'");
      }
    }
    if (c === '"') return readString();
    for (const [word, value] of [
      ['true', true],
      ['false', false],
      ['null', null],
    ] as const) {
      if (text.startsWith(word, pos)) {
        pos += word.length;
        return value;
      }
    }
    NUMBER.lastIndex = pos;
    const number = NUMBER.exec(text);
    if (number === null) return fail(`unexpected ${c === '' ? 'end of text' : `'${c}'`}`);
    pos += number[0].length;
    if (number[1] !== undefined || number[2] !== undefined) return new PyFloat(Number(number[0]));
    const int = Number(number[0]);
    return Number.isSafeInteger(int) ? int : BigInt(number[0]);
  };
  const value = readValue();
  skip();
  if (pos !== text.length) fail('text after the value');
  return value;
}

function isObject(value: RawJson): value is { readonly [key: string]: RawJson } {
  return (
    value !== null &&
    typeof value === 'object' &&
    !Array.isArray(value) &&
    !(value instanceof PyFloat)
  );
}

const num = (value: RawJson): number | undefined =>
  typeof value === 'number' ? value : value instanceof PyFloat ? value.value : undefined;

/**
 * Decodes the tagged objects in `raw` (recursively) into {@link SpiffValue}s.
 *
 * @throws {@link SpiffJsonError} when a tag's content has the wrong type
 */
export function decodeValue(raw: RawJson): SpiffValue {
  if (Array.isArray(raw)) return raw.map(decodeValue);
  if (!isObject(raw)) return raw as SpiffValue;
  const keys = Object.keys(raw);
  const tag = keys.length === 1 && keys[0]?.startsWith('$') ? keys[0] : undefined;
  if (tag === undefined) {
    return Object.fromEntries(keys.map((key) => [key, decodeValue(raw[key] as RawJson)]));
  }
  const content = raw[tag] as RawJson;
  const bad = (): never => {
    throw new SpiffJsonError(`Malformed ${tag}: ${JSON.stringify(encodeRaw(content))}`);
  };
  switch (tag) {
    case '$tuple':
    case '$set': {
      if (!Array.isArray(content)) return bad();
      const items = (content as RawJson[]).map(decodeValue);
      return tag === '$tuple' ? new PyTuple(items) : new PySet(items);
    }
    case '$datetime':
    case '$date':
    case '$time':
      return typeof content === 'string' ? new PyTemporal(tag.slice(1) as 'date', content) : bad();
    case '$timedelta': {
      const seconds = num(content);
      return seconds === undefined ? bad() : new PyTimedelta(seconds);
    }
    case '$decimal':
      return typeof content === 'string' ? new PyDecimal(content) : bad();
    case '$float': {
      const special = { nan: NaN, inf: Infinity, '-inf': -Infinity } as Record<string, number>;
      const value = typeof content === 'string' ? special[content] : undefined;
      return value === undefined ? bad() : new PyFloat(value);
    }
    case '$repr':
      return typeof content === 'string' ? new PyRepr(content) : bad();
    default:
      // Not a value tag (e.g. a service's `$echo_params`): an ordinary one-key dict.
      return { [tag]: decodeValue(content) };
  }
}

/** Reads corpus JSON text into a decoded value. */
export function parseSpiffValue(text: string): SpiffValue {
  return decodeValue(parseSpiffJson(text));
}

/** Encodes a value back into its tagged form (ints beyond 2^53 stay `bigint`). */
export function encodeValue(value: SpiffValue): RawJson {
  if (value === null || typeof value !== 'object') return value;
  if (Array.isArray(value)) return value.map(encodeValue);
  if (value instanceof PyFloat) {
    if (Number.isFinite(value.value)) return value;
    return { $float: Number.isNaN(value.value) ? 'nan' : value.value > 0 ? 'inf' : '-inf' };
  }
  if (value instanceof PyTuple) return { $tuple: value.items.map(encodeValue) };
  if (value instanceof PySet) return { $set: sortValues(value.items).map(encodeValue) };
  if (value instanceof PyTemporal) return { [`$${value.kind}`]: value.iso };
  if (value instanceof PyTimedelta) return { $timedelta: value.seconds };
  if (value instanceof PyDecimal) return { $decimal: value.text };
  if (value instanceof PyRepr) return { $repr: value.typeName };
  const dict = value as SpiffDict;
  return Object.fromEntries(Object.keys(dict).map((k) => [k, encodeValue(dict[k] as SpiffValue)]));
}

function encodeRaw(raw: RawJson): unknown {
  if (raw instanceof PyFloat) return raw.value;
  if (typeof raw === 'bigint') return raw.toString();
  if (Array.isArray(raw)) return raw.map(encodeRaw);
  if (isObject(raw)) {
    return Object.fromEntries(Object.keys(raw).map((k) => [k, encodeRaw(raw[k] as RawJson)]));
  }
  return raw;
}

/**
 * Writes a value as corpus JSON text (tagged, floats with a fraction: `1.0`), on one line.
 * Object keys keep their order.
 */
export function formatValue(value: SpiffValue): string {
  return formatRaw(encodeValue(value));
}

function formatRaw(raw: RawJson): string {
  if (raw instanceof PyFloat) {
    const text = String(raw.value);
    return /[.eE]/.test(text) ? text.replace(/e\+?/, 'e+').replace('e+-', 'e-') : `${text}.0`;
  }
  if (typeof raw === 'bigint') return raw.toString();
  if (Array.isArray(raw)) return `[${raw.map(formatRaw).join(', ')}]`;
  if (isObject(raw)) {
    const parts = Object.keys(raw).map(
      (k) => `${JSON.stringify(k)}: ${formatRaw(raw[k] as RawJson)}`,
    );
    return `{${parts.join(', ')}}`;
  }
  return JSON.stringify(raw);
}

/** A key that orders values the same way whatever their insertion order (for sets, multisets). */
export function canonicalKey(value: SpiffValue): string {
  const raw = encodeValue(value);
  const canon = (v: RawJson): string => {
    if (Array.isArray(v)) return `[${v.map(canon).join(',')}]`;
    if (isObject(v)) {
      const keys = Object.keys(v).sort();
      return `{${keys.map((k) => `${JSON.stringify(k)}:${canon(v[k] as RawJson)}`).join(',')}}`;
    }
    return formatRaw(v);
  };
  return canon(raw);
}

function sortValues(items: readonly SpiffValue[]): SpiffValue[] {
  return [...items].sort((a, b) => compareKeys(canonicalKey(a), canonicalKey(b)));
}

/** @internal */
export function compareKeys(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
