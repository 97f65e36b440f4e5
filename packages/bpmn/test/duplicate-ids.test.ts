import { describe, expect, it } from 'vitest';
import { BpmnParser, ValidationError } from '@spiff-ts/bpmn';

// Ids used twice, as some modelling tools write them (the BPMN MIWG tool exports). Where the
// engine never looks the id up, or both elements are the same, the first element keeps the id
// and a warning names file, id and line; where the engine could pick either, the file is refused.

const HEAD =
  '<?xml version="1.0" encoding="UTF-8"?>\n' +
  '<definitions xmlns="http://www.omg.org/spec/BPMN/20100524/MODEL" ' +
  'xmlns:bpmndi="http://www.omg.org/spec/BPMN/20100524/DI" ' +
  'xmlns:dc="http://www.omg.org/spec/DD/20100524/DC" id="defs" targetNamespace="x">\n';

/** Process `p` (start → t → end) with `inner` after its start event (line 5), then `after`. */
const model = (inner: string, after = '', executable = 'true'): string =>
  `${HEAD}<process id="p" isExecutable="${executable}">\n<startEvent id="start" />\n${inner}\n` +
  '<task id="t" />\n<endEvent id="end" />\n' +
  '<sequenceFlow id="f1" sourceRef="start" targetRef="t" />\n' +
  '<sequenceFlow id="f2" sourceRef="t" targetRef="end" />\n' +
  `</process>\n${after}</definitions>\n`;

function rejection(read: () => unknown): ValidationError {
  try {
    read();
  } catch (error) {
    if (error instanceof ValidationError) return error;
    throw error;
  }
  throw new Error('expected a ValidationError');
}

/** Loads `xml` into a new parser as `dup.bpmn`. */
function load(xml: string): BpmnParser {
  const parser = new BpmnParser();
  parser.addBpmnXml(xml, 'dup.bpmn');
  return parser;
}

describe('duplicate ids the engine never resolves are warnings', () => {
  it('keeps the first of two lane sets with one id, in two processes', () => {
    // As ModelFoundry writes them: every lane set is `laneSet_`.
    const parser = load(
      model(
        '<laneSet id="lanes"><lane id="l1" name="Clerk"><flowNodeRef>t</flowNodeRef></lane></laneSet>',
        '<process id="q" isExecutable="false">\n<laneSet id="lanes"><lane id="l2" /></laneSet>\n' +
          '</process>\n',
      ),
    );
    expect(parser.warnings).toEqual([
      {
        message:
          'Id <lanes> of <bpmn:laneSet> is already used by <bpmn:laneSet> on line 5; lookups by id find the first',
        file: 'dup.bpmn',
        elementId: 'lanes',
        tag: 'bpmn:laneSet',
        line: 12,
      },
    ]);
    // The executable process is read as if the other lane set had its own id.
    expect(parser.getSpec('p').taskSpecs.get('t')).toMatchObject({ lane: 'Clerk' });
  });

  it('keeps the first of two diagram shapes with one id', () => {
    const diagram =
      '<bpmndi:BPMNDiagram id="d"><bpmndi:BPMNPlane id="plane" bpmnElement="p">\n' +
      '<bpmndi:BPMNShape id="shape" bpmnElement="t"><dc:Bounds x="0" y="0" width="1" height="1" /></bpmndi:BPMNShape>\n' +
      '<bpmndi:BPMNShape id="shape" bpmnElement="end"><dc:Bounds x="5" y="0" width="1" height="1" /></bpmndi:BPMNShape>\n' +
      '</bpmndi:BPMNPlane></bpmndi:BPMNDiagram>\n';
    const parser = load(model('', diagram));
    expect(parser.warnings).toEqual([
      expect.objectContaining({ elementId: 'shape', tag: 'bpmndi:BPMNShape', line: 13 }),
    ]);
    expect(parser.getSpec('p').taskSpecs.has('end')).toBe(true);
  });

  it('allows a non-executable process to share its id with a global task', () => {
    // As Signavio exports a called global task: the process can never run.
    const parser = load(
      `${HEAD}<globalTask id="g" name="Called" />\n` +
        '<process id="g" isExecutable="false"><task id="x" /></process>\n</definitions>\n',
    );
    expect(parser.warnings.map((w) => [w.message, w.line])).toEqual([
      [
        'Id <g> of <bpmn:process> is already used by <bpmn:globalTask> on line 3; lookups by id find the first',
        4,
      ],
    ]);
    expect(parser.isExecutable('g')).toBe(false);
  });

  it('allows identical copies of a sequence flow in different scopes', () => {
    // As iGrafx writes a flow of a sub-process once more at process level.
    const sub =
      '<subProcess id="sub">\n<startEvent id="s1" />\n<endEvent id="e1" />\n' +
      '<sequenceFlow id="inner" sourceRef="s1" targetRef="e1" />\n</subProcess>\n' +
      '<sequenceFlow id="inner" sourceRef="s1" targetRef="e1" />';
    const parser = load(model(sub).replace('targetRef="t"', 'targetRef="sub"'));
    expect(parser.warnings.map((w) => [w.message, w.elementId, w.line])).toEqual([
      [
        'Id <inner> of <bpmn:sequenceFlow> is already used by <bpmn:sequenceFlow> on line 8 (an identical copy); lookups by id find the first',
        'inner',
        10,
      ],
    ]);
    const subSpec = parser.getSpec('sub');
    expect(subSpec.taskSpecs.get('s1')?.outputs).toEqual(['e1']);
  });
});

describe('duplicate ids the engine could resolve either way are errors', () => {
  it.each([
    ['two tasks of an executable process', '<task id="t" name="again" />', 'bpmn:task', 6],
    [
      'a sequence flow that differs from the first',
      '<sequenceFlow id="f1" sourceRef="start" targetRef="end" />',
      'bpmn:sequenceFlow',
      8,
    ],
    [
      'identical copies of a sequence flow in the same scope',
      '<sequenceFlow id="f2" sourceRef="t" targetRef="end" />',
      'bpmn:sequenceFlow',
      9,
    ],
  ])('refuses %s, naming file, id and line', (_what, inner, tag, line) => {
    const error = rejection(() => load(model(inner)));
    const id = /id="([^"]+)"/.exec(inner)?.[1];
    expect(error.message).toBe(`Cannot read <${tag.replace('bpmn:', '')}>: duplicate ID <${id}>`);
    // The error is at the second element with the id (the model's own, after `inner`).
    expect(error.location).toMatchObject({ file: 'dup.bpmn', elementId: id, line });
  });

  it('refuses two messages with one id, which event definitions would resolve either way', () => {
    const error = rejection(() =>
      load(model('', '<message id="m" name="a" />\n<message id="m" name="b" />\n')),
    );
    expect(error.message).toBe('Cannot read <message>: duplicate ID <m>');
    expect(error.location).toMatchObject({ file: 'dup.bpmn', elementId: 'm', line: 12 });
  });

  it('refuses two processes with one id, even when neither is executable', () => {
    const error = rejection(() =>
      load(
        `${HEAD}<process id="q" isExecutable="false" />\n` +
          '<process id="q" isExecutable="false" />\n</definitions>\n',
      ),
    );
    expect(error.message).toBe('Cannot read <process>: duplicate ID <q>');
    expect(error.location).toMatchObject({ file: 'dup.bpmn', elementId: 'q', line: 4 });
  });

  it('refuses an executable process sharing its id with a global task', () => {
    const error = rejection(() =>
      load(
        `${HEAD}<globalTask id="g" />\n` +
          '<process id="g"><startEvent id="s" /></process>\n</definitions>\n',
      ),
    );
    expect(error.message).toBe('Cannot read <process>: duplicate ID <g>');
    expect(error.location).toMatchObject({ file: 'dup.bpmn', elementId: 'g', line: 4 });
  });
});
