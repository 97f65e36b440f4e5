import { describe, expect, it } from 'vitest';
import { PyException, builtin, evaluate, execute, type PyValue } from '../src/index.js';

function outcome(fn: () => unknown): string {
  try {
    fn();
    return 'ok';
  } catch (e) {
    if (e instanceof PyException) return e.pyType;
    return `JS ${String(e)}`;
  }
}

const limits = { maxSteps: 200_000 };

describe('no path to the host', () => {
  it.each([
    ['().__class__'],
    ['"".__class__.__mro__'],
    ['(lambda: 1).__globals__'],
    ['[].__proto__'],
    ['{}.constructor'],
    ['"".constructor'],
    ['len.__self__'],
    ['(1).__add__'],
    ['type(1).__subclasses__'],
  ])('%s raises AttributeError', (source) => {
    expect(outcome(() => evaluate(source, {}))).toBe('AttributeError');
  });

  it.each([
    ['open("/etc/passwd")'],
    ['eval("1")'],
    ['exec("x = 1")'],
    ['getattr([], "append")'],
    ['globals()'],
    ['__build_class__'],
    ['compile("1", "", "eval")'],
    ['vars()'],
    ['dir()'],
    ['setattr'],
    ['object'],
    ['hash(1)'],
    ['id(1)'],
    ['input()'],
    ['__builtins__'],
  ])('%s raises NameError', (source) => {
    expect(outcome(() => evaluate(source, {}))).toBe('NameError');
  });

  it.each([
    ['import os'],
    ['import sys'],
    ['from subprocess import run'],
    ['import importlib'],
    ['x = __import__("os")'],
  ])('%s raises ImportError', (source) => {
    expect(outcome(() => execute(source, {}))).toBe('ImportError');
  });

  it('refuses class definitions', () => {
    expect(outcome(() => execute('class A:\n    pass', {}))).toBe('NameError');
  });

  it('treats __proto__ and constructor as plain dict keys and variables', () => {
    const data: Record<string, PyValue> = {};
    execute('d = {}\nd["__proto__"] = 1\nd["constructor"] = 2\nconstructor = 3\nn = len(d)', data);
    expect(data.n).toBe(2n);
    expect(Object.getPrototypeOf(data)).toBe(Object.prototype);
    expect(outcome(() => evaluate('toString', {}))).toBe('NameError');
    expect(outcome(() => evaluate('hasOwnProperty', {}))).toBe('NameError');
  });

  it('does not read inherited properties of the context object', () => {
    const context = Object.create({ inherited: 1n }) as Record<string, PyValue>;
    expect(outcome(() => evaluate('inherited', context))).toBe('NameError');
  });
});

describe('bounded execution', () => {
  it.each([
    ['while True: pass'],
    ['while True:\n    try:\n        pass\n    except BaseException:\n        pass'],
    ['try:\n    while True: pass\nexcept BaseException:\n    pass\nwhile True: pass'],
    ['x = [i for i in range(10 ** 12)]'],
    ['s = sum(range(10 ** 12))'],
    ['for i in range(10 ** 12): pass'],
  ])('%s stops at the step budget', (source) => {
    expect(outcome(() => execute(source, {}, limits))).toBe('TimeoutError');
  });

  it('stops unbounded recursion with RecursionError', () => {
    expect(outcome(() => execute('def f(n):\n    return f(n + 1)\nf(0)', {}))).toBe(
      'RecursionError',
    );
    expect(outcome(() => execute('f = lambda: f()\nf()', {}))).toBe('RecursionError');
    const data: Record<string, PyValue> = {};
    execute(
      'def f(n):\n    return f(n + 1)\ntry:\n    f(0)\nexcept RecursionError:\n    r = "caught"',
      data,
    );
    expect(data.r).toBe('caught');
  });

  it('allows moderate recursion', () => {
    const data: Record<string, PyValue> = {};
    execute('def fact(n):\n    return 1 if n <= 1 else n * fact(n - 1)\nr = fact(150)', data);
    expect(typeof data.r).toBe('bigint');
  });

  it.each([
    ['"a" * 10 ** 12', 'MemoryError'],
    ['[0] * 10 ** 10', 'MemoryError'],
    ['(1,) * 10 ** 9', 'MemoryError'],
    ['"a".center(10 ** 10)', 'MemoryError'],
    ['"%*d" % (10 ** 9, 1)', 'MemoryError'],
    ['f"{1:{10 ** 9}}"', 'MemoryError'],
    ['"x".ljust(10 ** 9)', 'MemoryError'],
    ['2 ** 10 ** 10', 'OverflowError'],
    ['10 ** 10 ** 7', 'OverflowError'],
    ['1 << 10 ** 10', 'OverflowError'],
    ['list(range(10 ** 10))', 'MemoryError'],
  ])('%s fails cleanly', (source, error) => {
    expect(outcome(() => evaluate(source, {}, limits))).toBe(error);
  });

  it('bounds the total size of large values one run builds', () => {
    expect(
      outcome(() =>
        execute('keep = []\nfor i in range(100):\n    keep.append([0] * 5_000_000)', {}),
      ),
    ).toBe('MemoryError');
    expect(outcome(() => execute('keep = ["x" * 9_000_000 for i in range(50)]', {}))).toBe(
      'MemoryError',
    );
  });

  it('gives a nested call (a host function running Python) its own budget and limits', () => {
    const inner = builtin('inner', () => {
      // 5000 iterations would exhaust the outer budget of 1000 steps if they were counted there
      execute('for i in range(5000): pass', {});
      return outcome(() => evaluate('"a" * 50', {}, { maxSize: 10 }));
    });
    const data: Record<string, PyValue> = {};
    let failure: unknown;
    try {
      execute('for i in range(100): pass\nr = inner()\ns = "b" * 50\nwhile True: pass', data, {
        globals: { inner },
        maxSteps: 1000,
      });
    } catch (e) {
      failure = e;
    }
    // the outer call's budget and size limit are its own again after the nested calls
    expect(failure).toBeInstanceOf(PyException);
    expect((failure as PyException).pyType).toBe('TimeoutError');
    expect((failure as PyException).message).toContain('(1000 steps)');
    expect(data.r).toBe('MemoryError');
    expect(data.s).toBe('b'.repeat(50));
    // every call starts with a full budget
    for (let run = 0; run < 3; run++) {
      expect(outcome(() => execute('for i in range(300): pass', {}, { maxSteps: 1000 }))).toBe(
        'ok',
      );
    }
  });

  it('stops doubling a list before memory runs out', () => {
    expect(outcome(() => execute('x = [1]\nwhile True:\n    x += x', {}, limits))).toBe(
      'MemoryError',
    );
    expect(outcome(() => execute('s = "ab"\nwhile True:\n    s = s + s', {}, limits))).toBe(
      'MemoryError',
    );
  });

  it.each([
    ['('.repeat(1000) + '1' + ')'.repeat(1000)],
    ['['.repeat(300) + ']'.repeat(300)],
    ['not '.repeat(5000) + 'x'],
    ['-'.repeat(5000) + '1'],
    ['1' + ' + 1'.repeat(20000)],
  ])('deeply nested source fails or runs without a JS error (%#)', (source) => {
    const result = outcome(() => evaluate(source, { x: 1n }));
    expect(result.startsWith('JS')).toBe(false);
  });
});
