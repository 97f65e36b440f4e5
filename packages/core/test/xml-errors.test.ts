import { describe, expect, it } from 'vitest';
import { loadSpiffXml, parseSpiffXml, ValidationError } from '@spiff-ts/core';
import { loadSpiffXmlFile } from '@spiff-ts/core/node';
import { fixture } from './helpers.js';

function errorOf(fn: () => unknown): ValidationError {
  try {
    fn();
  } catch (error) {
    if (error instanceof ValidationError) return error;
    throw error;
  }
  throw new Error('expected a ValidationError');
}

describe('malformed spec XML', () => {
  it('names the file and line of a not well-formed document', () => {
    const error = errorOf(() => loadSpiffXmlFile(fixture('bad/unclosed.xml')));
    expect(error.location.file).toBe(fixture('bad/unclosed.xml'));
    expect(error.location.line).toBe(8);
    expect(error.message).toMatch(/unclosed\.xml, line 8/);
    expect(error.message).toMatch(/<task name="first"> opened at line 6 is not closed/);
    expect(error.location).toMatchObject({ tag: 'task', elementId: 'first' });
  });

  it('names the element (tag and name) and line of an unknown child', () => {
    const error = errorOf(() => loadSpiffXmlFile(fixture('bad/unknown-node.xml')));
    expect(error.message).toBe(
      `Unknown node <sucessor> in <task name="first"> (${fixture('bad/unknown-node.xml')}, line 7)`,
    );
    expect(error.location).toMatchObject({ tag: 'task', elementId: 'first', line: 7 });
  });

  it('reports unknown successors at the successor element', () => {
    const error = errorOf(() => loadSpiffXmlFile(fixture('bad/unknown-successor.xml')));
    expect(error.message).toMatch(/Unknown successor: "nowhere" in <task name="first">/);
    expect(error.location.line).toBe(7);
  });

  it('refuses DOCTYPE declarations (no DTDs, no entities)', () => {
    const error = errorOf(() => loadSpiffXmlFile(fixture('bad/doctype.xml')));
    expect(error.message).toMatch(/DOCTYPE/);
    expect(error.location.line).toBe(2);
  });

  it('reports unreadable sub-workflow files and builds nothing', () => {
    let built: unknown;
    const error = errorOf(() => {
      built = loadSpiffXmlFile(fixture('bad/missing-sub.xml'));
    });
    expect(built).toBeUndefined();
    expect(error.message).toMatch(/Cannot read spec file '.*does-not-exist\.xml'/);
  });

  it('checks attribute values', () => {
    const error = errorOf(() => loadSpiffXmlFile(fixture('bad/bad-times.xml')));
    expect(error.message).toMatch(/times must be an integer.*<multi-instance name="many">/);
  });

  it('works from strings with an injected reader (host-neutral)', () => {
    const files: Record<string, string> = {
      'a/main.xml':
        '<process-definition name="m"><start-task><successor>s</successor></start-task>' +
        '<sub-workflow name="s" file="../b/sub.xml"><successor>end</successor></sub-workflow></process-definition>',
      'b/sub.xml':
        '<process-definition name="sub"><start-task><successor>end</successor></start-task></process-definition>',
    };
    const spec = loadSpiffXml('a/main.xml', { readFile: (p) => files[p] ?? '' });
    expect([...spec.subSpecs.keys()]).toEqual(['b/sub.xml']);
    expect(() => parseSpiffXml('<process-definition name="x"/>')).toThrow(/No <start-task> found/);
    expect(() => parseSpiffXml('<nope/>')).toThrow(ValidationError);
  });
});
