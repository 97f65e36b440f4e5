import { describe, expect, it } from 'vitest';
import {
  PyDict,
  PyException,
  PyList,
  builtin,
  evaluate,
  execute,
  fromPython,
  pyRepr,
  pyStr,
  toPython,
  type PyValue,
} from '../src/index.js';

/** repr() of the evaluated value, or `Error: message` for Python exceptions. */
function run(source: string, context: Record<string, PyValue> = {}): string {
  try {
    return pyRepr(evaluate(source, context));
  } catch (e) {
    if (e instanceof PyException) return `${e.pyType}: ${e.pyMessage}`;
    throw e;
  }
}

/** Executes a script and returns the JSON-like task data afterwards. */
function exec(script: string, data: Record<string, unknown> = {}): unknown {
  const context: Record<string, PyValue> = {};
  for (const [k, v] of Object.entries(data)) context[k] = toPython(v as never);
  execute(script, context);
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(context)) out[k] = fromPython(v);
  return out;
}

describe('expressions', () => {
  it.each([
    ['1 + 2 * 3', '7'],
    ['7 // 2, -7 // 2, 7 % -3, -7 % 3', '(3, -4, -2, 2)'],
    ['2 ** 100', '1267650600228229401496703205376'],
    ['2 ** -1', '0.5'],
    ['1 / 3', '0.3333333333333333'],
    ['0.1 + 0.2', '0.30000000000000004'],
    ['1e16', '1e+16'],
    ['10 ** 30 / 10 ** 10', '1e+20'],
    ['7.5 // 2, -7.5 % 2', '(3.0, 0.5)'],
    ['True + True', '2'],
    ['1 < 2 < 3', 'True'],
    ['1 < 3 < 2', 'False'],
    ['"a" < "b" <= "b"', 'True'],
    ['(1, "a") < (1, "b")', 'True'],
    ['[] or "x"', "'x'"],
    ['0 and 1 / 0', '0'],
    ['None or [] or "x" or 1', "'x'"],
    ['"yes" if 0 else "no"', "'no'"],
    ['"bc" in "abc"', 'True'],
    ['3 not in [1, 2]', 'True'],
    ['{1: "a", 1.0: "b", True: "c"}', "{1: 'c'}"],
    ['[x * x for x in range(5) if x % 2]', '[1, 9]'],
    ['{k: v for k, v in zip("ab", [1, 2])}', "{'a': 1, 'b': 2}"],
    ['{c for c in "abca"} == {"a", "b", "c"}', 'True'],
    ['sum(x for x in range(101))', '5050'],
    ['[y for x in [[1, 2], [3]] for y in x]', '[1, 2, 3]'],
    ['(lambda a, b=2: a * b)(3)', '6'],
    ['[*range(3), *"ab"]', "[0, 1, 2, 'a', 'b']"],
    ['{**{"a": 1}, "b": 2}', "{'a': 1, 'b': 2}"],
    ['"abcdefgh"[::-2]', "'hfdb'"],
    ['[0, 1, 2, 3, 4][-100:2]', '[0, 1]'],
    ['f"{3.14159:.2f}|{42:>5}|{255:#x}|{1234567:,}"', "'3.14|   42|0xff|1,234,567'"],
    ['f"{"nested"!r:>10}"', "SyntaxError: f-string: expecting '}'"],
    ['f"{x=}"', "'x=5'"],
    ['"%s=%05.1f" % ("v", 3.14159)', "'v=003.1'"],
    ['"{0[0]}{0[1]}-{k}".format("ab", k=1)', "'ab-1'"],
    ['round(2.675, 2), round(0.5), round(1.5), round(-2.5)', '(2.67, 0, 2, -2)'],
    ['round(1234.5, -1), round(125, -1)', '(1230.0, 120)'],
    ['format(0.5, ".0%")', "'50%'"],
    ['sorted(["b", "A", "c"], key=str.upper)', "['A', 'b', 'c']"],
    ['max([(1, "b"), (1, "c")])', "(1, 'c')"],
    ['list(map(str.strip, [" a ", "b "]))', "['a', 'b']"],
    ['dict(enumerate("ab"))', "{0: 'a', 1: 'b'}"],
    ['"Hello, World".split(", ")', "['Hello', 'World']"],
    ['"they\'re bill\'s".title()', '"They\'Re Bill\'S"'],
    ['"  x ".strip() + "|" + "abc".center(7, "*")', "'x|**abc**'"],
    ['int("0x1f", 16), int(" 42 "), float("1e3")', '(31, 42, 1000.0)'],
    ['isinstance(True, int), type(1) is int, type(1.0).__name__', "(True, True, 'float')"],
    ['divmod(-7, 2), divmod(7.5, 2)', '((-4, 1), (3.0, 1.5))'],
    ['pow(7, 2, 5), pow(3, -1, 7)', '(4, 5)'],
    ['hex(255), bin(5), oct(8), chr(233), ord("a")', "('0xff', '0b101', '0o10', 'é', 97)"],
    ['x + 1', 'TypeError: can only concatenate str (not "int") to str'],
  ])('%s', (source, expected) => {
    expect(run(source, { x: source === 'x + 1' ? 'a' : 5n })).toBe(expected);
  });
});

describe('CPython-compatible numerics and ordering', () => {
  it.each([
    ['list({3, 1, 2, 10, 9})', '[1, 2, 3, 9, 10]'],
    ['list({9, 1, 17})', '[9, 1, 17]'],
    ['list(set([40, 8, 1]))', '[40, 8, 1]'],
    ['s = {5, 3}; s.add(1); s', '{1, 3, 5}'],
    ['[x for x in {(1, 2), (0, 1), (2, 0)}]', '[(0, 1), (1, 2), (2, 0)]'],
    ['{1, 2, 3} ^ {3, 4}', '{1, 2, 4}'],
    ['7 ** -2', '0.02040816326530612'],
    ['10.0 ** 23', '1.0000000000000001e+23'],
    ['2 ** -1.5', '0.3535533905932738'],
    ['1e16 ** -2', '1e-32'],
  ])('%s', (source, expected) => {
    if (source.includes(';')) {
      const data: Record<string, PyValue> = {};
      execute(source.replace(/; (?=[a-z])/g, '\n').replace(/\ns$/, '\nr = repr(s)'), data);
      expect(data.r).toBe(expected);
    } else {
      expect(run(source)).toBe(expected);
    }
  });
});

describe('errors carry the Python class and message', () => {
  it.each([
    ['1 / 0', 'ZeroDivisionError: division by zero'],
    ['1 // 0', 'ZeroDivisionError: integer division or modulo by zero'],
    ['undefined_name', "NameError: name 'undefined_name' is not defined"],
    ['{"a": 1}["b"]', "KeyError: 'b'"],
    ['[][0]', 'IndexError: list index out of range'],
    ['None.x', "AttributeError: 'NoneType' object has no attribute 'x'"],
    ['1 < "a"', "TypeError: '<' not supported between instances of 'int' and 'str'"],
    ['int("abc")', "ValueError: invalid literal for int() with base 10: 'abc'"],
    ['"a" * "b"', "TypeError: can't multiply sequence by non-int of type 'str'"],
    ['next(iter([]))', 'StopIteration: '],
    ['x = = 1', 'SyntaxError: invalid syntax'],
  ])('%s', (source, expected) => {
    expect(run(source)).toBe(expected);
  });

  it('reports the line of a runtime error', () => {
    try {
      execute('x = 1\ny = 2\nz = x / 0', {});
      expect.unreachable();
    } catch (e) {
      expect(e).toBeInstanceOf(PyException);
      expect((e as PyException).span?.line).toBe(3);
    }
  });

  it('reports the line of a syntax error', () => {
    try {
      execute('x = 1\nif x\n  y = 2', {});
      expect.unreachable();
    } catch (e) {
      expect((e as PyException).pyType).toBe('SyntaxError');
      expect((e as PyException).span?.line).toBe(2);
    }
  });

  it('lets except LookupError catch KeyError and IndexError', () => {
    expect(exec('try:\n    [][1]\nexcept LookupError as e:\n    r = type(e).__name__')).toEqual({
      r: 'IndexError',
    });
  });
});

describe('statements', () => {
  it.each<[string, string, Record<string, unknown>, unknown]>([
    [
      'tuple unpacking',
      'a, (b, c) = 1, (2, 3)\nd, *e = "hey"',
      {},
      { a: 1, b: 2, c: 3, d: 'h', e: ['e', 'y'] },
    ],
    [
      'augmented assignment on subscripts',
      'd["n"] += 1\nl[0] *= 3',
      { d: { n: 1 }, l: [2] },
      { d: { n: 2 }, l: [6] },
    ],
    [
      'for/else and break',
      'for i in range(5):\n    if i == 2:\n        break\nelse:\n    i = -1',
      {},
      { i: 2 },
    ],
    ['while/else', 'n = 3\nwhile n:\n    n -= 1\nelse:\n    done = True', {}, { n: 0, done: true }],
    [
      'functions are removed afterwards',
      'def f(x, *a, k=2, **kw):\n    return [x, a, k, kw]\nr = f(1, 2, z=3)',
      {},
      { r: [1, { typename: 'tuple', value: [2] }, 2, { z: 3 }] },
    ],
    [
      'closures and nonlocal',
      'def mk():\n    c = 0\n    def inc():\n        nonlocal c\n        c += 1\n        return c\n    return inc\ng = mk()\nr = [g(), g()]\ndel g',
      {},
      { r: [1, 2] },
    ],
    ['global', 'x = 1\ndef g():\n    global x\n    x = 2\ng()', {}, { x: 2 }],
    [
      'try/except/else/finally',
      'try:\n    x = 1\nexcept Exception:\n    x = 2\nelse:\n    y = 3\nfinally:\n    z = 4',
      {},
      { x: 1, y: 3, z: 4 },
    ],
    [
      'except binds and unbinds the name',
      'try:\n    1 / 0\nexcept ZeroDivisionError as e:\n    msg = str(e)\nafter = "e" in locals()',
      {},
      { msg: 'division by zero', after: false },
    ],
    ['del', 'del x, d["a"]', { x: 1, d: { a: 1, b: 2 } }, { d: { b: 2 } }],
    [
      'imports stay as modules',
      'import json\ns = json.dumps({"a": [1]})\ndel json',
      {},
      { s: '{"a": [1]}' },
    ],
    ['slice assignment', 's[1:3] = ["x"]\ndel s[::2]', { s: [0, 1, 2, 3, 4] }, { s: ['x', 4] }],
    [
      'list methods',
      'a.sort(key=lambda v: -v)\na.append(0)\nb = a.pop(0)',
      { a: [3, 1, 2] },
      { a: [2, 1, 0], b: 3 },
    ],
    [
      'generator functions (run eagerly)',
      'def g(n):\n    for i in range(n):\n        yield i * 2\n    yield from "ab"\nr = list(g(3))',
      {},
      { r: [0, 2, 4, 'a', 'b'] },
    ],
    [
      'dict methods',
      'k, v = d.popitem()\nd.setdefault("z", []).append(1)',
      { d: { a: 1, b: 2 } },
      { d: { a: 1, z: [1] }, k: 'b', v: 2 },
    ],
  ])('%s', (_name, script, data, expected) => {
    expect(exec(script, data)).toEqual(expected);
  });

  it('rejects class definitions', () => {
    expect(() => execute('class A:\n    pass', {})).toThrow(/__build_class__/);
  });

  it('shares values with the context (in-place mutation is visible)', () => {
    const items = new PyList([1n]);
    const data: Record<string, PyValue> = { items };
    execute('items.append(2)', data);
    expect(items.items).toEqual([1n, 2n]);
  });

  it('evaluate does not change the context', () => {
    const data: Record<string, PyValue> = { a: 1n };
    expect(evaluate('[a := 5, a][1]', data)).toBe(5n);
    expect(data.a).toBe(1n);
  });

  it('accepts a Map context and keeps insertion order', () => {
    const data = new Map<string, PyValue>([['b', 1n]]);
    execute('a = 2\nb = 3', data);
    expect([...data.keys()]).toEqual(['b', 'a']);
  });

  it('keeps __proto__ as plain data', () => {
    const data: Record<string, PyValue> = {};
    execute('__proto__ = 1\nd = {"__proto__": 2, "constructor": 3}', data);
    expect(Object.getPrototypeOf(data)).toBe(Object.prototype);
    expect(data.__proto__).toBe(1n);
    expect(fromPython(data.d as PyDict)).toEqual(JSON.parse('{"__proto__": 2, "constructor": 3}'));
  });

  it('calls host functions passed as globals, and removes them afterwards', () => {
    const data: Record<string, PyValue> = {};
    const shout = builtin('shout', (args) => pyStr(args[0] ?? null).toUpperCase());
    execute('r = shout("hi")', data, { globals: { shout } });
    expect(data).toEqual({ r: 'HI' });
  });
});
