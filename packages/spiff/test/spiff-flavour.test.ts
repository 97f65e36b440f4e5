import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import {
  BpmnParser,
  BpmnWorkflow,
  BpmnWorkflowSerializer,
  TaskState,
  createBpmnRegistry,
  processInfo,
  type BpmnSpec,
  type EventDefinition,
} from '@spiff-ts/bpmn';
import type { JsonObject } from '@spiff-ts/core';
import { SpiffBpmnParser, spiffFlavour } from '@spiff-ts/spiff';

const xml = readFileSync(new URL('./fixtures/spiff-messages.bpmn', import.meta.url), 'utf8');
const registry = createBpmnRegistry(spiffFlavour);

function load<P extends BpmnParser>(parser: P): P {
  parser.addBpmnXml(xml, 'spiff-messages.bpmn');
  return parser;
}
const specOf = (parser: BpmnParser, process: string, id: string): BpmnSpec =>
  parser.getSpec(process).getTaskSpec(id) as BpmnSpec;

describe('SpiffBpmnParser', () => {
  it('is a BpmnParser with the same API', () => {
    const parser = load(new SpiffBpmnParser({ validate: false }));
    expect(parser).toBeInstanceOf(BpmnParser);
    expect(parser.flavour).toBe(spiffFlavour);
    expect(parser.getProcessIds()).toEqual(['messages', 'tasks']);
  });

  it('reads scripts, properties and instructions into the extensions', () => {
    const parser = load(new SpiffBpmnParser());
    expect(specOf(parser, 'messages', 'prepare').extensions).toEqual({
      preScript: 'a = 1',
      postScript: 'c = b * 2',
    });
    expect(specOf(parser, 'messages', 'review').extensions).toEqual({
      properties: { formJsonSchemaFilename: 'review.json' },
      instructionsForEndUser: 'Check {{ reply }}',
    });
  });

  it('reads the spiffworkflow namespace whatever prefix the file binds it to', () => {
    const parser = new SpiffBpmnParser();
    const renamed = xml
      .replaceAll('spiffworkflow:', 'sw:')
      .replace('xmlns:spiffworkflow=', 'xmlns:sw=');
    expect(renamed).not.toMatch(/spiffworkflow[:=]/);
    parser.addBpmnXml(renamed, 'sw.bpmn');
    expect(parser.warnings).toEqual([]);
    expect(specOf(parser, 'messages', 'prepare').extensions).toEqual({
      preScript: 'a = 1',
      postScript: 'c = b * 2',
    });
  });

  it('reads service task operators and called decisions', () => {
    const parser = load(new SpiffBpmnParser());
    const lookup = specOf(parser, 'tasks', 'lookup');
    expect(lookup.operatorName).toBe('http/GetRequest');
    expect(lookup.operationParams).toEqual({
      url: { type: 'str', value: "'https://example.org'" },
    });
    // An empty result variable gets the generated name, as in SpiffWorkflow.
    expect(lookup.resultVariable).toBe('spiff__lookup_result');
    expect(specOf(parser, 'tasks', 'decide').decisionRef).toBe('shipping');
  });

  it('reads message payload expressions and variables', () => {
    const parser = load(new SpiffBpmnParser());
    expect(specOf(parser, 'messages', 'send_order').eventDefinition).toMatchObject({
      typename: 'MessageEventDefinition',
      name: 'order_placed',
      payloadExpression: "{'total': c}",
    });
    expect(specOf(parser, 'messages', 'wait_reply').eventDefinition).toMatchObject({
      name: 'order_reply',
      messageVar: 'reply',
    });
  });

  it('leaves spiffworkflow: extensions to the flavour: plain BpmnParser ignores them', () => {
    const parser = load(new BpmnParser());
    // The file loads: without the spiffworkflow: package its extensions are generic elements.
    expect(parser.warnings).toEqual([]);
    expect(specOf(parser, 'messages', 'prepare').extensions).toEqual({});
    expect(specOf(parser, 'tasks', 'decide').decisionRef).toBeNull();
    expect(specOf(parser, 'messages', 'send_order').eventDefinition?.payloadExpression).toBe(
      undefined,
    );
  });
});

describe('spiff event payloads', () => {
  function started(): BpmnWorkflow {
    const parser = load(new SpiffBpmnParser());
    const workflow = new BpmnWorkflow(parser.getSpec('messages'), new Map(), { registry });
    workflow.doEngineSteps();
    return workflow;
  }

  it('runs pre- and post-scripts and throws the payload expression, not the task data', () => {
    const workflow = started();
    // a = 1 (pre), b = 2 (script), c = 4 (post): the message carries only {'total': c}
    const [event] = workflow.getEvents();
    expect(event?.definition.name).toBe('order_placed');
    expect(event?.payload).toEqual({ total: 4 });
  });

  it('puts a caught message payload into the message variable', () => {
    const workflow = started();
    const waiting = workflow.waitingTasks()[0];
    const definition = waiting?.taskSpec.eventDefinition as EventDefinition;
    workflow.sendEvent({ definition, payload: { accepted: true } });
    workflow.doEngineSteps();
    const review = workflow.getNextTask({ state: TaskState.READY, manual: true });
    expect(review?.data['reply']).toEqual({ accepted: true });
    expect(review?.data['accepted']).toBeUndefined();
  });

  it('without the flavour layers runs no scripts around tasks and merges payloads', () => {
    const parser = load(new SpiffBpmnParser());
    const workflow = new BpmnWorkflow(parser.getSpec('messages'), new Map(), {
      data: { a: 1, c: 10 },
      registry: createBpmnRegistry(),
    });
    workflow.doEngineSteps();
    // The post-script (c = b * 2) did not run; the message still carries its expression's value.
    expect(workflow.getEvents()[0]?.payload).toEqual({ total: 10 });
    const definition = workflow.waitingTasks()[0]?.taskSpec.eventDefinition as EventDefinition;
    workflow.sendEvent({ definition, payload: { accepted: true } });
    workflow.doEngineSteps();
    const review = workflow.getNextTask({ state: TaskState.READY, manual: true });
    expect(review?.data['accepted']).toBe(true);
  });
});

describe('SpiffWorkflow JSON with the spiff serializer fields', () => {
  it('writes scripts and message fields as the spiff config does, and reads them back', () => {
    // given
    const parser = load(new SpiffBpmnParser());
    const workflow = new BpmnWorkflow(parser.getSpec('messages'), new Map(), { registry });
    workflow.doEngineSteps();
    const serializer = new BpmnWorkflowSerializer({ registry });
    // when
    const written = JSON.parse(
      JSON.stringify(serializer.toSpiffJson(workflow, spiffFlavour)),
    ) as JsonObject;
    const restored = serializer.fromSpiffJson(written, spiffFlavour);
    // then
    const specs = (written['spec'] as { task_specs: Record<string, Record<string, unknown>> })
      .task_specs;
    expect(specs['prepare']).toMatchObject({
      prescript: 'a = 1',
      postscript: 'c = b * 2',
      extensions: {},
    });
    expect(specs['wait_reply']?.['event_definition']).toMatchObject({
      description: null,
      message_var: 'reply',
      expression: null,
      process_correlations: [],
      typename: 'MessageEventDefinition',
    });
    expect((written['spec'] as JsonObject)['data_objects']).toEqual({
      order_data: {
        bpmn_id: 'order_data',
        bpmn_name: 'Order',
        category: 'confidential',
        typename: 'DataObject',
      },
    });
    expect(processInfo(restored.spec).dataObjectInfo).toEqual({
      order_data: { name: 'Order', extensions: { category: 'confidential' } },
    });
    expect(restored.spec.getTaskSpec('prepare')).toMatchObject({
      extensions: { preScript: 'a = 1', postScript: 'c = b * 2' },
    });
    const definition = restored.waitingTasks()[0]?.taskSpec.eventDefinition as EventDefinition;
    expect(definition.messageVar).toBe('reply');
    restored.sendEvent({ definition, payload: 'ok' });
    restored.doEngineSteps();
    expect(restored.getNextTask({ state: TaskState.READY, manual: true })?.data['reply']).toBe(
      'ok',
    );
  });

  it("writes the parsing flavour's fields by default, and none for a plain BPMN spec", () => {
    const spiff = new BpmnWorkflow(load(new SpiffBpmnParser()).getSpec('messages'), new Map());
    const spiffSpecs = (
      new BpmnWorkflowSerializer().toSpiffJson(spiff)['spec'] as {
        task_specs: Record<string, Record<string, unknown>>;
      }
    ).task_specs;
    expect(spiffSpecs['prepare']).toHaveProperty('prescript');
    const parser = load(new BpmnParser());
    const workflow = new BpmnWorkflow(parser.getSpec('messages'), new Map());
    const written = new BpmnWorkflowSerializer().toSpiffJson(workflow);
    const specs = (written['spec'] as { task_specs: Record<string, Record<string, unknown>> })
      .task_specs;
    expect(specs['prepare']).not.toHaveProperty('prescript');
    expect(specs['wait_reply']?.['event_definition']).not.toHaveProperty('message_var');
  });
});

describe('SpiffWorkflow JSON of a loop with scripts', () => {
  it("writes the element's scripts among the instances' extensions, as the spiff parser leaves them", () => {
    // given: a multi-instance task with pre- and post-scripts
    const parser = new SpiffBpmnParser();
    parser.addBpmnXml(
      `<?xml version="1.0" encoding="UTF-8"?>
<bpmn:definitions xmlns:bpmn="http://www.omg.org/spec/BPMN/20100524/MODEL" xmlns:spiffworkflow="http://spiffworkflow.org/bpmn/schema/1.0/core" id="d" targetNamespace="t">
  <bpmn:process id="loop" isExecutable="true">
    <bpmn:startEvent id="start"><bpmn:outgoing>f1</bpmn:outgoing></bpmn:startEvent>
    <bpmn:sequenceFlow id="f1" sourceRef="start" targetRef="each"/>
    <bpmn:task id="each">
      <bpmn:extensionElements>
        <spiffworkflow:preScript>a = 1</spiffworkflow:preScript>
        <spiffworkflow:postScript>b = 2</spiffworkflow:postScript>
      </bpmn:extensionElements>
      <bpmn:incoming>f1</bpmn:incoming><bpmn:outgoing>f2</bpmn:outgoing>
      <bpmn:multiInstanceLoopCharacteristics><bpmn:loopCardinality>2</bpmn:loopCardinality></bpmn:multiInstanceLoopCharacteristics>
    </bpmn:task>
    <bpmn:sequenceFlow id="f2" sourceRef="each" targetRef="end"/>
    <bpmn:endEvent id="end"><bpmn:incoming>f2</bpmn:incoming></bpmn:endEvent>
  </bpmn:process>
</bpmn:definitions>`,
      'loop.bpmn',
    );
    const workflow = new BpmnWorkflow(parser.getSpec('loop'), new Map(), { registry });
    workflow.doEngineSteps();
    const serializer = new BpmnWorkflowSerializer({ registry });
    // when
    const written = JSON.parse(
      JSON.stringify(serializer.toSpiffJson(workflow, spiffFlavour)),
    ) as JsonObject;
    // then: the loop task has the script fields (it runs them), its instances the extensions
    const specs = (written['spec'] as { task_specs: Record<string, Record<string, unknown>> })
      .task_specs;
    expect(specs['each']).toMatchObject({ prescript: 'a = 1', postscript: 'b = 2' });
    expect(specs['each [child]']).toMatchObject({
      prescript: null,
      postscript: null,
      extensions: { preScript: 'a = 1', postScript: 'b = 2' },
    });
    // …and read back, the instances run no scripts of their own
    const restored = serializer.fromSpiffJson(written, spiffFlavour);
    expect((restored.spec.getTaskSpec('each [child]') as BpmnSpec).extensions).toEqual({});
    expect((restored.spec.getTaskSpec('each') as BpmnSpec).extensions).toMatchObject({
      preScript: 'a = 1',
      postScript: 'b = 2',
    });
  });
});
