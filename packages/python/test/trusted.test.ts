import { describe, expect, it } from 'vitest';
import {
  PyDict,
  PyException,
  PyModule,
  evaluate,
  execute,
  executeHostCode,
  fromPython,
  importModule,
  type PyValue,
} from '../src/index.js';
import { BUILTINS } from '../src/builtins.js';

function outcome(fn: () => unknown): string {
  try {
    fn();
    return 'ok';
  } catch (e) {
    if (e instanceof PyException) return `${e.pyType}: ${e.pyMessage}`;
    return `JS ${String(e)}`;
  }
}

/** Runs host code in a fresh namespace and returns it. */
function host(source: string, seed: Record<string, PyValue> = {}): Map<string, PyValue> {
  const ns = new Map<string, PyValue>(Object.entries(seed));
  executeHostCode(source, ns);
  return ns;
}

/** Runs a (sandboxed) model script with `globals`, returning the data it leaves. */
function model(source: string, globals?: Map<string, PyValue>): Record<string, unknown> {
  const data = new Map<string, PyValue>();
  execute(source, data, { globals });
  const out: Record<string, unknown> = {};
  for (const [k, v] of data) if (!(v instanceof PyModule)) out[k] = fromPython(v);
  return out;
}

// The spiff corpus prelude that makes `import time; time.time()` read a host-defined clock.
const CLOCK_PRELUDE = `import builtins as _builtins, types as _types
_time = _types.ModuleType('time')
_time.time = lambda: 1234.5
def _import(name, *args, **kwargs):
    return _time if name == 'time' else _builtins.__import__(name, *args, **kwargs)
__builtins__ = dict(vars(_builtins), __import__=_import)
`;

describe('executeHostCode (trusted mode)', () => {
  it('keeps every name it binds, functions included', () => {
    const ns = host('n = 1\ndef f(x):\n    return x + n\ng = lambda: f(1)');
    expect([...ns.keys()]).toEqual(['n', 'f', 'g']);
    expect(model('r = g()', ns)).toEqual({ r: 2 });
  });

  it('offers the builtins module: exactly the sandbox builtins, read-only', () => {
    const ns = host('import builtins\nnames = sorted(vars(builtins))\nimp = builtins.__import__');
    expect(fromPython(ns.get('names') as PyValue)).toEqual([...BUILTINS.keys()].sort());
    expect(ns.get('imp')).toBe(BUILTINS.get('__import__'));
    expect(outcome(() => host('import builtins\nbuiltins.len = 1'))).toBe(
      "AttributeError: 'module' object has no attribute 'len'",
    );
    expect(outcome(() => host('import builtins\ndel builtins.len'))).toMatch(/^AttributeError/);
    // vars() gives a copy: changing it changes nothing
    expect(
      fromPython(host('import builtins\nvars(builtins)["len"] = 1\nr = len("ab")').get('r')!),
    ).toBe(2);
  });

  it('offers types.ModuleType: modules whose attributes can be assigned', () => {
    const ns = host(`import types
m = types.ModuleType('clock')
m.a = 1
m.a += 2
m.b = 'x'
del m.b
r = [m.a, repr(m), isinstance(m, types.ModuleType), type(m).__name__, sorted(vars(m))]
`);
    expect(fromPython(ns.get('r')!)).toEqual([3, "<module 'clock'>", true, 'module', ['a']]);
    expect(outcome(() => host('import types\nm = types.ModuleType("m")\nm.__dict__ = 1'))).toBe(
      "AttributeError: 'module' object attribute '__dict__' is read-only",
    );
    expect(outcome(() => host('import types\nm = types.ModuleType("m")\nm.__dict__'))).toMatch(
      /^AttributeError/,
    );
    expect(outcome(() => host('import types\ndel types.ModuleType("m").x'))).toBe(
      "AttributeError: 'module' object has no attribute 'x'",
    );
    expect(outcome(() => host('import types\ntypes.ModuleType(1)'))).toBe(
      "TypeError: module() argument 'name' must be str, not int",
    );
    expect(outcome(() => host('import types\ntypes.ModuleType()'))).toBe(
      "TypeError: module() missing required argument 'name' (pos 1)",
    );
    expect(outcome(() => host('import types\ntypes.ModuleType("a", "b", "c")'))).toBe(
      'TypeError: module() takes at most 2 arguments (3 given)',
    );
    expect(outcome(() => host('import types\ntypes.ModuleType("a", bad=1)'))).toBe(
      "TypeError: module() got an unexpected keyword argument 'bad'",
    );
  });

  it('offers vars(module) and vars() only', () => {
    const ns = host('import math\nd = vars(math)\nx = 1\nv = vars()');
    expect((ns.get('d') as PyDict).get('pi')).toBe(Math.PI);
    expect(fromPython((ns.get('v') as PyDict).get('x')!)).toBe(1);
    for (const [arg, message] of [
      ['1', 'TypeError: vars() argument must have __dict__ attribute'],
      ['len', 'TypeError: vars() argument must have __dict__ attribute'],
      ['int', 'TypeError: vars() argument must have __dict__ attribute'],
      ['{}', 'TypeError: vars() argument must have __dict__ attribute'],
      ['1, 2', 'TypeError: vars expected at most 1 argument, got 2'],
      ['x=1', 'TypeError: vars() takes no keyword arguments'],
    ]) {
      expect(outcome(() => host(`vars(${arg})`))).toBe(message);
    }
  });

  it('is still the sandbox: no host access, limits apply', () => {
    for (const source of ['import os', 'import sys', '__import__("importlib")', 'import types.x']) {
      expect(outcome(() => host(source))).toMatch(/^ImportError/);
    }
    for (const source of ['getattr', 'globals()', 'open', 'eval', 'exec', 'object', 'setattr']) {
      expect(outcome(() => host(source))).toMatch(/^NameError/);
    }
    for (const source of [
      'import builtins\nbuiltins.__class__',
      'import builtins\nbuiltins.__dict__',
      'import types\ntypes.ModuleType.__init__',
      'import types\ntypes.ModuleType("m").__class__',
      '(lambda: 1).__globals__',
    ]) {
      expect(outcome(() => host(source))).toMatch(/^AttributeError/);
    }
    expect(() => executeHostCode('while True: pass', new Map(), { maxSteps: 1000 })).toThrow(
      /step limit/,
    );
    // JS property names are plain names
    const ns = host('import builtins\nd = vars(builtins)');
    for (const key of ['constructor', '__proto__', 'toString', 'prototype']) {
      expect((ns.get('d') as PyDict).get(key)).toBeUndefined();
    }
  });

  it('takes the clock from its host', () => {
    const ns = new Map<string, PyValue>();
    executeHostCode('import time\nt = time.time()', ns, { host: { now: () => 5000 } });
    expect(ns.get('t')).toBe(5);
  });
});

describe('a __builtins__ dict left by host code', () => {
  it('serves model scripts: `import time` calls its __import__', () => {
    const ns = host(CLOCK_PRELUDE);
    expect(model('import time\nt = time.time()\ndel time', ns)).toEqual({ t: 1234.5 });
    expect(
      model('import math\nr = math.floor(2.5)\nfrom json import dumps\ns = dumps([1])', ns),
    ).toEqual({
      r: 2,
      s: '[1]',
    });
    expect(model('def f():\n    import time\n    return time.time()\nr = f()', ns)).toEqual({
      r: 1234.5,
    });
    expect(model('from time import time as now\nr = now()', ns)).toEqual({ r: 1234.5 });
    // conditions too
    expect(
      evaluate(
        'len(x) + time_fn()',
        { x: 'ab' },
        {
          globals: new Map([...ns, ['time_fn', (ns.get('_time') as PyModule).attrs.get('time')!]]),
        },
      ),
    ).toBe(1236.5);
  });

  it('gives model scripts no more than the sandbox', () => {
    const ns = host(CLOCK_PRELUDE);
    // the builtins module's __import__ imports what the running (untrusted) code may import
    for (const source of [
      'import types',
      'import builtins',
      'import os',
      '__import__("types")',
      '_builtins.__import__("types")',
      '__builtins__["__import__"]("builtins")',
      'def f():\n    import types\nf()',
    ]) {
      expect(
        outcome(() => model(source, ns)),
        source,
      ).toMatch(/^ImportError/);
    }
    // the dict holds exactly the sandbox builtins: no vars, getattr, ...
    for (const source of [
      'vars',
      'vars()',
      'getattr',
      'globals',
      'def f():\n    return vars\nf()',
    ]) {
      expect(
        outcome(() => model(source, ns)),
        source,
      ).toMatch(/^NameError/);
    }
    expect(outcome(() => model('_builtins.vars', ns))).toMatch(/^AttributeError/);
    expect(outcome(() => model('_builtins.len = 1', ns))).toMatch(/^AttributeError/);
  });

  it('is removed from the task data after a script, like SpiffWorkflow does', () => {
    const ns = host(CLOCK_PRELUDE);
    expect(Object.keys(model('x = 1', ns))).toEqual(['x']);
    expect(Object.keys(model('__builtins__ = {"a": 1}\nx = 1'))).toEqual(['x']);
  });

  it('is fixed when code starts or a function is defined, as in CPython', () => {
    // functions defined before the assignment keep the sandbox builtins
    const ns = host(
      'def early():\n    return len("abc")\n__builtins__ = {"len": lambda s: -1}\ndef late():\n    return len("abc")\nnow = len("abc")',
    );
    expect(fromPython(ns.get('now')!)).toBe(3);
    expect(model('a = early()\nb = late()', ns)).toEqual({ a: 3, b: -1 });
    // a model script starting with that __builtins__ uses it for its own names
    expect(model('r = len("abc")', ns)).toEqual({ r: -1 });
    expect(outcome(() => model('r = abs(1)', ns))).toBe("NameError: name 'abs' is not defined");
  });
});

describe('untrusted code assigning __builtins__', () => {
  it('cannot reach trusted names or modules', () => {
    for (const source of ['import builtins', 'import types', '__import__("builtins")']) {
      expect(outcome(() => model(source))).toMatch(/^ImportError/);
    }
    expect(outcome(() => model('vars'))).toMatch(/^NameError/);
    expect(outcome(() => model('__builtins__'))).toMatch(/^NameError/);
  });

  it('only redirects later functions to values it already had', () => {
    const source = `__builtins__ = {'__import__': lambda name, *rest: ['fake', name, rest[2], rest[3]], 'n': 7}
def f():
    import os
    return os
def g():
    return n
def h():
    return len
r1 = len([1])
r2 = f()
r3 = g()
try:
    h()
except NameError as e:
    r4 = str(e)
try:
    import sys
except ImportError as e:
    r5 = str(e)
`;
    expect(model(source)).toEqual({
      r1: 1,
      r2: ['fake', 'os', null, 0],
      r3: 7,
      r4: "name 'len' is not defined",
      r5: 'Import not allowed: sys',
    });
  });

  it('keeps the sandboxed importer behind any __import__ it installs', () => {
    const source = `real = __import__
__builtins__ = {'__import__': lambda name, *rest: real(name)}
def f(name):
    import os
def g():
    from types import ModuleType
`;
    expect(outcome(() => model(`${source}\nf("os")`))).toBe('ImportError: Import not allowed: os');
    expect(outcome(() => model(`${source}\ng()`))).toBe('ImportError: Import not allowed: types');
    expect(model(`${source}\ndef k():\n    import math\n    return math.sqrt(4)\nr = k()`)).toEqual(
      {
        r: 2,
      },
    );
  });

  it('handles odd __builtins__ values like CPython', () => {
    expect(outcome(() => model('__builtins__ = None\ndef f():\n    return len\nf()'))).toBe(
      "TypeError: 'NoneType' object is not subscriptable",
    );
    expect(outcome(() => model('__builtins__ = {}\ndef f():\n    import os\nf()'))).toBe(
      'ImportError: __import__ not found',
    );
    expect(model('import math\n__builtins__ = math\ndef f():\n    return pi\nr = f()')).toEqual({
      r: Math.PI,
    });
    expect(
      outcome(() =>
        model(
          '__builtins__ = {"__import__": lambda *a: 1}\ndef f():\n    from os import path\nf()',
        ),
      ),
    ).toBe("ImportError: cannot import name 'path' from 'os'");
    expect(
      outcome(() =>
        model('__builtins__ = {"__import__": lambda *a: 1}\ndef f():\n    from os import *\nf()'),
      ),
    ).toBe("ImportError: cannot import * from 'os'");
    for (const key of ['constructor', '__proto__', 'toString', 'hasOwnProperty']) {
      expect(outcome(() => model(`__builtins__ = {}\ndef f():\n    return ${key}\nf()`))).toBe(
        `NameError: name '${key}' is not defined`,
      );
    }
  });

  it('still counts against the step budget', () => {
    expect(() =>
      execute(
        '__builtins__ = {"__import__": lambda *a: [0 for _ in range(10**9)]}\ndef f():\n    import x\nf()',
        new Map(),
        { maxSteps: 10_000 },
      ),
    ).toThrow(/step limit/);
  });

  it('cannot assign attributes of stdlib modules', () => {
    expect(outcome(() => model('import math\nmath.pi = 3'))).toMatch(/^AttributeError/);
    expect(outcome(() => model('import math\ndel math.pi'))).toMatch(/^AttributeError/);
    expect(outcome(() => model('import math\nmath.pi += 1'))).toMatch(/^AttributeError/);
    expect(importModule('math').attrs.get('pi')).toBe(Math.PI);
  });
});
