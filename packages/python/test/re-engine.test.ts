import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { evaluate, execute } from '../src/run.js';
import { PyException, PyList, PyTuple, type PyValue } from '../src/values.js';
import { PyMatch, PyPattern } from '../src/modules/re.js';
import { attr, call, mod } from './stdlib-helpers.js';

interface Spans {
  spans: [number, number][];
  lastindex: number | null;
}
interface Case {
  p: string;
  f: number;
  s: string;
  error?: string;
  search?: Spans | null;
  match?: Spans | null;
  fullmatch?: Spans | null;
  findall?: (string | string[])[];
  sub?: string;
  split?: (string | null)[];
}

interface Expression {
  expr: string;
  repr?: string;
  error?: string;
}

const fixture = JSON.parse(
  readFileSync(new URL('./fixtures/re-cases.json', import.meta.url), 'utf8'),
) as { cases: Case[]; expressions: Expression[] };

const re = mod('re');

function spansOf(m: PyValue): Spans | null {
  if (m === null) return null;
  if (!(m instanceof PyMatch)) throw new Error('not a match');
  const spans: [number, number][] = [];
  for (let g = 0; g <= m.pattern.groups; g++) spans.push(m.span(g));
  const li = attr(m, 'lastindex');
  return { spans, lastindex: li === null ? null : Number(li) };
}

function plain(v: PyValue): unknown {
  if (v instanceof PyList || v instanceof PyTuple) return v.items.map(plain);
  return v;
}

function run(c: Case): Record<string, unknown> {
  let pattern: PyPattern;
  try {
    pattern = call(re, 'compile', [c.p, BigInt(c.f)]) as PyPattern;
  } catch (e) {
    if (e instanceof PyException) {
      return { error: e.pyType === 'error' ? e.pyMessage : `${e.pyType}: ${e.pyMessage}` };
    }
    throw e;
  }
  return {
    search: spansOf(call(pattern, 'search', [c.s])),
    match: spansOf(call(pattern, 'match', [c.s])),
    fullmatch: spansOf(call(pattern, 'fullmatch', [c.s])),
    findall: plain(call(pattern, 'findall', [c.s])),
    sub: call(pattern, 'sub', ['<\\g<0>>', c.s]),
    split: plain(call(pattern, 'split', [c.s])),
  };
}

describe('regex engine against CPython 3.11 (recorded)', () => {
  it(`matches ${String(fixture.cases.length)} recorded cases`, () => {
    const failures: string[] = [];
    for (const c of fixture.cases) {
      const { p, f, s, ...expected } = c;
      let got: Record<string, unknown>;
      try {
        got = run(c);
      } catch (e) {
        got = { thrown: String(e) };
      }
      try {
        expect(got).toEqual(expected);
      } catch {
        failures.push(
          `${JSON.stringify({ p, f, s })}\n  expected ${JSON.stringify(expected)}\n  got      ${JSON.stringify(got)}`,
        );
      }
    }
    expect(failures.slice(0, 15).join('\n')).toBe('');
    expect(failures.length).toBe(0);
  });
});

describe('re API against CPython 3.11 (recorded)', () => {
  it.each(fixture.expressions.map((e) => [e.expr, e] as const))('%s', (_expr, e) => {
    let got: string;
    try {
      got = `repr:${String(evaluate(`repr(${e.expr})`, { re }))}`;
    } catch (err) {
      if (!(err instanceof PyException)) throw err;
      got = `error:${err.pyType}: ${err.pyMessage}`;
    }
    expect(got).toBe(e.error === undefined ? `repr:${e.repr ?? ''}` : `error:${e.error}`);
  });
});

describe('regex engine safety', () => {
  const timeout = (script: string, maxSteps = 2_000_000): string => {
    try {
      execute(script, {}, { maxSteps });
    } catch (e) {
      if (e instanceof PyException) return e.pyType;
      throw e;
    }
    return 'no error';
  };

  it.each([
    ["re.match('(a+)+$', 'a' * 40 + 'b')"],
    ["re.match('(a|aa)+$', 'a' * 60 + 'b')"],
    ["re.match('(.*a){20}', 'a' * 40)"],
    ["re.search('(x+x+)+y', 'x' * 60)"],
    ["re.fullmatch('(\\\\w+\\\\s?)+$', 'aaaa ' * 10 + '!')"],
    ["re.findall('(a*)*b', 'a' * 5000)"],
  ])('%s ends with the step-limit TimeoutError', (expr) => {
    expect(timeout(`import re\nx = ${expr}`)).toBe('TimeoutError');
  });

  it('the default budget stops a catastrophic pattern too', () => {
    expect(timeout("import re\nx = re.match('(a+)+$', 'a' * 64 + 'b')", 10_000_000)).toBe(
      'TimeoutError',
    );
  });

  it('runs on a 1 MB input without overflowing the stack', () => {
    const data: Record<string, PyValue> = {};
    execute(
      [
        'import re',
        "s = 'ab' * 500000",
        "n = len(re.findall('a', s))",
        "m = re.fullmatch('(?:ab)*', s) is not None",
        "g = re.fullmatch('(ab)+', s).span(1)",
        "t = re.sub('b+', '', s)[:4]",
        "u = re.fullmatch('(?:a|b)*?', s) is not None",
        "v = re.search('(?<=a)b$', s).start()",
      ].join('\n'),
      data,
      { maxSteps: 100_000_000 },
    );
    expect(data.n).toBe(500000n);
    expect(data.m).toBe(true);
    expect(data.g).toEqual(new PyTuple([999998n, 1000000n]));
    expect(data.t).toBe('aaaa');
    expect(data.u).toBe(true);
    expect(data.v).toBe(999999n);
  });

  it('deeply nested patterns raise RecursionError, as in CPython', () => {
    expect(timeout("import re\nre.compile('(' * 100000 + ')' * 100000)")).toBe('RecursionError');
    expect(
      timeout("import re\nx = re.compile('(' * 300 + 'a' + ')' * 300).match('a').span(300)"),
    ).toBe('no error');
  });

  it('charges regex steps to the budget of the running program', () => {
    const data: Record<string, PyValue> = {};
    // one linear scan of 200k characters fits a budget the catastrophic pattern does not
    execute("import re\nn = len(re.findall('b', 'a' * 200000 + 'b'))", data, {
      maxSteps: 1_000_000,
    });
    expect(data.n).toBe(1n);
    expect(timeout("import re\nn = re.findall('b', 'a' * 200000 + 'b')", 100_000)).toBe(
      'TimeoutError',
    );
  });

  it('a catastrophic pattern never catches the TimeoutError', () => {
    const script = [
      'import re',
      'try:',
      "    re.match('(a+)+$', 'a' * 40 + 'b')",
      'except Exception:',
      '    pass',
    ].join('\n');
    expect(timeout(script)).toBe('TimeoutError');
  });
});
