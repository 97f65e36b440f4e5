import { describe, expect, it } from 'vitest';
import { DmnEngine, DmnEvaluationError, ValidationError } from '@spiff-ts/dmn';
import { DMN13, definitions, tableDecision } from './helpers.js';

function parseError(text: string): ValidationError {
  try {
    DmnEngine.parse([{ path: 'bad.dmn', text }]);
  } catch (error) {
    if (error instanceof ValidationError) return error;
    throw error;
  }
  throw new Error('expected a ValidationError');
}

describe('invalid models', () => {
  it('rejects an SVG saved as .dmn, naming the file', () => {
    const error = parseError('<svg xmlns="http://www.w3.org/2000/svg"><rect/></svg>');
    expect(error.message).toMatch(/Not a DMN file/);
    expect(error.location.file).toBe('bad.dmn');
  });

  it('rejects two decisions with the same id, naming the element', () => {
    const table = tableDecision({ id: 'same', inputs: ['x'], outputs: [{ name: 'o' }], rules: [] });
    const error = parseError(definitions(table + table));
    expect(error.location).toMatchObject({ file: 'bad.dmn', elementId: 'same' });
  });

  it('rejects the same decision id in two files of one namespace', () => {
    const table = tableDecision({ id: 'same', inputs: ['x'], outputs: [{ name: 'o' }], rules: [] });
    expect(() =>
      DmnEngine.parse([
        { path: 'a.dmn', text: definitions(table) },
        { path: 'b.dmn', text: definitions(table) },
      ]),
    ).toThrow(/Duplicate/);
  });

  it('rejects a requirement of an unknown decision', () => {
    const error = parseError(
      definitions(`<decision id="d" name="d"><variable name="d"/>
        <informationRequirement><requiredDecision href="#nowhere"/></informationRequirement>
        <literalExpression><text>1</text></literalExpression></decision>`),
    );
    expect(error.message).toMatch(/Unknown required decision 'nowhere'/);
    expect(error.location).toMatchObject({ file: 'bad.dmn', elementId: 'd', line: 3 });
  });

  it('rejects a DTD and malformed XML', () => {
    expect(parseError('<!DOCTYPE x [<!ENTITY a "b">]><definitions/>').message).toMatch(
      /DTD|DOCTYPE/i,
    );
    expect(
      parseError('<definitions xmlns="https://www.omg.org/spec/DMN/20191111/MODEL/"><decision')
        .location.file,
    ).toBe('bad.dmn');
  });
});

describe('evaluation errors', () => {
  it('an unknown decision is an error', () => {
    const engine = DmnEngine.parse([{ path: 'a.dmn', text: definitions('') }]);
    expect(() => engine.decide('nope', {})).toThrow(DmnEvaluationError);
  });

  it('a failing Python cell names the rule row', () => {
    const engine = DmnEngine.parse([
      {
        path: 'a.dmn',
        text: definitions(
          tableDecision({
            inputs: ['missing_name'],
            outputs: [{ name: 'o' }],
            rules: [[['1'], ['1']]],
          }),
          { dmn: DMN13 },
        ),
      },
    ]);
    let error: unknown;
    try {
      engine.decide('decision', { present: 1 });
    } catch (e) {
      error = e;
    }
    expect(String(error)).toMatch(/missing_name/);
    expect((error as { notes?: string[] }).notes ?? []).toContain('Rule failed on row 1');
  });

  it('FEEL text that does not parse fails the decision', () => {
    const engine = DmnEngine.parse([
      {
        path: 'a.dmn',
        text: definitions(
          `<decision id="d" name="d"><variable name="d"/><literalExpression><text>1 +* 2</text></literalExpression></decision>`,
        ),
      },
    ]);
    expect(() => engine.decide('d', {})).toThrow(/Cannot parse FEEL/);
    const result = engine.evaluate('d', new Map());
    expect(result.value).toBeNull();
    expect(result.errors).toHaveLength(1);
  });
});
