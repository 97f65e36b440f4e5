import { describe, expect, it } from 'vitest';
import { BpmnParser, ValidationError } from '@spiff-ts/bpmn';
import { parserFor } from './helpers.js';

function failure(fn: () => unknown): ValidationError {
  try {
    fn();
  } catch (error) {
    if (error instanceof ValidationError) return error;
    throw error;
  }
  throw new Error('expected a ValidationError');
}

describe('BpmnParser', () => {
  it('rejects a process without a start event, naming file, element and line', () => {
    const error = failure(() => parserFor('invalid.bpmn').getSpec('no_start'));
    expect(error.message).toMatch(/No start event/);
    expect(error.location).toMatchObject({ file: 'invalid.bpmn', elementId: 'no_start', line: 3 });
  });

  it('rejects an unknown call activity target', () => {
    const error = failure(() => parserFor('invalid.bpmn').getSubprocessSpecs('bad_call'));
    expect(error.message).toMatch(/'nowhere' was not found/);
    expect(error.location).toMatchObject({ file: 'invalid.bpmn', elementId: 'missing_call' });
  });

  it('skips missing call activity targets when they are not required', () => {
    const specs = parserFor('invalid.bpmn').getSubprocessSpecs('bad_call', false);
    expect(specs.size).toBe(0);
  });

  it('reports an unsupported element by name', () => {
    const error = failure(() => parserFor('invalid.bpmn').getSpec('unsupported'));
    expect(error.message).toMatch(/complexGateway/);
    expect(error.location.elementId).toBe('complex');
  });

  it.each(['compensateEventDefinition'])(
    'rejects an event with a %s instead of running it as a none event',
    (definition) => {
      const xml = `<?xml version="1.0" encoding="UTF-8"?>
<bpmn:definitions xmlns:bpmn="http://www.omg.org/spec/BPMN/20100524/MODEL" id="d" targetNamespace="t">
  <bpmn:process id="p" isExecutable="true">
    <bpmn:startEvent id="start"><bpmn:outgoing>f1</bpmn:outgoing></bpmn:startEvent>
    <bpmn:intermediateCatchEvent id="throw">
      <bpmn:incoming>f1</bpmn:incoming><bpmn:outgoing>f2</bpmn:outgoing>
      <bpmn:${definition} id="def"/>
    </bpmn:intermediateCatchEvent>
    <bpmn:endEvent id="end"><bpmn:incoming>f2</bpmn:incoming></bpmn:endEvent>
    <bpmn:sequenceFlow id="f1" sourceRef="start" targetRef="throw"/>
    <bpmn:sequenceFlow id="f2" sourceRef="throw" targetRef="end"/>
  </bpmn:process>
</bpmn:definitions>`;
      const parser = new BpmnParser();
      parser.addBpmnXml(xml, 'events.bpmn');
      const error = failure(() => parser.getSpec('p'));
      expect(error.message).toMatch(
        new RegExp(`Unsupported event definition 'bpmn:${definition}'`),
      );
      expect(error.location).toMatchObject({ file: 'events.bpmn', line: 7 });
    },
  );

  it('reports an unknown process with the known ones', () => {
    const error = failure(() => parserFor('engine-basic.bpmn').getSpec('nope'));
    expect(error.message).toMatch(/Did you mean one of the following: main/);
  });

  it('resolves call activities across files and lists every spec', () => {
    const parser = parserFor('parallel-call.bpmn', 'engine-basic.bpmn');
    expect([...parser.getSubprocessSpecs('outer').keys()]).toEqual(['inner']);
    expect([...parser.findAllSpecs().keys()].sort()).toEqual(['inner', 'main', 'outer']);
  });

  it('lets the host replace the parser of an element type', () => {
    const parser = new BpmnParser({
      parsers: {
        'bpmn:userTask': { create: (ctx, node) => ctx.newSpec('ManualTask', node) },
      },
    });
    parser.addBpmnXml(
      `<?xml version="1.0"?>
<bpmn:definitions xmlns:bpmn="http://www.omg.org/spec/BPMN/20100524/MODEL" id="d" targetNamespace="x">
  <bpmn:process id="p" isExecutable="true">
    <bpmn:startEvent id="s" /><bpmn:userTask id="u" />
    <bpmn:sequenceFlow id="f" sourceRef="s" targetRef="u" />
  </bpmn:process>
</bpmn:definitions>`,
      'inline.bpmn',
    );
    expect(parser.getSpec('p').getTaskSpec('u')?.typename).toBe('ManualTask');
  });

  it('rejects malformed XML with its line', () => {
    const parser = new BpmnParser();
    const error = failure(() => parser.addBpmnXml('<bpmn:definitions', 'broken.bpmn'));
    expect(error.location.file).toBe('broken.bpmn');
  });
});
