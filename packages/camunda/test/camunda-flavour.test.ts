import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import {
  BpmnParser,
  BpmnWorkflow,
  BpmnWorkflowSerializer,
  TaskState,
  createBpmnRegistry,
  readBpmnXml,
  type BpmnSpec,
  type EventDefinition,
  type ModdleElement,
} from '@spiff-ts/bpmn';
import type { JsonObject } from '@spiff-ts/core';
import {
  CAMUNDA_NS,
  CamundaParser,
  camundaFlavour,
  camundaPackage,
  type CamundaForm,
} from '@spiff-ts/camunda';

const xml = readFileSync(new URL('./fixtures/camunda-flavour.bpmn', import.meta.url), 'utf8');
const registry = createBpmnRegistry(camundaFlavour);

function load<P extends BpmnParser>(parser: P): P {
  parser.addBpmnXml(xml, 'camunda-flavour.bpmn');
  return parser;
}
const specOf = (parser: BpmnParser, id: string) =>
  parser.getSpec('order').getTaskSpec(id) as BpmnSpec & { form?: CamundaForm };

const FORM: CamundaForm = {
  key: 'order_form',
  fields: [
    {
      id: 'amount',
      type: 'long',
      label: 'Amount',
      defaultValue: '1',
      properties: [],
      validation: [{ name: 'min', config: '1' }],
    },
    {
      id: 'size',
      type: 'enum',
      label: 'Size',
      defaultValue: null,
      properties: [{ id: 'hint', value: 'pick one' }],
      validation: [],
      options: [
        { id: 's', name: 'Small' },
        { id: 'l', name: 'Large' },
      ],
    },
  ],
};

describe('CamundaParser', () => {
  it('is a BpmnParser with the same API', () => {
    const parser = load(new CamundaParser({ validate: false }));
    expect(parser).toBeInstanceOf(BpmnParser);
    expect(parser.flavour).toBe(camundaFlavour);
    expect(parser.getProcessIds()).toEqual(['order']);
  });

  it('reads a user task form, properties and a decision reference', () => {
    const parser = load(new CamundaParser());
    expect(specOf(parser, 'ask').form).toEqual(FORM);
    expect(specOf(parser, 'ask').extensions).toEqual({ display: 'compact' });
    expect(specOf(parser, 'decide').decisionRef).toBe('shipping');
  });

  it('reads a camunda:collection multi-instance: the collection is input and output', () => {
    const pack = specOf(load(new CamundaParser()), 'pack');
    expect(pack).toMatchObject({
      typename: 'ParallelMultiInstanceTask',
      cardinality: null,
      dataInput: { bpmnId: 'items' },
      dataOutput: { bpmnId: 'items' },
      inputItem: { bpmnId: 'item' },
      outputItem: { bpmnId: 'item' },
    });
  });

  it('leaves camunda: extensions to the flavour: plain BpmnParser cannot read the collection', () => {
    const parser = load(new BpmnParser());
    // The file loads: without camunda's moddle package its extensions are generic elements.
    expect(parser.warnings).toEqual([]);
    expect(parser.element('ask')?.attrs['camunda:formKey']).toBe('order_form');
    expect(() => parser.getSpec('order')).toThrow(
      'A multiinstance task must specify a cardinality or a loop input data reference',
    );
  });
});

describe('the camunda: moddle package', () => {
  const valuesOf = (element: ModdleElement | undefined): ModdleElement[] =>
    ((element?.['extensionElements'] as ModdleElement | undefined)?.['values'] as
      ModdleElement[] | undefined) ?? [];

  it("is the flavour's, for the camunda namespace", () => {
    expect(camundaFlavour.moddle).toEqual([camundaPackage]);
    expect([camundaPackage.prefix, camundaPackage.uri]).toEqual(['camunda', CAMUNDA_NS]);
  });

  it('reads extension elements and attributes as typed moddle elements', () => {
    const doc = readBpmnXml(xml, { moddle: camundaFlavour.moddle });
    expect(doc.warnings).toEqual([]);
    const ask = doc.elementsById.get('ask');
    expect(ask?.get('camunda:formKey')).toBe('order_form');
    const [properties, formData] = valuesOf(ask);
    expect([properties?.$type, formData?.$type]).toEqual([
      'camunda:Properties',
      'camunda:FormData',
    ]);
    const fields = formData?.['fields'] as ModdleElement[];
    expect(fields.map((f) => [f.$type, f.id])).toEqual([
      ['camunda:FormField', 'amount'],
      ['camunda:FormField', 'size'],
    ]);
    const loop = doc.elementsById.get('pack')?.['loopCharacteristics'] as ModdleElement;
    expect(loop.get('camunda:collection')).toBe('items');
  });

  it('makes CamundaParser warn about a misspelt camunda: attribute', () => {
    const misspelt = xml.replace('camunda:formKey=', 'camunda:formKy=');
    const parser = new CamundaParser();
    parser.addBpmnXml(misspelt, 'misspelt.bpmn');
    expect(parser.warnings).toEqual([
      expect.objectContaining({ message: 'Unknown attribute <camunda:formKy>', elementId: 'ask' }),
    ]);
    // A plain reader does not know the namespace, so it has nothing to warn about.
    expect(readBpmnXml(misspelt).warnings).toEqual([]);
  });
});

describe('camunda message payloads', () => {
  function atAnswer(): BpmnWorkflow {
    const parser = load(new CamundaParser());
    const workflow = new BpmnWorkflow(parser.getSpec('order'), new Map(), { registry });
    workflow.doEngineSteps();
    const ask = workflow.getNextTask({ state: TaskState.READY, manual: true });
    ask?.setData({ amount: 3, items: ['a', 'b'] });
    ask?.run();
    workflow.doEngineSteps();
    return workflow;
  }

  it('throws the expression value with the result variable', () => {
    const [event] = atAnswer().getEvents();
    expect(event?.payload).toEqual({ payload: 30, result_var: 'price' });
  });

  it('stores a caught payload under its result variable, by default <task>_Response', () => {
    const workflow = atAnswer();
    const definition = workflow.waitingTasks()[0]?.taskSpec.eventDefinition as EventDefinition;
    workflow.sendEvent({ definition, payload: { payload: 'yes', result_var: null } });
    const task = workflow
      .getTasks({ state: TaskState.READY })
      .find((t) => t.taskSpec.name === 'wait_answer');
    task?.run();
    expect(task?.data['wait_answer_Response']).toBe('yes');
  });
});

describe('SpiffWorkflow JSON with the camunda serializer fields', () => {
  it('writes the form and message fields as the camunda config does, and reads them back', () => {
    // given
    const parser = load(new CamundaParser());
    const workflow = new BpmnWorkflow(parser.getSpec('order'), new Map(), { registry });
    workflow.doEngineSteps();
    const serializer = new BpmnWorkflowSerializer({ registry });
    // when
    const written = JSON.parse(
      JSON.stringify(serializer.toSpiffJson(workflow, camundaFlavour)),
    ) as JsonObject;
    const restored = serializer.fromSpiffJson(written, camundaFlavour);
    // then
    const specs = (written['spec'] as { task_specs: Record<string, Record<string, unknown>> })
      .task_specs;
    expect(specs['ask']?.['form']).toEqual({
      key: 'order_form',
      fields: [
        {
          id: 'amount',
          default_value: '1',
          label: 'Amount',
          type: 'long',
          properties: [],
          validation: [{ name: 'min', config: '1' }],
        },
        {
          id: 'size',
          default_value: null,
          label: 'Size',
          type: 'enum',
          properties: [{ id: 'hint', value: 'pick one' }],
          validation: [],
          options: [
            { id: 's', name: 'Small' },
            { id: 'l', name: 'Large' },
          ],
        },
      ],
    });
    expect(specs['send_quote']?.['event_definition']).toMatchObject({
      description: null,
      expression: 'amount * 10',
      result_var: 'price',
    });
    // A collection loop's input is the collection and its item the element variable: the
    // reference fills these in when the task is reached (and then writes them), so they are
    // written filled in even before, the same references the reference would set.
    expect(specs['pack']).toMatchObject({
      cardinality: null,
      data_input: { bpmn_id: 'items', bpmn_name: null, typename: 'TaskDataReference' },
      data_output: { bpmn_id: 'items', bpmn_name: null, typename: 'TaskDataReference' },
      input_item: { bpmn_id: 'item', bpmn_name: null, typename: 'TaskDataReference' },
    });
    expect(restored.spec.getTaskSpec('ask')).toMatchObject({ form: FORM });
    expect(restored.spec.getTaskSpec('pack')).toMatchObject({
      dataInput: { bpmnId: 'items' },
      inputItem: { bpmnId: 'item' },
    });
    expect((restored.spec.getTaskSpec('send_quote') as BpmnSpec).eventDefinition).toMatchObject({
      payloadExpression: 'amount * 10',
      resultVar: 'price',
    });
  });
});

describe('SpiffWorkflow JSON of a camunda embedded sub-process', () => {
  it('writes it as the call activity the camunda parser builds, and reads it back', () => {
    // given: a process running its embedded sub-process
    const parser = new CamundaParser();
    parser.addBpmnXml(
      `<?xml version="1.0" encoding="UTF-8"?>
<bpmn:definitions xmlns:bpmn="http://www.omg.org/spec/BPMN/20100524/MODEL" id="d" targetNamespace="t">
  <bpmn:process id="outer" isExecutable="true">
    <bpmn:startEvent id="start"><bpmn:outgoing>f1</bpmn:outgoing></bpmn:startEvent>
    <bpmn:sequenceFlow id="f1" sourceRef="start" targetRef="inner"/>
    <bpmn:subProcess id="inner">
      <bpmn:incoming>f1</bpmn:incoming><bpmn:outgoing>f2</bpmn:outgoing>
      <bpmn:startEvent id="inner_start"><bpmn:outgoing>s1</bpmn:outgoing></bpmn:startEvent>
      <bpmn:sequenceFlow id="s1" sourceRef="inner_start" targetRef="work"/>
      <bpmn:userTask id="work"><bpmn:incoming>s1</bpmn:incoming><bpmn:outgoing>s2</bpmn:outgoing></bpmn:userTask>
      <bpmn:sequenceFlow id="s2" sourceRef="work" targetRef="inner_end"/>
      <bpmn:endEvent id="inner_end"><bpmn:incoming>s2</bpmn:incoming></bpmn:endEvent>
    </bpmn:subProcess>
    <bpmn:sequenceFlow id="f2" sourceRef="inner" targetRef="end"/>
    <bpmn:endEvent id="end"><bpmn:incoming>f2</bpmn:incoming></bpmn:endEvent>
  </bpmn:process>
</bpmn:definitions>`,
      'outer.bpmn',
    );
    const workflow = new BpmnWorkflow(parser.getSpec('outer'), parser.getSubprocessSpecs('outer'), {
      registry,
    });
    workflow.doEngineSteps();
    const serializer = new BpmnWorkflowSerializer({ registry });
    // when
    const written = JSON.parse(
      JSON.stringify(serializer.toSpiffJson(workflow, camundaFlavour)),
    ) as JsonObject;
    // then: SpiffWorkflow's camunda parser types every sub-process element a CallActivity
    const specs = (written['spec'] as { task_specs: Record<string, Record<string, unknown>> })
      .task_specs;
    expect(specs['inner']).toMatchObject({
      typename: 'CallActivity',
      description: 'Subprocess',
      spec: 'inner',
    });
    // …and read back it is the embedded sub-process again, and runs on
    const restored = serializer.fromSpiffJson(written, camundaFlavour);
    expect(restored.spec.getTaskSpec('inner')?.typename).toBe('SubWorkflowTask');
    restored.getNextTask({ state: TaskState.READY, manual: true })?.run();
    restored.doEngineSteps();
    expect(restored.isCompleted()).toBe(true);
  });
});
