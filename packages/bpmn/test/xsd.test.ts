import { existsSync, readFileSync, readdirSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { ValidationError } from '@spiff-ts/bpmn';
import { loadBpmnSchema, loadDmnSchema } from '@spiff-ts/bpmn/node';
import { validateBpmn, validateDmn } from '@spiff-ts/bpmn/xsd';

const fixture = (name: string): string =>
  readFileSync(new URL(`./fixtures/${name}`, import.meta.url), 'utf8');

const bpmnSchema = loadBpmnSchema();
const dmnSchema = loadDmnSchema();
afterAll(() => {
  bpmnSchema.dispose();
  dmnSchema.dispose();
});

function rejection(validate: () => void): ValidationError {
  try {
    validate();
  } catch (error) {
    if (error instanceof ValidationError) return error;
    throw error;
  }
  throw new Error('expected a ValidationError');
}

const HEAD =
  '<?xml version="1.0" encoding="UTF-8"?>\n' +
  '<bpmn:definitions xmlns:bpmn="http://www.omg.org/spec/BPMN/20100524/MODEL" id="defs" targetNamespace="x">\n';

describe('validateBpmn', () => {
  it.each(['spiff-extensions.bpmn', 'camunda-form.bpmn'])('accepts %s', (name) => {
    expect(() => validateBpmn(fixture(name), name, bpmnSchema)).not.toThrow();
  });

  it('names file, line and element of the first violation', () => {
    const text = `${HEAD}<bpmn:process id="p">\n<bpmn:task id="t">\n<bpmn:outgoing>f</bpmn:outgoing>\n<bpmn:incoming>f</bpmn:incoming>\n</bpmn:task>\n</bpmn:process>\n</bpmn:definitions>`;
    const error = rejection(() => validateBpmn(text, 'order.bpmn', bpmnSchema));
    expect(error.message).toMatch(
      /^Schema violation: Element '\{http:\/\/www\.omg\.org\/spec\/BPMN\/20100524\/MODEL\}incoming': This element is not expected/,
    );
    expect(error.location).toMatchObject({ file: 'order.bpmn', line: 6 });
  });

  it('reports a missing required attribute on the element with its id', () => {
    const text = `${HEAD}<bpmn:process id="p">\n<bpmn:sequenceFlow id="flow" />\n</bpmn:process>\n</bpmn:definitions>`;
    const error = rejection(() => validateBpmn(text, 'f.bpmn', bpmnSchema));
    expect(error.message).toMatch(/sourceRef/);
    expect(error.location).toMatchObject({ file: 'f.bpmn', elementId: 'flow', line: 4 });
  });

  it('keeps further violations as notes', () => {
    const text = `${HEAD}<bpmn:process id="p">\n<bpmn:sequenceFlow id="a" />\n<bpmn:sequenceFlow id="b" />\n</bpmn:process>\n</bpmn:definitions>`;
    const error = rejection(() => validateBpmn(text, undefined, bpmnSchema));
    expect(error.notes.some((note) => note.endsWith('(line 5)'))).toBe(true);
  });

  it('accepts formalExpression in a correlation retrieval expression, as SpiffWorkflow does', () => {
    const text =
      `${HEAD}<bpmn:message id="m" name="m" />\n<bpmn:correlationProperty id="cp" name="cp">\n` +
      '<bpmn:correlationPropertyRetrievalExpression messageRef="m">\n' +
      '<bpmn:formalExpression>order_id</bpmn:formalExpression>\n' +
      '</bpmn:correlationPropertyRetrievalExpression>\n</bpmn:correlationProperty>\n</bpmn:definitions>';
    expect(() => validateBpmn(text, 'c.bpmn', bpmnSchema)).not.toThrow();
  });

  it('refuses a DTD before libxml2 sees it', () => {
    const text = HEAD.replace('\n', '\n<!DOCTYPE d [ <!ENTITY x SYSTEM "file:///etc/passwd"> ]>\n');
    expect(
      rejection(() => validateBpmn(`${text}</bpmn:definitions>`, 'd.bpmn', bpmnSchema)).message,
    ).toMatch(/^DOCTYPE declarations are not accepted/);
  });

  it('validates a file that declares another encoding', () => {
    const text = `${HEAD.replace('UTF-8', 'ASCII')}<bpmn:process id="p" name="Größe" />\n</bpmn:definitions>`;
    expect(() => validateBpmn(text, 'a.bpmn', bpmnSchema)).not.toThrow();
  });
});

describe('validateDmn', () => {
  it.each(['decision-1.1.dmn', 'decision-1.2.dmn', 'decision-1.3-prefixed.dmn'])(
    'accepts %s',
    (name) => {
      expect(() => validateDmn(fixture(name), name, dmnSchema)).not.toThrow();
    },
  );

  it('reports a violation with its line', () => {
    const text = fixture('decision-1.2.dmn').replace(
      '<rule id="rule_1">',
      '<rule id="rule_1" hitPolicy="FIRST">',
    );
    const error = rejection(() => validateDmn(text, 'x.dmn', dmnSchema));
    expect(error.message).toMatch(/hitPolicy/);
    expect(error.location).toMatchObject({ file: 'x.dmn', elementId: 'rule_1', line: 11 });
  });
});

const MODELS = fileURLToPath(
  new URL('../../../../shared/conformance/spiff/models/', import.meta.url),
);
const present = existsSync(MODELS);
const walk = (dir: string): string[] =>
  readdirSync(dir)
    .sort()
    .flatMap((name) =>
      statSync(join(dir, name)).isDirectory() ? walk(join(dir, name)) : [join(dir, name)],
    );
/** Corpus models that break the schema; none is loaded by a scenario with validation on. */
const INVALID: Readonly<Record<string, RegExp>> = {
  'bpmn/data/data_object_invalid.bpmn': /not a valid value of the atomic type 'xs:ID'/,
};

describe('the spiff corpus models against the schemas', () => {
  if (!present) {
    it('reports the missing corpus', () => {
      console.warn(`spiff corpus not found at ${MODELS}: models not validated`);
      expect(present).toBe(false);
    });
    return;
  }
  const models = walk(MODELS)
    .map((path) => relative(MODELS, path))
    .filter((file) => /\.(bpmn|dmn|bpmn20\.xml)$/.test(file));

  it.each(models)('%s', (file) => {
    const text = readFileSync(join(MODELS, file), 'utf8');
    const validate = () =>
      file.endsWith('.dmn')
        ? validateDmn(text, file, dmnSchema)
        : validateBpmn(text, file, bpmnSchema);
    const invalid = INVALID[file];
    if (invalid === undefined) expect(validate).not.toThrow();
    else expect(validate).toThrow(invalid);
  });
});
