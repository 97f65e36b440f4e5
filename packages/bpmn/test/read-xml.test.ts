import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import {
  BpmnParser,
  ValidationError,
  locate,
  readBpmnXml,
  readDmnXml,
  type ModdleElement,
  type ModdlePackage,
  type ValidationLocation,
} from '@spiff-ts/bpmn';

const fixture = (name: string): string =>
  readFileSync(new URL(`./fixtures/${name}`, import.meta.url), 'utf8');

const BPMN_HEAD =
  '<?xml version="1.0" encoding="UTF-8"?>\n' +
  '<bpmn:definitions xmlns:bpmn="http://www.omg.org/spec/BPMN/20100524/MODEL" ' +
  'xmlns:spiffworkflow="http://spiffworkflow.org/bpmn/schema/1.0/core" ' +
  'xmlns:camunda="http://camunda.org/schema/1.0/bpmn" id="defs" targetNamespace="x">\n';

/** A BPMN document whose process body starts on line 5. */
const bpmn = (body: string): string =>
  `${BPMN_HEAD}<bpmn:process id="p" isExecutable="true">\n<bpmn:startEvent id="start" />\n${body}\n</bpmn:process>\n</bpmn:definitions>\n`;

/** A vendor namespace's moddle package, as a flavour carries one. */
const ACME: ModdlePackage = {
  name: 'Acme',
  prefix: 'acme',
  uri: 'http://example.com/acme',
  xml: { tagAlias: 'lowerCase' },
  types: [
    {
      name: 'Note',
      superClass: ['Element'],
      properties: [{ name: 'value', type: 'String', isBody: true }],
    },
    {
      name: 'Ranked',
      extends: ['bpmn:Task'],
      properties: [{ name: 'rank', type: 'Integer', isAttr: true }],
    },
  ],
};

/** A model whose task `t` (line 5) has `extensions` (line 7); acme is bound to `a:`. */
const acmeModel = (extensions: string): string =>
  BPMN_HEAD.replace('id="defs"', 'xmlns:a="http://example.com/acme" id="defs"') +
  '<bpmn:process id="p" isExecutable="true">\n<bpmn:startEvent id="start" />\n' +
  `<bpmn:task id="t" a:rank="3">\n<bpmn:extensionElements>\n${extensions.replaceAll('acme:', 'a:')}\n` +
  '</bpmn:extensionElements>\n</bpmn:task>\n</bpmn:process>\n</bpmn:definitions>\n';

/** Runs `read` and returns the ValidationError it throws. */
function rejection(read: () => unknown): ValidationError {
  try {
    read();
  } catch (error) {
    if (error instanceof ValidationError) return error;
    throw error;
  }
  throw new Error('expected a ValidationError');
}

describe('readBpmnXml', () => {
  it('reads a BPMN file synchronously into a moddle tree', () => {
    const doc = readBpmnXml(fixture('spiff-extensions.bpmn'), { file: 'spiff-extensions.bpmn' });
    expect(doc.kind).toBe('bpmn');
    expect(doc.file).toBe('spiff-extensions.bpmn');
    expect(doc.definitions.$type).toBe('bpmn:Definitions');
    expect(doc.elementsById.get('form')?.$type).toBe('bpmn:UserTask');
    expect(doc.elementsById.get('f1')?.['targetRef']).toBe(doc.elementsById.get('scripted'));
    expect(doc.warnings).toEqual([]);
  });

  it('maps element ids to the line of their start tag', () => {
    const doc = readBpmnXml(fixture('spiff-extensions.bpmn'), { file: 'f.bpmn' });
    expect(doc.lines.get('extensions')).toBe(3);
    expect(doc.lines.get('start')).toBe(9);
    expect(doc.lines.get('scripted')).toBe(12);
    expect(locate(doc, 'scripted')).toEqual({ file: 'f.bpmn', elementId: 'scripted', line: 12 });
    expect(locate(doc, 'nowhere')).toEqual({ file: 'f.bpmn', elementId: 'nowhere' });
  });

  it('finds start tag lines past comments, CDATA, processing instructions and any line end', () => {
    const body = [
      '<!-- <bpmn:task id="in_comment">', // line 5
      '-->',
      '<?note <bpmn:task id="in_instruction"> \r\n ?>', // \r\n is one line end: lines 7-8
      '<bpmn:scriptTask id="s" name="a > b', // line 9, with a line end in an attribute
      ' c">',
      '<bpmn:script><![CDATA[x = "<bpmn:task>"\r y = 1]]></bpmn:script>', // \r alone: 11-12
      '</bpmn:scriptTask>',
      '<bpmn:task', // line 14
      ' id="t" />',
    ].join('\n');
    const text = bpmn(body);
    const doc = readBpmnXml(text, { file: 'lines.bpmn' });
    expect([doc.lines.get('s'), doc.lines.get('t')]).toEqual([9, 14]);
    expect(doc.elementsById.has('in_comment') || doc.elementsById.has('in_instruction')).toBe(
      false,
    );
    const parser = new BpmnParser();
    parser.addBpmnXml(text, 'lines.bpmn');
    expect(parser.element('t')?.line).toBe(14);
    expect(parser.element('s')?.column).toBe(1);
  });

  it('keeps vendor elements and attributes without their moddle package, without warnings', () => {
    const doc = readBpmnXml(fixture('camunda-form.bpmn'));
    expect(doc.warnings).toEqual([]);
    const ask = doc.elementsById.get('ask');
    expect(ask?.['formKey']).toBeUndefined();
    expect(ask?.$attrs).toMatchObject({ 'camunda:formKey': 'ask_form' });
    const values = (el: ModdleElement | undefined) =>
      (el?.['extensionElements'] as { values: ModdleElement[] }).values;
    expect(values(ask).map((v) => v.$type)).toEqual(['camunda:formData']);
    expect(values(doc.elementsById.get('start')).map((v) => v.$type)).toEqual([
      'signavio:signavioMetaData',
    ]);
  });

  it('reads the namespaces of its moddle packages as typed elements and attributes', () => {
    const text = acmeModel('<acme:note>hello</acme:note><acme:nite />');
    const doc = readBpmnXml(text, { file: 'acme.bpmn', moddle: [ACME] });
    const task = doc.elementsById.get('t');
    expect(task?.get('acme:rank')).toBe(3);
    const [note, ...others] = (task?.['extensionElements'] as { values: ModdleElement[] }).values;
    expect([note?.$type, note?.['value'], others.length]).toEqual(['acme:Note', 'hello', 0]);
    // A package makes its namespace known: what it lacks is skipped with a warning.
    expect(doc.warnings).toEqual([
      expect.objectContaining({
        message: 'Skipped <a:nite>: unknown type <acme:Nite>',
        elementId: 't',
        line: 7,
      }),
    ]);
    expect(readBpmnXml(text).warnings).toEqual([]);
    expect(readBpmnXml(text).elementsById.get('t')?.$attrs).toMatchObject({ 'a:rank': '3' });
  });

  it('refuses two moddle packages with one prefix', () => {
    const other: ModdlePackage = { ...ACME, uri: 'http://example.com/other' };
    expect(() => readBpmnXml(acmeModel(''), { moddle: [ACME, other] })).toThrow(
      "Two moddle packages use the prefix 'acme'",
    );
  });

  it("names a flavour's namespaces by their package prefix in the parser's element tree", () => {
    const text = acmeModel('<acme:note>hello</acme:note>');
    const flavoured = new BpmnParser({ flavour: { name: 'acme', moddle: [ACME] } });
    flavoured.addBpmnXml(text, 'acme.bpmn');
    const task = flavoured.element('t');
    expect(task?.attrs['acme:rank']).toBe('3');
    expect(task?.children[0]?.children[0]?.tag).toBe('acme:note');
    // Without the flavour, the namespace keeps the prefix the file binds.
    const plain = new BpmnParser();
    plain.addBpmnXml(text, 'acme.bpmn');
    expect(plain.element('t')?.attrs['a:rank']).toBe('3');
    expect(plain.element('t')?.children[0]?.children[0]?.tag).toBe('a:note');
  });

  it('keeps references to missing ids as warnings, as SpiffWorkflow loads such files', () => {
    const doc = readBpmnXml(
      bpmn('<bpmn:sequenceFlow id="flow" sourceRef="start" targetRef="ghost" />'),
      {
        file: 'w.bpmn',
      },
    );
    expect(doc.warnings).toEqual([
      { message: 'Unresolved reference <ghost>', file: 'w.bpmn', elementId: 'flow', line: 5 },
    ]);
  });

  it('keeps a non-UTF-8 encoding declaration as a warning', () => {
    const doc = readBpmnXml(bpmn('').replace('UTF-8', 'ASCII'));
    expect(doc.warnings.map((w) => w.message)).toEqual([
      'Unsupported document encoding <ASCII>, falling back to UTF-8',
    ]);
  });

  it('accepts a byte order mark', () => {
    expect(readBpmnXml(`\uFEFF${bpmn('')}`).elementsById.has('p')).toBe(true);
  });

  it.each<[string, string, RegExp, ValidationLocation]>([
    [
      'a duplicate id',
      '<bpmn:task id="t" />\n<bpmn:task id="t" />',
      /^Cannot read <bpmn:task>: duplicate ID <t>$/,
      { elementId: 't', line: 6, tag: 'bpmn:task', column: 1 },
    ],
    [
      'mismatched tags',
      '<bpmn:task id="t">\n</bpmn:process>',
      /^Malformed XML: closing tag mismatch$/,
      { line: 6 },
    ],
    [
      'an attribute with an undeclared prefix',
      '<bpmn:task id="t" foo:x="1" />',
      /^Malformed XML: missing namespace for prefix <foo>$/,
      { line: 5 },
    ],
    [
      'an undeclared prefix',
      '<foo:task id="t" />',
      /^Malformed XML: missing namespace on <foo:task>$/,
      { line: 5 },
    ],
  ])('rejects %s, naming file, element and line', (_what, body, message, location) => {
    const error = rejection(() => readBpmnXml(bpmn(body), { file: 'bad.bpmn' }));
    expect(error.message).toMatch(message);
    expect(error.location).toMatchObject({ file: 'bad.bpmn', ...location });
  });

  it('reports further problems as notes', () => {
    const error = rejection(() =>
      readBpmnXml(
        bpmn(
          '<bpmn:task id="a" />\n<bpmn:task id="a" />\n<bpmn:task id="b" />\n<bpmn:task id="b" />',
        ),
      ),
    );
    expect(error.message).toBe('Cannot read <bpmn:task>: duplicate ID <a>');
    expect(error.notes).toEqual(['Cannot read <bpmn:task>: duplicate ID <b> (line 8)']);
  });

  it.each([
    ['a DOCTYPE', '<!DOCTYPE bpmn:definitions>\n', /^DOCTYPE declarations are not accepted/],
    [
      'an external entity',
      '<!DOCTYPE d [ <!ENTITY xxe SYSTEM "file:///etc/passwd"> ]>\n',
      /^DOCTYPE declarations are not accepted/,
    ],
  ])('refuses %s before moddle sees the text', (_what, prolog, message) => {
    const text = bpmn('<bpmn:task id="t" name="&xxe;" />').replace('\n', `\n${prolog}`);
    const error = rejection(() => readBpmnXml(text, { file: 'dtd.bpmn' }));
    expect(error.message).toMatch(message);
    expect(error.location).toEqual({ file: 'dtd.bpmn', line: 2 });
  });

  it('refuses a DTD and malformed XML in BpmnParser even with validation off', () => {
    const parser = new BpmnParser({ validate: false });
    const dtd = bpmn('').replace('\n', '\n<!DOCTYPE d [ <!ENTITY e "x"> ]>\n');
    expect(rejection(() => parser.addBpmnXml(dtd, 'dtd.bpmn')).location).toEqual({
      file: 'dtd.bpmn',
      line: 2,
    });
    const bad = bpmn('<bpmn:task id="t" foo:x="1" />');
    expect(rejection(() => parser.addBpmnXml(bad, 'bad.bpmn')).message).toBe(
      'Malformed XML: missing namespace for prefix <foo>',
    );
  });

  it('does not mistake DOCTYPE text in a comment or CDATA for a declaration', () => {
    const text = bpmn(
      '<!-- <!DOCTYPE x> -->\n<bpmn:scriptTask id="s"><bpmn:script><![CDATA[<!DOCTYPE y>]]></bpmn:script></bpmn:scriptTask>',
    );
    expect(readBpmnXml(text).elementsById.get('s')?.['script']).toBe('<!DOCTYPE y>');
  });

  it.each([
    ['text that is not XML', 'hello', /^Malformed XML/],
    ['an empty string', '', /^Malformed XML/],
    [
      'text after the root element',
      `${bpmn('')}junk`,
      /^Malformed XML: non-whitespace outside of root node$/,
    ],
    ['an unclosed document', BPMN_HEAD, /^Malformed XML/],
  ])('rejects %s', (_what, text, message) => {
    expect(rejection(() => readBpmnXml(text)).message).toMatch(message);
  });

  it('rejects a DMN file', () => {
    const error = rejection(() => readBpmnXml(fixture('decision-1.1.dmn'), { file: 'd.dmn' }));
    expect(error.message).toMatch(/definitions/);
    expect(error.location.file).toBe('d.dmn');
  });
});

describe('readDmnXml', () => {
  it.each([
    ['decision-1.1.dmn', '1.1', 'table_11'],
    ['decision-1.2.dmn', '1.2', 'table_12'],
  ])('reads %s with the DMN 1.3 types', (file, version, table) => {
    const doc = readDmnXml(fixture(file), { file });
    expect(doc.kind).toBe('dmn');
    expect(doc.dmnVersion).toBe(version);
    expect(doc.definitions.$type).toBe('dmn:Definitions');
    expect(doc.elementsById.get(table)?.$type).toBe('dmn:DecisionTable');
    const rule = doc.elementsById.get('rule_1') as unknown as {
      inputEntry: { text: string }[];
      outputEntry: { text: string }[];
    };
    expect(rule.inputEntry[0]?.text).toBe('"big"');
    expect(rule.outputEntry[0]?.text).toBe('10');
    expect(doc.warnings).toEqual([]);
  });

  it('reads DMN 1.3 under any prefix, skipping business context elements with a warning', () => {
    const doc = readDmnXml(fixture('decision-1.3-prefixed.dmn'), { file: 'p.dmn' });
    expect(doc.dmnVersion).toBe('1.3');
    expect(doc.elementsById.get('table_13')?.['hitPolicy']).toBe('COLLECT');
    expect(doc.elementsById.get('shape_1')?.$type).toBe('dmndi:DMNShape');
    expect(doc.lines.get('sales')).toBe(21);
    expect(doc.warnings).toEqual([
      {
        message: 'Skipped <semantic:organizationUnit>: unknown type <dmn:OrganizationUnit>',
        file: 'p.dmn',
        elementId: 'sales',
        tag: 'semantic:organizationUnit',
        line: 21,
        column: 3,
      },
    ]);
  });

  it('rejects a file whose root is not in a DMN namespace', () => {
    const error = rejection(() => readDmnXml(fixture('camunda-form.bpmn'), { file: 'c.bpmn' }));
    expect(error.message).toBe(
      "Not a DMN file: the root element <definitions> is in namespace 'http://www.omg.org/spec/BPMN/20100524/MODEL'",
    );
    expect(error.location).toEqual({ file: 'c.bpmn', line: 2 });
  });

  it('rejects a root element without a namespace', () => {
    expect(rejection(() => readDmnXml('<definitions id="d" />')).message).toBe(
      'Not a DMN file: the root element <definitions> is in no namespace',
    );
  });

  it('rejects unknown DMN elements with their line', () => {
    const text = fixture('decision-1.1.dmn').replace(
      '<rule id="rule_1">',
      '<rule id="rule_1"><bogus />',
    );
    const error = rejection(() => readDmnXml(text, { file: 'x.dmn' }));
    expect(error.message).toBe('Cannot read <bogus>: unknown type <dmn:Bogus>');
    expect(error.location).toMatchObject({ file: 'x.dmn', elementId: 'rule_1', line: 11 });
  });

  it('refuses a DTD', () => {
    const text = fixture('decision-1.1.dmn').replace('?>', '?><!DOCTYPE definitions>');
    expect(rejection(() => readDmnXml(text)).message).toMatch(/^DOCTYPE declarations/);
  });
});
