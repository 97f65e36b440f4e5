import { describe, expect, it } from 'vitest';
import { PyException, evaluate, execute, type PyValue } from '../src/index.js';

/** mulberry32: a small deterministic PRNG so failures reproduce. */
function prng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const TOKENS = [
  'x',
  'y',
  'items',
  'd',
  's',
  'f',
  'i',
  'None',
  'True',
  'False',
  '0',
  '1',
  '2',
  '-1',
  '3.5',
  '1e308',
  '2 ** 64',
  '"a"',
  "'b'",
  '""',
  'f"{x}"',
  'f"{x:>{y}}"',
  '"%s" % x',
  '+',
  '-',
  '*',
  '/',
  '//',
  '%',
  '**',
  '<<',
  '>>',
  '&',
  '|',
  '^',
  '~',
  '<',
  '>',
  '==',
  '!=',
  '<=',
  '>=',
  'and',
  'or',
  'not',
  'in',
  'is',
  'if',
  'else',
  'elif',
  'for',
  'while',
  'def',
  'return',
  'lambda',
  'try',
  'except',
  'finally',
  'raise',
  'pass',
  'break',
  'continue',
  'del',
  'global',
  'nonlocal',
  'import',
  'from',
  'as',
  'assert',
  'class',
  'yield',
  '(',
  ')',
  '[',
  ']',
  '{',
  '}',
  ',',
  ':',
  '.',
  ';',
  '=',
  '+=',
  '*',
  '**',
  '\n',
  '\n    ',
  '\n        ',
  '\t',
  '\\\n',
  '#',
  'len',
  'range',
  'sorted',
  'str',
  'int',
  'float',
  'dict',
  'list',
  'set',
  'sum',
  'max',
  'min',
  'print',
  'isinstance',
  'locals',
  'json',
  'math',
  'x.append',
  '.upper()',
  '.split(",")',
  '[::-1]',
  '[1:]',
  '__class__',
  '__proto__',
  'constructor',
  'ValueError',
];

const SNIPPETS = [
  'total = sum(i * i for i in range(10))',
  'def f(a, b=2, *c, **d):\n    return [a, b, c, d]\nr = f(1, k=3)',
  'try:\n    x = int("12a")\nexcept ValueError as e:\n    msg = str(e)\nfinally:\n    done = True',
  'out = {k: v for k, v in sorted(d.items()) if v}',
  'while i < 10:\n    i += 1\n    if i % 3 == 0:\n        continue\nelse:\n    i = -i',
  's = f"{x:>10.3f}|{y!r}|{items[0]}"',
  'r = [s.upper().split(",")[::-1] for s in ["a,b", "c"]]',
  'import json\nj = json.dumps({"a": [1, 2.5, None]})\ndel json',
  'a, *b = items\nc = {**d, "z": b}',
  'x = "%05.1f %s %r" % (3.14159, "a", None)',
  'g = lambda n: 1 if n <= 1 else n * g(n - 1)\nr = g(20)',
  'if x > 1 and not y or items:\n    z = x if y else items[-1]',
];

const ALPHABET = ' \n\t()[]{}:;,.=+-*/%<>!&|^~@#"\'\\abcxyz019_éß😀\u0000\u2028';

function tokenSoup(rand: () => number): string {
  const n = 1 + Math.floor(rand() * 25);
  const parts: string[] = [];
  for (let i = 0; i < n; i++) parts.push(TOKENS[Math.floor(rand() * TOKENS.length)] as string);
  return parts.join(rand() < 0.7 ? ' ' : '');
}

function mutate(rand: () => number): string {
  let s = SNIPPETS[Math.floor(rand() * SNIPPETS.length)] as string;
  const edits = 1 + Math.floor(rand() * 4);
  for (let e = 0; e < edits; e++) {
    const pos = Math.floor(rand() * (s.length + 1));
    const r = rand();
    if (r < 0.3) s = s.slice(0, pos) + s.slice(pos + 1 + Math.floor(rand() * 4));
    else if (r < 0.6)
      s = s.slice(0, pos) + (TOKENS[Math.floor(rand() * TOKENS.length)] as string) + s.slice(pos);
    else if (r < 0.8)
      s =
        s.slice(0, pos) + (ALPHABET[Math.floor(rand() * ALPHABET.length)] as string) + s.slice(pos);
    else s = s.slice(0, pos) + s.slice(Math.floor(rand() * s.length));
  }
  return s;
}

function randomText(rand: () => number): string {
  const n = Math.floor(rand() * 40);
  let s = '';
  for (let i = 0; i < n; i++) {
    s +=
      rand() < 0.8
        ? (ALPHABET[Math.floor(rand() * ALPHABET.length)] as string)
        : String.fromCharCode(Math.floor(rand() * 0x10000));
  }
  return s;
}

function context(): Record<string, PyValue> {
  return {
    x: 3n,
    y: 'b',
    i: 0n,
    s: 'a,b',
    items: evaluateList(),
    d: evaluate('{"a": 1, "b": [2]}'),
  };
}
function evaluateList(): PyValue {
  return evaluate('[1, "two", 3.0, None]');
}

/** Runs source both ways; returns a description of any non-Python failure. */
function check(source: string): string | null {
  for (const mode of ['eval', 'exec'] as const) {
    try {
      if (mode === 'eval') evaluate(source, context(), { maxSteps: 20_000, maxSize: 100_000 });
      else execute(source, context(), { maxSteps: 20_000, maxSize: 100_000 });
    } catch (e) {
      if (!(e instanceof PyException)) return `${mode} ${JSON.stringify(source)}: ${String(e)}`;
    }
  }
  return null;
}

describe('fuzz: every outcome is a value or a Python exception', () => {
  it.each([
    ['token soups', tokenSoup, 1],
    ['mutated snippets', mutate, 2],
    ['random text', randomText, 3],
  ] as const)('%s', (_name, generate, seed) => {
    const rand = prng(seed);
    const failures: string[] = [];
    // A hang would show as vitest's timeout; the step budget is what prevents one.
    for (let n = 0; n < Number(process.env.FUZZ_N ?? 1500); n++) {
      const failure = check(generate(rand));
      if (failure) failures.push(failure);
    }
    expect(failures.slice(0, 5)).toEqual([]);
  });
});
