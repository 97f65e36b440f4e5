/**
 * Replays `shared/conformance/python/cases.json`: differential cases recorded from CPython 3.11,
 * run through `@spiff-ts/python` the way SpiffWorkflow's TaskDataEnvironment runs scripts.
 */
import { existsSync, readFileSync } from 'node:fs';
import {
  PyCallable,
  PyDict,
  PyException,
  PyList,
  PyModule,
  PySet,
  PyTuple,
  evaluate,
  execute,
  floatRepr,
  importModule,
  pyStr,
  type HostHooks,
  type PyValue,
} from '@spiff-ts/python';
import { CorpusMissingError, type CorpusReport } from './report.js';

/** The corpus was recorded with a real clock (`time.time() > 1600000000`), so the runner supplies one. */
const HOST: HostHooks = { now: () => Date.now(), random: () => Math.random() };

/** A `$`-encoded value as stored in the corpus. */
type Encoded = null | boolean | number | string | Encoded[] | { [key: string]: Encoded };

interface Expectation {
  readonly value?: Encoded;
  readonly context?: { [key: string]: Encoded };
  readonly error?: string;
  readonly message?: string;
}

interface Case {
  readonly id: string;
  readonly kind: 'eval' | 'exec';
  readonly source: string;
  readonly context: { [key: string]: Encoded };
  readonly globals?: { [name: string]: string };
  readonly expect: Expectation;
  readonly expect_alt?: Expectation;
  readonly tags?: readonly string[];
}

/** Outcome of running one case, in the corpus's encoding. */
type Outcome =
  | { readonly value: Encoded }
  | { readonly context: { [key: string]: Encoded } }
  | { readonly error: string; readonly message: string };

function moduleAttr(path: string): PyValue {
  const [mod, ...rest] = path.split('.');
  let v: PyValue = importModule(mod as string, HOST);
  for (const part of rest) {
    if (!(v instanceof PyModule)) throw new Error(`bad globals path ${path}`);
    const next = v.attrs.get(part);
    if (next === undefined) throw new Error(`unknown globals path ${path}`);
    v = next;
  }
  return v;
}

function callAttr(
  path: string,
  method: string | null,
  args: PyValue[],
  kwargs?: Map<string, PyValue>,
): PyValue {
  let target = moduleAttr(path);
  if (method !== null) {
    const m = (target as unknown as { getAttr(name: string): PyValue | undefined }).getAttr(method);
    if (m === undefined) throw new Error(`no ${path}.${method}`);
    target = m;
  }
  if (!(target instanceof PyCallable)) throw new Error(`${path} is not callable`);
  return target.call(args, kwargs);
}

/** Decodes a corpus value into a Python value. */
export function decode(v: Encoded): PyValue {
  if (v === null || typeof v === 'boolean' || typeof v === 'string') return v;
  if (typeof v === 'number') return BigInt(v);
  if (Array.isArray(v)) return new PyList(v.map(decode));
  const keys = Object.keys(v);
  const tag = keys.length === 1 && keys[0]?.startsWith('$') ? keys[0] : null;
  if (tag !== null) {
    const x = v[tag] as Encoded;
    switch (tag) {
      case '$int':
        return BigInt(x as string);
      case '$float':
        return x === 'nan' ? NaN : x === 'inf' ? Infinity : x === '-inf' ? -Infinity : Number(x);
      case '$tuple':
        return new PyTuple((x as Encoded[]).map(decode));
      case '$set':
        return new PySet((x as Encoded[]).map(decode));
      case '$frozenset':
        return new PySet((x as Encoded[]).map(decode), true);
      case '$dict': {
        const d = new PyDict();
        for (const pair of x as Encoded[][])
          d.set(decode(pair[0] as Encoded), decode(pair[1] as Encoded));
        return d;
      }
      case '$datetime':
        return callAttr('datetime.datetime', 'fromisoformat', [x as string]);
      case '$date':
        return callAttr('datetime.date', 'fromisoformat', [x as string]);
      case '$time':
        return callAttr('datetime.time', 'fromisoformat', [x as string]);
      case '$timedelta': {
        const o = x as { [k: string]: number };
        const kw = new Map<string, PyValue>([
          ['days', BigInt(o.days ?? 0)],
          ['seconds', BigInt(o.seconds ?? 0)],
          ['microseconds', BigInt(o.microseconds ?? 0)],
        ]);
        return callAttr('datetime.timedelta', null, [], kw);
      }
      case '$decimal':
        return callAttr('decimal.Decimal', null, [x as string]);
      case '$module':
        return importModule(x as string, HOST);
    }
  }
  const d = new PyDict();
  for (const k of keys) d.set(k, decode(v[k] as Encoded));
  return d;
}

function objectTypeName(v: PyValue): string | undefined {
  if (v !== null && typeof v === 'object' && 'pyTypeName' in v)
    return (v as { pyTypeName: string }).pyTypeName;
  return undefined;
}

function callMethod0(v: PyValue, name: string): PyValue {
  const m = (v as unknown as { getAttr(name: string): PyValue | undefined }).getAttr(name);
  if (!(m instanceof PyCallable)) throw new Error(`cannot encode: no ${name}()`);
  return m.call([], undefined);
}

const SAFE = 9007199254740991n;

/** Encodes a Python value in the corpus's `$` format. */
export function encode(v: PyValue): Encoded {
  switch (typeof v) {
    case 'string':
    case 'boolean':
      return v;
    case 'bigint':
      // str() applies CPython's 4300-digit limit, as the recording did
      return v >= -SAFE && v <= SAFE ? Number(v) : { $int: pyStr(v) };
    case 'number':
      return { $float: floatRepr(v) };
  }
  if (v === null) return null;
  if (v instanceof PyList) return v.items.map(encode);
  if (v instanceof PyTuple) return { $tuple: v.items.map(encode) };
  if (v instanceof PySet)
    return v.frozen ? { $frozenset: v.values().map(encode) } : { $set: v.values().map(encode) };
  if (v instanceof PyDict) {
    const entries = [...v.entries()];
    const plain = entries.every(
      (e) =>
        typeof e.key === 'string' && !e.key.startsWith('$') && !/^(0|[1-9][0-9]*)$/.test(e.key),
    );
    if (plain) {
      const o: { [key: string]: Encoded } = {};
      for (const e of entries)
        Object.defineProperty(o, e.key as string, {
          value: encode(e.value),
          enumerable: true,
          writable: true,
          configurable: true,
        });
      return o;
    }
    return { $dict: entries.map((e) => [encode(e.key), encode(e.value)]) };
  }
  if (v instanceof PyModule) return { $module: v.name };
  switch (objectTypeName(v)) {
    case 'datetime.datetime':
      return { $datetime: pyStr(callMethod0(v, 'isoformat')) };
    case 'datetime.date':
      return { $date: pyStr(callMethod0(v, 'isoformat')) };
    case 'datetime.time':
      return { $time: pyStr(callMethod0(v, 'isoformat')) };
    case 'datetime.timedelta': {
      const get = (n: string): number =>
        Number((v as unknown as { getAttr(name: string): PyValue }).getAttr(n) as bigint);
      return {
        $timedelta: {
          days: get('days'),
          seconds: get('seconds'),
          microseconds: get('microseconds'),
        },
      };
    }
    case 'decimal.Decimal':
      return { $decimal: pyStr(v) };
  }
  throw new Error(
    `cannot encode a value of type ${objectTypeName(v) ?? (v as object).constructor.name}`,
  );
}

// ---------------------------------------------------------------------------------------------
// Comparison

function floatsEqual(a: string, b: string): boolean {
  const x = Number(a === 'inf' ? Infinity : a === '-inf' ? -Infinity : a === 'nan' ? NaN : a);
  const y = Number(b === 'inf' ? Infinity : b === '-inf' ? -Infinity : b === 'nan' ? NaN : b);
  if (Number.isNaN(x) && Number.isNaN(y)) return true;
  return Object.is(x, y);
}

/** Structural equality of two encoded values under the README's rules. */
export function encodedEqual(a: Encoded, b: Encoded): boolean {
  if (a === null || b === null || typeof a !== 'object' || typeof b !== 'object') return a === b;
  if (Array.isArray(a) || Array.isArray(b)) {
    if (!Array.isArray(a) || !Array.isArray(b) || a.length !== b.length) return false;
    return a.every((x, i) => encodedEqual(x, b[i] as Encoded));
  }
  const ka = Object.keys(a);
  const kb = Object.keys(b);
  if (ka.length !== kb.length || ka.some((k, i) => k !== kb[i])) return false;
  if (ka.length === 1) {
    const tag = ka[0] as string;
    const x = a[tag] as Encoded;
    const y = b[tag] as Encoded;
    if (tag === '$float') return floatsEqual(String(x), String(y));
    if (tag === '$set' || tag === '$frozenset')
      return multisetEqual(x as Encoded[], y as Encoded[]);
  }
  return ka.every((k) => encodedEqual(a[k] as Encoded, b[k] as Encoded));
}

function multisetEqual(a: Encoded[], b: Encoded[]): boolean {
  if (a.length !== b.length) return false;
  const used = new Array<boolean>(b.length).fill(false);
  for (const x of a) {
    const i = b.findIndex((y, j) => !used[j] && encodedEqual(x, y));
    if (i < 0) return false;
    used[i] = true;
  }
  return true;
}

function matches(outcome: Outcome, expect: Expectation): boolean {
  if ('error' in outcome) return expect.error === outcome.error;
  if (expect.error !== undefined) return false;
  if ('value' in outcome)
    return 'value' in expect && encodedEqual(outcome.value, expect.value as Encoded);
  return expect.context !== undefined && encodedEqual(outcome.context, expect.context);
}

// ---------------------------------------------------------------------------------------------
// Running

/** Runs one case and returns its encoded outcome. */
export function runCase(c: Case): Outcome {
  try {
    const bindings = new Map<string, PyValue>();
    for (const [name, path] of Object.entries(c.globals ?? {}))
      bindings.set(name, moduleAttr(path));
    const context = new Map<string, PyValue>();
    for (const [k, v] of Object.entries(c.context)) context.set(k, decode(v));
    if (c.kind === 'eval') {
      return { value: encode(evaluate(c.source, context, { globals: bindings, host: HOST })) };
    }
    execute(c.source, context, { globals: bindings, host: HOST });
    const out: { [key: string]: Encoded } = {};
    for (const [k, v] of context)
      Object.defineProperty(out, k, {
        value: encode(v),
        enumerable: true,
        writable: true,
        configurable: true,
      });
    return { context: out };
  } catch (e) {
    if (e instanceof PyException) return { error: e.pyType, message: e.pyMessage };
    return {
      error: `JS:${e instanceof Error ? e.name : typeof e}`,
      message: e instanceof Error ? e.message : String(e),
    };
  }
}

function oneLine(text: string, max = 80): string {
  const s = JSON.stringify(text);
  return s.length > max ? s.slice(0, max - 1) + '…' : s;
}

function describe(x: Outcome | Expectation): string {
  if ('error' in x && x.error !== undefined)
    return `${x.error}(${JSON.stringify(x.message ?? '')})`;
  if ('value' in x) return JSON.stringify(x.value);
  return JSON.stringify((x as { context?: unknown }).context);
}

/**
 * Runs every case of a `cases.json` file.
 * @throws {@link CorpusMissingError} when the file does not exist.
 */
export async function runPythonCorpus(casesFile: string): Promise<CorpusReport> {
  if (!existsSync(casesFile)) {
    throw new CorpusMissingError(
      `Python corpus not found: ${casesFile} (expected shared/conformance/python/cases.json)`,
    );
  }
  const doc = JSON.parse(readFileSync(casesFile, 'utf8')) as { cases: Case[] };
  const lines: string[] = [];
  const failuresByFamily = new Map<string, number>();
  let passed = 0;
  let failed = 0;
  for (const c of doc.cases) {
    const outcome = runCase(c);
    if (
      matches(outcome, c.expect) ||
      (c.expect_alt !== undefined && matches(outcome, c.expect_alt))
    ) {
      passed++;
      continue;
    }
    failed++;
    const family = c.tags?.[0] ?? c.id.replace(/-[0-9a-f]+$/, '');
    failuresByFamily.set(family, (failuresByFamily.get(family) ?? 0) + 1);
    lines.push(
      `FAIL ${c.id} ${oneLine(c.source)} expected ${describe(c.expect).slice(0, 200)} actual ${describe(outcome).slice(0, 200)}`,
    );
  }
  const summary = [...failuresByFamily.entries()]
    .sort((a, b) => b[1] - a[1])
    .map(([f, n]) => `  ${f}: ${n} failed`);
  return { passed, failed, lines, summary };
}
