import { describe, expect, it } from 'vitest';
import {
  applyAssign,
  assign,
  attrib,
  matches,
  operator,
  pathAttrib,
  pyStr,
  valueOf,
  WorkflowTaskError,
  type DataScope,
  type EvalSite,
} from '@spiff-ts/core';

function scope(data: Record<string, unknown>): EvalSite {
  return {
    id: 'task-1',
    taskSpec: { name: 'spec' },
    getData: (name, fallback) => (Object.hasOwn(data, name) ? data[name] : fallback),
    setData: (values) => Object.assign(data, values),
  };
}

describe('operators', () => {
  const task = scope({ n: 1, s: 'yes', flag: true, nested: { a: { b: 'deep' } } });

  it('resolves terms like valueof', () => {
    expect(valueOf(task, attrib('n'))).toBe(1);
    expect(valueOf(task, attrib('missing'), 'dflt')).toBe('dflt');
    expect(valueOf(task, pathAttrib('nested/a/b'))).toBe('deep');
    expect(valueOf(task, pathAttrib('nested/x/b'), 0)).toBe(0);
    expect(valueOf(task, 'literal')).toBe('literal');
    expect(valueOf(task, null, 7)).toBe(7);
  });

  it.each([
    [operator('Equal', attrib('n'), '1'), true],
    [operator('Equal', attrib('flag'), 'True'), true],
    [operator('Equal', attrib('missing'), 'None'), true],
    [operator('NotEqual', attrib('s'), 'no'), true],
    [operator('GreaterThan', attrib('n'), '0'), true],
    [operator('LessThan', attrib('n'), '1'), false],
    [{ typename: 'Match', args: [attrib('s')], regex: '^y' } as const, true],
  ])('%j → %s', (op, expected) => {
    expect(matches(op, task)).toBe(expected);
  });

  it('fails like int() on non-numbers', () => {
    expect(() => matches(operator('GreaterThan', attrib('s'), '1'), task)).toThrow(
      WorkflowTaskError,
    );
  });

  it('assigns literals and fields (missing fields give null)', () => {
    const target: Record<string, unknown> = {};
    const to: DataScope = scope(target);
    applyAssign(assign('a', { right: 'x' }), task, to);
    applyAssign(assign('b', { rightAttribute: 'n' }), task, to);
    applyAssign(assign('c', { rightAttribute: 'missing' }), task, to);
    expect(target).toEqual({ a: 'x', b: 1, c: null });
  });

  it('formats values like Python str()', () => {
    expect([
      pyStr(1),
      pyStr(1.5),
      pyStr(true),
      pyStr(null),
      pyStr(['a', 1]),
      pyStr({ k: 'v' }),
    ]).toEqual(['1', '1.5', 'True', 'None', "['a', 1]", "{'k': 'v'}"]);
  });
});
