import { describe, expect, it } from 'vitest';
import { BpmnParser, ValidationError, readBpmnXml, readDmnXml } from '@spiff-ts/bpmn';

// Small models with the quirks that modelling tools write (the BPMN MIWG tool exports): each is
// tolerated with a warning naming file, element and line, and the model still parses and runs.

const HEAD =
  '<?xml version="1.0" encoding="UTF-8"?>\n' +
  '<definitions xmlns="http://www.omg.org/spec/BPMN/20100524/MODEL" ' +
  'xmlns:spiffworkflow="http://spiffworkflow.org/bpmn/schema/1.0/core" ' +
  'xmlns:vendor="http://example.com/vendor" id="defs" targetNamespace="x">\n';

/** A model whose process body starts on line 5; `task` is on the flow start → task → end. */
const model = (task: string, extra = ''): string =>
  `${HEAD}<process id="p" isExecutable="true">\n<startEvent id="start" />\n${task}\n` +
  '<endEvent id="end" />\n' +
  '<sequenceFlow id="f1" sourceRef="start" targetRef="t" />\n' +
  '<sequenceFlow id="f2" sourceRef="t" targetRef="end" />\n' +
  `</process>\n${extra}</definitions>\n`;

/** Loads `xml` and builds process `p`, returning the parser. */
function load(xml: string, file = 'quirk.bpmn'): BpmnParser {
  const parser = new BpmnParser();
  parser.addBpmnXml(xml, file);
  parser.getSpec('p');
  return parser;
}

function rejection(read: () => unknown): ValidationError {
  try {
    read();
  } catch (error) {
    if (error instanceof ValidationError) return error;
    throw error;
  }
  throw new Error('expected a ValidationError');
}

describe('lenient reading: vendor quirks are warnings', () => {
  it('skips an unknown element of the BPMN namespace', () => {
    const parser = load(model('<task id="t">\n  <Assignee>bob</Assignee>\n</task>'));
    expect(parser.warnings).toEqual([
      expect.objectContaining({
        message: 'Skipped <Assignee>: unknown type <bpmn:Assignee>',
        file: 'quirk.bpmn',
        elementId: 't',
        tag: 'Assignee',
        line: 6,
      }),
    ]);
  });

  it('skips HTML inside documentation', () => {
    const parser = load(
      model(
        '<task id="t">\n<documentation><html xmlns="http://www.w3.org/1999/xhtml"><b>Check</b></html></documentation>\n</task>',
      ),
    );
    expect(parser.warnings).toEqual([
      expect.objectContaining({
        message: 'Skipped <html>: unrecognized element <ns0:html>',
        elementId: 't',
        line: 6,
      }),
    ]);
  });

  it('skips vendor elements where the schema allows no children', () => {
    const parser = load(
      model('<task id="t">\n<documentation>x<vendor:note>y</vendor:note></documentation>\n</task>'),
    );
    expect(parser.warnings.map((w) => w.message)).toEqual([
      'Skipped <vendor:note>: unrecognized element <vendor:note>',
    ]);
  });

  it('skips an unknown xsi:type', () => {
    const xml = model('<task id="t" />', '').replace(
      '<sequenceFlow id="f2" sourceRef="t" targetRef="end" />',
      '<sequenceFlow id="f2" sourceRef="t" targetRef="end">\n' +
        '<conditionExpression xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance" ' +
        'xsi:type="bogus:tFormalExpression" xmlns:bogus="http://example.com/b">x</conditionExpression>\n' +
        '</sequenceFlow>',
    );
    const parser = load(xml);
    expect(parser.warnings).toEqual([
      expect.objectContaining({ message: expect.stringMatching(/^Skipped <conditionExpression>/) }),
    ]);
  });

  it('keeps unknown attributes and attributes on the wrong element', () => {
    const parser = load(
      model('<task id="t" colour="red" />', '<globalTask id="g" completionQuantity="1" />\n'),
    );
    expect(parser.warnings).toEqual([
      { message: 'Unknown attribute <colour>', file: 'quirk.bpmn', elementId: 't', line: 5 },
      {
        message: 'Unknown attribute <completionQuantity>',
        file: 'quirk.bpmn',
        elementId: 'g',
        line: 10,
      },
    ]);
    const doc = readBpmnXml(model('<task id="t" colour="red" />'));
    expect(doc.elementsById.get('t')?.$attrs).toMatchObject({ colour: 'red' });
  });

  it('keeps unique ids that are not valid xs:IDs, and finds them', () => {
    const xml = model(
      '<task id="6729bd01-f475" />',
      '<signal id="event-def Start timer" name="tick" />\n',
    )
      .replace('targetRef="t"', 'targetRef="6729bd01-f475"')
      .replace('sourceRef="t"', 'sourceRef="6729bd01-f475"');
    const parser = load(xml);
    expect(parser.warnings).toEqual([
      {
        message: 'Id <6729bd01-f475> is not a valid xs:ID (it is unique, so it is kept)',
        file: 'quirk.bpmn',
        elementId: '6729bd01-f475',
        line: 5,
      },
      {
        message: 'Id <event-def Start timer> is not a valid xs:ID (it is unique, so it is kept)',
        file: 'quirk.bpmn',
        elementId: 'event-def Start timer',
        line: 10,
      },
    ]);
    expect(parser.element('6729bd01-f475')?.tag).toBe('bpmn:task');
    expect(parser.getSpec('p').taskSpecs.has('6729bd01-f475')).toBe(true);
    const doc = readBpmnXml(xml);
    expect(doc.elementsById.get('event-def Start timer')?.$type).toBe('bpmn:Signal');
  });

  it('reads a vendor namespace without a flavour as generic elements, without warnings', () => {
    // Without the flavour's moddle package nothing tells a misspelt spiffworkflow: element or
    // attribute from a correct one: both are kept as they are (a SpiffBpmnParser warns).
    const xml = model(
      '<task id="t" spiffworkflow:isOutputSynced="maybe">\n<extensionElements>\n' +
        '<spiffworkflow:preScrip>x = 1</spiffworkflow:preScrip>\n' +
        '<spiffworkflow:preScript>y = 1</spiffworkflow:preScript>\n</extensionElements>\n</task>',
    );
    const parser = load(xml);
    expect(parser.warnings).toEqual([]);
    expect(parser.getSpec('p').taskSpecs.get('t')).toMatchObject({ extensions: {} });
    const task = readBpmnXml(xml).elementsById.get('t');
    expect(task?.$attrs).toMatchObject({ 'spiffworkflow:isOutputSynced': 'maybe' });
    const values = (task?.['extensionElements'] as { values: { $type: string }[] }).values;
    expect(values.map((v) => v.$type)).toEqual([
      'spiffworkflow:preScrip',
      'spiffworkflow:preScript',
    ]);
  });

  it('collects warnings across files, and none without validation', () => {
    const parser = new BpmnParser();
    parser.addBpmnXml(model('<task id="t" a="1" />'), 'one.bpmn');
    parser.addBpmnXml(model('<task id="t" b="1" />').replaceAll('"p"', '"q"'), 'two.bpmn');
    expect(parser.warnings.map((w) => `${w.file}: ${w.message}`)).toEqual([
      'one.bpmn: Unknown attribute <a>',
      'two.bpmn: Unknown attribute <b>',
    ]);
    const unchecked = new BpmnParser({ validate: false });
    unchecked.addBpmnXml(model('<task id="t" a="1" />'));
    expect(unchecked.warnings).toEqual([]);
  });

  it('parses a non-executable process; only building it is refused', () => {
    const parser = new BpmnParser();
    parser.addBpmnXml(
      model('<task id="t" />').replace('isExecutable="true"', 'isExecutable="false"'),
      'n.bpmn',
    );
    expect(parser.getProcessIds()).toEqual(['p']);
    expect(parser.isExecutable('p')).toBe(false);
    expect(rejection(() => parser.getSpec('p')).message).toBe('Process p is not executable.');
  });
});

describe('unsupported elements are listed with tag, id, file and line', () => {
  it('lists flow nodes without a parser and unsupported event definitions', () => {
    const parser = new BpmnParser();
    parser.addBpmnXml(
      model(
        '<complexGateway id="t" />',
        '<process id="q" isExecutable="false">\n' +
          '<intermediateCatchEvent id="comp"><compensateEventDefinition /></intermediateCatchEvent>\n' +
          '<adHocSubProcess id="adhoc"><task id="inner" /></adHocSubProcess>\n' +
          '<intermediateCatchEvent id="ref"><eventDefinitionRef>sig</eventDefinitionRef></intermediateCatchEvent>\n' +
          '</process>\n',
      ),
      'u.bpmn',
    );
    expect(parser.unsupportedElements()).toEqual([
      {
        message: "There is no support implemented for this task type: 'complexGateway'",
        file: 'u.bpmn',
        elementId: 't',
        tag: 'bpmn:complexGateway',
        line: 5,
      },
      {
        message: "Unsupported event definition 'compensateEventDefinition'",
        file: 'u.bpmn',
        elementId: 'comp',
        tag: 'bpmn:compensateEventDefinition',
        line: 11,
      },
      {
        message: "There is no support implemented for this task type: 'adHocSubProcess'",
        file: 'u.bpmn',
        elementId: 'adhoc',
        tag: 'bpmn:adHocSubProcess',
        line: 12,
      },
      {
        message: "Unsupported event definition 'eventDefinitionRef'",
        file: 'u.bpmn',
        elementId: 'ref',
        tag: 'bpmn:eventDefinitionRef',
        line: 13,
      },
    ]);
    // Building the executable process that uses one is still an error, at the element.
    const error = rejection(() => parser.getSpec('p'));
    expect(error.message).toBe(
      "There is no support implemented for this task type: 'complexGateway'",
    );
    expect(error.location).toMatchObject({ file: 'u.bpmn', elementId: 't', line: 5 });
  });
});

describe('what stays an error', () => {
  it.each<[string, string, RegExp, number]>([
    ['a duplicate id', model('<task id="t" />\n<task id="t" />'), /duplicate ID <t>/, 6],
    [
      'a duplicate invalid id',
      model('<task id="t" />\n<task id="1 x" />\n<task id="1 x" />'),
      /duplicate ID <1 x>/,
      7,
    ],
    ['malformed XML', model('<task id="t">'), /^Malformed XML/, 9],
    [
      'a DOCTYPE',
      model('<task id="t" />').replace('\n', '\n<!DOCTYPE definitions>\n'),
      /^DOCTYPE declarations are not accepted/,
      2,
    ],
  ])('rejects %s, naming file and line', (_what, xml, message, line) => {
    const error = rejection(() => new BpmnParser().addBpmnXml(xml, 'bad.bpmn'));
    expect(error.message).toMatch(message);
    expect(error.location).toMatchObject({ file: 'bad.bpmn', line });
  });

  it('rejects a file that is not BPMN', () => {
    const error = rejection(() =>
      new BpmnParser().addBpmnXml('<definitions xmlns="urn:other" id="d" />', 'other.xml'),
    );
    expect(error.location.file).toBe('other.xml');
  });

  it('rejects a sequence flow whose target does not resolve when building', () => {
    const parser = new BpmnParser();
    parser.addBpmnXml(
      model('<task id="t" />').replace('targetRef="end"', 'targetRef="ghost"'),
      'g.bpmn',
    );
    expect(parser.warnings.map((w) => w.message)).toEqual(['Unresolved reference <ghost>']);
    const error = rejection(() => parser.getSpec('p'));
    expect(error.message).toBe("Sequence flow target 'ghost' was not found");
    expect(error.location).toMatchObject({ file: 'g.bpmn', elementId: 'f2' });
  });

  it('rejects a call activity without calledElement when building', () => {
    const parser = new BpmnParser();
    parser.addBpmnXml(model('<callActivity id="t" />'), 'c.bpmn');
    expect(rejection(() => parser.getSpec('p')).message).toBe(
      'No "calledElement" attribute for Call Activity',
    );
  });

  it('keeps DMN strict: unknown DMN elements and invalid ids are errors', () => {
    const dmn = (body: string) =>
      '<definitions xmlns="https://www.omg.org/spec/DMN/20191111/MODEL/" id="d" name="d" ' +
      `namespace="x">\n${body}\n</definitions>`;
    expect(rejection(() => readDmnXml(dmn('<bogus />'), { file: 'x.dmn' })).message).toBe(
      'Cannot read <bogus>: unknown type <dmn:Bogus>',
    );
    expect(
      rejection(() => readDmnXml(dmn('<decision id="1d" name="x" />'), { file: 'x.dmn' })).message,
    ).toMatch(/illegal ID <1d>/);
  });
});
