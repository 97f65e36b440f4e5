/**
 * Functions with `kind="Java"` (or `function(...) external {java: {...}}`) cannot call Java
 * here; the few standard library methods models use are mapped to JavaScript instead.
 */
import { FeelFunction } from 'feelin';

type Impl = (args: readonly unknown[]) => unknown;

const num = (v: unknown): v is number => typeof v === 'number';

function parseNumber(integer: boolean): Impl {
  return ([s]) => {
    if (typeof s !== 'string' || !/^\s*[-+]?(\d+\.?\d*|\.\d+)([eE][-+]?\d+)?\s*$/.test(s))
      return null;
    const n = Number(s);
    return integer && !Number.isInteger(n) ? null : n;
  };
}

function format([pattern, ...rest]: readonly unknown[]): unknown {
  if (typeof pattern !== 'string') return null;
  const values = rest.length === 1 && Array.isArray(rest[0]) ? (rest[0] as unknown[]) : rest;
  let i = 0;
  return pattern.replace(/%[sd]/g, () => String(values[i++] ?? 'null'));
}

const METHODS: Readonly<Record<string, Impl>> = {
  'java.lang.Math.cos(double)': ([a]) => (num(a) ? Math.cos(a) : null),
  'java.lang.Math.sin(double)': ([a]) => (num(a) ? Math.sin(a) : null),
  'java.lang.Math.abs(double)': ([a]) => (num(a) ? Math.abs(a) : null),
  'java.lang.Math.sqrt(double)': ([a]) => (num(a) ? Math.sqrt(a) : null),
  'java.lang.Math.max(double,double)': ([a, b]) => (num(a) && num(b) ? Math.max(a, b) : null),
  'java.lang.Math.max(float,float)': ([a, b]) => (num(a) && num(b) ? Math.max(a, b) : null),
  'java.lang.Math.max(int,int)': ([a, b]) =>
    num(a) && num(b) ? Math.max(Math.trunc(a), Math.trunc(b)) : null,
  'java.lang.Math.max(long,long)': ([a, b]) =>
    num(a) && num(b) ? Math.max(Math.trunc(a), Math.trunc(b)) : null,
  'java.lang.Math.min(double,double)': ([a, b]) => (num(a) && num(b) ? Math.min(a, b) : null),
  'java.lang.Integer.valueOf(java.lang.String)': parseNumber(true),
  'java.lang.Double.valueOf(java.lang.String)': parseNumber(false),
  'java.lang.Float.valueOf(java.lang.String)': parseNumber(false),
  'java.lang.Byte.valueOf(byte)': ([a]) => (num(a) ? Math.trunc(a) : null),
  'java.lang.Short.valueOf(short)': ([a]) => (num(a) ? Math.trunc(a) : null),
  'java.lang.String.valueOf(char)': ([a]) => (typeof a === 'string' && a.length === 1 ? a : null),
  'java.lang.String.format(java.lang.String,[Ljava.lang.Object;)': format,
};

/**
 * A FEEL function for the Java method `className`.`signature` (`max(double,double)`), or one
 * that returns null when the method is not one of the mapped ones.
 */
export function javaFunction(
  className: unknown,
  signature: unknown,
  params: readonly string[],
): FeelFunction {
  const key =
    typeof className === 'string' && typeof signature === 'string'
      ? `${className}.${signature.replace(/\s+/g, '')}`
      : '';
  const impl = METHODS[key];
  return new FeelFunction(
    (...args: unknown[]) => (impl === undefined ? null : impl(args.map((a) => a ?? null))),
    [...params],
  );
}

const EXTERNAL = /^\s*function\s*\(([^)]*)\)\s*external\s*(\{[\s\S]*\})\s*$/;

/** Splits `function(a, b) external {java: ...}` into parameter names and the context text. */
export function parseExternal(text: string): { params: string[]; context: string } | undefined {
  const m = EXTERNAL.exec(text);
  if (m === null) return undefined;
  const params = (m[1] ?? '')
    .split(',')
    .map((p) => p.split(':')[0]?.trim() ?? '')
    .filter((p) => p !== '');
  return { params, context: m[2] ?? '{}' };
}

/** The function an evaluated `external` context (`{java: {class, method signature}}`) names. */
export function externalFunction(spec: unknown, params: readonly string[]): FeelFunction {
  const java =
    spec !== null && typeof spec === 'object' ? (spec as Record<string, unknown>).java : undefined;
  const j = java !== null && typeof java === 'object' ? (java as Record<string, unknown>) : {};
  return javaFunction(j.class, j['method signature'], params);
}
