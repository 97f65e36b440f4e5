import { describe, expect, it } from 'vitest';
import {
  BpmnParser,
  BpmnWorkflow,
  BpmnWorkflowSerializer,
  TaskState,
  bpmnEventPayloads,
  createBpmnRegistry,
  eventLayers,
  type BpmnFlavour,
  type BpmnSpec,
  type EventDefinition,
} from '@spiff-ts/bpmn';
import type { JsonObject } from '@spiff-ts/core';

// A made-up vendor: `acme:tag` attributes, messages that carry `acme:payload` and land in
// `acme:into`. Defined here to show a flavour is data the BPMN package reads, nothing more.
const XML = `<?xml version="1.0" encoding="UTF-8"?>
<bpmn:definitions xmlns:bpmn="http://www.omg.org/spec/BPMN/20100524/MODEL"
    xmlns:acme="http://example.com/acme" id="d" targetNamespace="t">
  <bpmn:message id="ping" name="ping" />
  <bpmn:process id="p" isExecutable="true">
    <bpmn:startEvent id="start" />
    <bpmn:task id="work" acme:tag="urgent" />
    <bpmn:intermediateThrowEvent id="send">
      <bpmn:messageEventDefinition messageRef="ping" acme:payload="'hello'" />
    </bpmn:intermediateThrowEvent>
    <bpmn:intermediateCatchEvent id="wait">
      <bpmn:messageEventDefinition messageRef="ping" acme:into="got" />
    </bpmn:intermediateCatchEvent>
    <bpmn:endEvent id="end" />
    <bpmn:sequenceFlow id="f1" sourceRef="start" targetRef="work" />
    <bpmn:sequenceFlow id="f2" sourceRef="work" targetRef="send" />
    <bpmn:sequenceFlow id="f3" sourceRef="send" targetRef="wait" />
    <bpmn:sequenceFlow id="f4" sourceRef="wait" targetRef="end" />
  </bpmn:process>
</bpmn:definitions>`;

const acme: BpmnFlavour = {
  name: 'acme',
  parse: {
    extensions: (node) => {
      const tag = node.attrs['acme:tag'];
      return tag === undefined ? {} : { tag };
    },
    eventDefinition: (def, { definition }) =>
      def.typename === 'MessageEventDefinition'
        ? {
            ...def,
            payloadExpression: definition.attrs['acme:payload'] ?? null,
            variable: definition.attrs['acme:into'] ?? null,
          }
        : def,
  },
  layers: eventLayers({
    thrown: (task, def) =>
      def.typename === 'MessageEventDefinition' && def.payloadExpression
        ? (task.workflow.topWorkflow as BpmnWorkflow).scriptEngine.evaluateToData(
            task,
            def.payloadExpression,
          )
        : bpmnEventPayloads.thrown(task, def),
    caught: (task, def, payload) => {
      if (def.variable) task.data[def.variable] = payload as string;
      else bpmnEventPayloads.caught(task, def, payload);
    },
  }),
  interop: {
    writeEventDefinition: (def, out) => {
      if (def.variable !== undefined) out['into'] = def.variable;
    },
    readEventDefinition: (json, def) =>
      typeof json['into'] === 'string' ? { ...def, variable: json['into'] } : def,
  },
};

function parse(flavour?: BpmnFlavour): BpmnParser {
  const parser = new BpmnParser(flavour ? { flavour } : {});
  parser.addBpmnXml(XML, 'acme.bpmn');
  return parser;
}

describe('a flavour', () => {
  it('adds what its parser hooks read; plain BPMN reads none of it', () => {
    const spec = (parser: BpmnParser, id: string) =>
      parser.getSpec('p').getTaskSpec(id) as BpmnSpec;
    expect(spec(parse(acme), 'work').extensions).toEqual({ tag: 'urgent' });
    expect(spec(parse(acme), 'wait').eventDefinition?.variable).toBe('got');
    expect(spec(parse(), 'work').extensions).toEqual({});
    expect(spec(parse(), 'wait').eventDefinition).toEqual({
      typename: 'MessageEventDefinition',
      name: 'ping',
      correlationProperties: [],
    });
  });

  it('runs with its layers registered over the BPMN ones', () => {
    // given
    const registry = createBpmnRegistry(acme);
    const workflow = new BpmnWorkflow(parse(acme).getSpec('p'), new Map(), { registry });
    workflow.doEngineSteps();
    workflow.getNextTask({ state: TaskState.READY, manual: true })?.run();
    workflow.doEngineSteps();
    // when: the message thrown went out; send it back to the waiting event
    const [event] = workflow.getEvents();
    const definition = workflow.waitingTasks()[0]?.taskSpec.eventDefinition as EventDefinition;
    workflow.sendEvent({ definition, payload: event?.payload });
    workflow.doEngineSteps();
    // then
    expect(event?.payload).toBe('hello');
    expect(workflow.isCompleted()).toBe(true);
    expect(workflow.data['got']).toBe('hello');
  });

  it('writes and reads its fields of SpiffWorkflow JSON', () => {
    const registry = createBpmnRegistry(acme);
    const workflow = new BpmnWorkflow(parse(acme).getSpec('p'), new Map(), { registry });
    const serializer = new BpmnWorkflowSerializer({ registry });
    const written = JSON.parse(
      JSON.stringify(serializer.toSpiffJson(workflow, acme)),
    ) as JsonObject;
    const specs = (written['spec'] as { task_specs: Record<string, Record<string, unknown>> })
      .task_specs;
    expect(specs['wait']?.['event_definition']).toMatchObject({ into: 'got' });
    const restored = serializer.fromSpiffJson(written, acme);
    const wait = restored.spec.getTaskSpec('wait') as BpmnSpec;
    expect(wait.eventDefinition?.variable).toBe('got');
    // Without a flavour named, the writer uses the one the spec was parsed with ...
    expect(serializer.toSpiffJson(workflow)).toHaveProperty(
      ['spec', 'task_specs', 'wait', 'event_definition', 'into'],
      'got',
    );
    // ... and a spec read by a plain parser gets no flavour fields.
    const plain = new BpmnWorkflow(parse().getSpec('p'), new Map());
    expect(serializer.toSpiffJson(plain)).not.toHaveProperty([
      'spec',
      'task_specs',
      'wait',
      'event_definition',
      'into',
    ]);
  });
});
