import { describe, expect, it } from 'vitest';
import { PyException, PyList, PyTuple, builtin, callValue, type PyValue } from '../src/values.js';
import { parsePattern, RE_FLAGS } from '../src/modules/regex/parser.js';
import { PyMatch } from '../src/modules/re.js';
import { attr, call, mod, pyRepr } from './stdlib-helpers.js';

const re = mod('re');

function pyError(fn: () => unknown): string {
  try {
    fn();
  } catch (e) {
    if (e instanceof PyException) return `${e.pyType}: ${e.pyMessage}`;
    throw e;
  }
  return 'no error';
}

describe('pattern parsing', () => {
  it.each([
    ['(?P<y>\\d{4})', 'y'],
    ['(?P<a>x)(?P=a)', 'a'],
  ])('named groups in %s', (pattern, name) => {
    const t = parsePattern(pattern);
    expect(t.groupIndex.get(name)).toBe(1);
    expect(t.groups).toBe(1);
  });

  it('collects leading inline flags', () => {
    expect(parsePattern('(?i)abc').flags & RE_FLAGS.IGNORECASE).toBeTruthy();
    expect(parsePattern('(?x) a b # c').root).toEqual({
      t: 'seq',
      items: [
        { t: 'char', c: 0x61, i: false, a: false },
        { t: 'char', c: 0x62, i: false, a: false },
      ],
    });
  });

  it.each([
    ['(', 'missing ), unterminated subpattern at position 0'],
    ['a)', 'unbalanced parenthesis at position 1'],
    ['*a', 'nothing to repeat at position 0'],
    ['[a', 'unterminated character set at position 0'],
    ['\\q', 'bad escape \\q at position 0'],
    ['a(?i)b', 'global flags not at the start of the expression at position 1'],
    ['(a)\\2', 'invalid group reference 2 at position 4'],
  ])('rejects %s', (pattern, message) => {
    expect(() => parsePattern(pattern)).toThrow(message);
  });
});

describe('re module', () => {
  const group = (m: PyValue, ...a: PyValue[]): PyValue => call(m, 'group', a);

  it.each<[string, () => PyValue, string]>([
    ['search', () => group(call(re, 'search', ['\\d+', 'ab12cd'])), "'12'"],
    ['sub whitespace', () => call(re, 'sub', ['\\s+', ' ', 'a   b \t c']), "'a b c'"],
    ['fullmatch', () => call(re, 'fullmatch', ['a|ab', 'ab']) instanceof PyMatch, 'True'],
    ['match miss', () => call(re, 'match', ['\\d+', 'abc']), 'None'],
    [
      'findall tuples',
      () => call(re, 'findall', ['(\\w)=(\\d)', 'a=1, b=2']),
      "[('a', '1'), ('b', '2')]",
    ],
    ['findall one group', () => call(re, 'findall', ['(\\d)x?', '1x2']), "['1', '2']"],
    ['split', () => call(re, 'split', ['[,;]\\s*', 'a, b;c']), "['a', 'b', 'c']"],
    ['split groups', () => call(re, 'split', ['(-)', 'a-b']), "['a', '-', 'b']"],
    [
      'split maxsplit',
      () => call(re, 'split', ['\\W+', 'a b c'], { maxsplit: 1n }),
      "['a', 'b c']",
    ],
    ['escape', () => call(re, 'escape', ['a.b*c']), "'a\\\\.b\\\\*c'"],
    ['snake case', () => call(re, 'sub', ['(?<!^)(?=[A-Z])', '_', 'CamelCase']), "'Camel_Case'"],
    [
      'template',
      () => call(re, 'sub', ['(\\w+)@(\\w+)', '\\2 at \\g<1>', 'me@home']),
      "'home at me'",
    ],
    ['named template', () => call(re, 'sub', ['(?P<x>\\d)', '<\\g<x>>', 'a1']), "'a<1>'"],
    ['empty matches', () => call(re, 'sub', ['x*', '-', 'abxd']), "'-a-b--d-'"],
    ['empty then non-empty', () => call(re, 'findall', ['|a', 'a']), "['', 'a', '']"],
    [
      'ignorecase',
      () => call(re, 'sub', ['x', 'y', 'XxX'], { flags: attr(re, 'IGNORECASE') }),
      "'yyy'",
    ],
    [
      'multiline',
      () => call(re, 'findall', ['^b', 'a\nb\nb'], { flags: attr(re, 'M') }),
      "['b', 'b']",
    ],
    ['dollar before newline', () => call(re, 'search', ['a$', 'a\n']) instanceof PyMatch, 'True'],
    ['dot excludes newline', () => call(re, 'match', ['a.b', 'a\nb']), 'None'],
    [
      'word boundary',
      () => call(re, 'findall', ['\\bcat\\b', 'cat concat cat.']),
      "['cat', 'cat']",
    ],
    ['unicode digits', () => call(re, 'findall', ['\\d', '1\u0663']), "['1', '\u0663']"],
    ['literal brace', () => call(re, 'findall', ['{x}', '{x}']), "['{x}']"],
    ['groups default', () => call(call(re, 'match', ['(a)(b)?', 'ac']), 'groups'), "('a', None)"],
    [
      'groupdict',
      () => call(call(re, 'search', ['(?P<y>\\d{4})-(?P<m>\\d{2})', 'on 2024-05']), 'groupdict'),
      "{'y': '2024', 'm': '05'}",
    ],
    ['span', () => call(call(re, 'search', ['\\d+', 'ab12']), 'span'), '(2, 4)'],
    [
      'match repr',
      () => call(re, 'search', ['\\d+', 'ab12']),
      "<re.Match object; span=(2, 4), match='12'>",
    ],
    [
      'pattern repr',
      () => call(re, 'compile', ['\\d', attr(re, 'I')]),
      "re.compile('\\\\d', re.IGNORECASE)",
    ],
    ['subn', () => call(re, 'subn', ['a', 'b', 'aaa'], { count: 2n }), "('bba', 2)"],
    [
      'verbose',
      () => group(call(re, 'match', ['\\d + # digits', '12'], { flags: attr(re, 'X') })),
      "'12'",
    ],
    ['scoped ignorecase', () => call(re, 'findall', ['(?i:a)b', 'AbAB']), "['Ab']"],
  ])('%s', (_name, make, repr) => {
    expect(pyRepr(make())).toBe(repr);
  });

  it('calls a function replacement with the match', () => {
    const double = builtin('double', (a) => {
      const m = a[0] as PyValue;
      return String(Number(call(m, 'group', [1n])) * 2);
    });
    expect(call(re, 'sub', ['(\\d+)', double, 'a1b20'])).toBe('a2b40');
  });

  it('iterates matches', () => {
    const it = call(re, 'finditer', ['\\d', 'a1b2']);
    const items: PyValue[] = [];
    const next = (it as unknown as { next: () => PyValue | undefined }).next;
    for (let v = next(); v !== undefined; v = next()) items.push(call(v, 'group'));
    expect(items).toEqual(['1', '2']);
  });

  it('raises re.error with CPython messages', () => {
    expect(pyError(() => call(re, 'match', ['(', 'x']))).toBe(
      'error: missing ), unterminated subpattern at position 0',
    );
    expect(pyError(() => call(re, 'sub', ['a', '\\q', 'a']))).toBe(
      'error: bad escape \\q at position 0',
    );
    expect(pyError(() => call(re, 'search', ['a', 1n]))).toBe(
      "TypeError: expected string or bytes-like object, got 'int'",
    );
  });

  it('gives plain values', () => {
    expect(call(re, 'findall', ['[0-9]', 'a1b2'])).toEqual(new PyList(['1', '2']));
    expect(callValue(attr(call(re, 'match', ['(a)', 'a']), 'span'), [1n])).toEqual(
      new PyTuple([0n, 1n]),
    );
  });
});
