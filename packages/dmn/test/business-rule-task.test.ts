import { describe, expect, it } from 'vitest';
import {
  BpmnParser,
  BpmnWorkflow,
  BpmnWorkflowSerializer,
  type ElementParser,
} from '@spiff-ts/bpmn';
import type { JsonObject } from '@spiff-ts/core';
import {
  businessRuleTasks,
  DmnEngine,
  resolveDecisionRef,
  withDecisionTables,
} from '@spiff-ts/dmn';

const DMN = `<?xml version="1.0" encoding="UTF-8"?>
<definitions xmlns="https://www.omg.org/spec/DMN/20191111/MODEL/" id="defs" name="shipping"
             namespace="http://example.com/shipping">
  <decision id="shipping" name="Shipping">
    <decisionTable id="shipping_table">
      <input id="in_weight" label="weight"><inputExpression id="ie_weight"><text>weight</text></inputExpression></input>
      <output id="out_carrier" name="carrier"/>
      <rule id="light"><inputEntry id="e1"><text>&lt; 10</text></inputEntry><outputEntry id="o1"><text>"post"</text></outputEntry></rule>
      <rule id="heavy"><inputEntry id="e2"><text>&gt;= 10</text></inputEntry><outputEntry id="o2"><text>"freight"</text></outputEntry></rule>
    </decisionTable>
  </decision>
</definitions>`;

const BPMN = `<?xml version="1.0" encoding="UTF-8"?>
<bpmn:definitions xmlns:bpmn="http://www.omg.org/spec/BPMN/20100524/MODEL"
    xmlns:spiffworkflow="http://spiffworkflow.org/bpmn/schema/1.0/core"
    xmlns:camunda="http://camunda.org/schema/1.0/bpmn" id="defs" targetNamespace="http://example.com">
  <bpmn:process id="ship" isExecutable="true">
    <bpmn:startEvent id="start"><bpmn:outgoing>f1</bpmn:outgoing></bpmn:startEvent>
    <bpmn:businessRuleTask id="by_decision_id">
      <bpmn:extensionElements><spiffworkflow:calledDecisionId>shipping</spiffworkflow:calledDecisionId></bpmn:extensionElements>
      <bpmn:incoming>f1</bpmn:incoming><bpmn:outgoing>f2</bpmn:outgoing>
    </bpmn:businessRuleTask>
    <bpmn:scriptTask id="keep"><bpmn:incoming>f2</bpmn:incoming><bpmn:outgoing>f3</bpmn:outgoing>
      <bpmn:script>first = carrier
weight = 25</bpmn:script></bpmn:scriptTask>
    <bpmn:businessRuleTask id="by_table_id" camunda:decisionRef="shipping_table">
      <bpmn:incoming>f3</bpmn:incoming><bpmn:outgoing>f4</bpmn:outgoing>
    </bpmn:businessRuleTask>
    <bpmn:endEvent id="end"><bpmn:incoming>f4</bpmn:incoming></bpmn:endEvent>
    <bpmn:sequenceFlow id="f1" sourceRef="start" targetRef="by_decision_id"/>
    <bpmn:sequenceFlow id="f2" sourceRef="by_decision_id" targetRef="keep"/>
    <bpmn:sequenceFlow id="f3" sourceRef="keep" targetRef="by_table_id"/>
    <bpmn:sequenceFlow id="f4" sourceRef="by_table_id" targetRef="end"/>
  </bpmn:process>
</bpmn:definitions>`;

/**
 * Reads the decision reference both ways the flavours do (`@spiff-ts/spiff`'s
 * `calledDecisionId`, `@spiff-ts/camunda`'s `decisionRef`), so one model can hold both.
 */
const businessRuleTask: ElementParser = {
  create: (ctx, node) => {
    const spec = ctx.newSpec('BusinessRuleTask', node);
    const extensions = node.children.find((c) => c.tag === 'bpmn:extensionElements');
    const called = extensions?.children
      .find((c) => c.tag === 'spiffworkflow:calledDecisionId')
      ?.text.trim();
    spec.decisionRef = node.attrs['camunda:decisionRef'] ?? called ?? null;
    return spec;
  },
};

function setUp() {
  const engine = DmnEngine.parse([{ path: 'shipping.dmn', text: DMN }]);
  const parser = new BpmnParser({ parsers: { 'bpmn:businessRuleTask': businessRuleTask } });
  parser.addBpmnXml(BPMN, 'ship.bpmn');
  return { engine, spec: parser.getSpec('ship'), subprocesses: parser.getSubprocessSpecs('ship') };
}

describe('business rule tasks', () => {
  it('resolve a decision by its id, its name or the id of its table', () => {
    const { engine } = setUp();
    expect(resolveDecisionRef(engine, 'shipping')).toBe('shipping');
    expect(resolveDecisionRef(engine, 'Shipping')).toBe('Shipping');
    expect(resolveDecisionRef(engine, 'shipping_table')).toBe('shipping');
    expect(resolveDecisionRef(engine, 'nope')).toBe('nope');
  });

  it('merge the decision into the task data, for spiffworkflow: and camunda: references', () => {
    const { engine, spec, subprocesses } = setUp();
    const decide = businessRuleTasks(engine);
    const workflow = new BpmnWorkflow(spec, subprocesses, { decide, data: { weight: 3 } });
    workflow.doEngineSteps();
    expect(workflow.isCompleted()).toBe(true);
    expect(workflow.data).toMatchObject({ first: 'post', weight: 25, carrier: 'freight' });
  });

  it('write their decision table as SpiffWorkflow does, and read the reference back', () => {
    // given
    const { engine, spec, subprocesses } = setUp();
    const decide = businessRuleTasks(engine);
    const serializer = new BpmnWorkflowSerializer({ decide });
    const workflow = new BpmnWorkflow(spec, subprocesses, { decide, data: { weight: 3 } });
    const withTables = withDecisionTables(undefined, engine);
    // when
    const written = JSON.parse(
      JSON.stringify(serializer.toSpiffJson(workflow, withTables)),
    ) as JsonObject;
    const restored = serializer.fromSpiffJson(written, withTables);
    restored.doEngineSteps();
    // then: the table of the DMN above, with SpiffWorkflow's defaults for what it leaves out
    const specs = (written['spec'] as { task_specs: Record<string, Record<string, unknown>> })
      .task_specs;
    expect(specs['by_table_id']?.['decision_table']).toEqual({
      id: 'shipping_table',
      name: '',
      hit_policy: 'UNIQUE',
      inputs: [{ id: 'in_weight', label: 'weight', name: '', expression: 'weight', typeRef: '' }],
      outputs: [{ id: 'out_carrier', label: '', name: 'carrier', typeRef: '' }],
      rules: [
        {
          id: 'light',
          row_number: 1,
          description: '',
          input_entries: [{ id: 'e1', input_id: 'in_weight', description: '', lhs: ['< 10'] }],
          output_entries: [{ id: 'o1', output_id: 'out_carrier', description: '', text: '"post"' }],
        },
        {
          id: 'heavy',
          row_number: 2,
          description: '',
          input_entries: [{ id: 'e2', input_id: 'in_weight', description: '', lhs: ['>= 10'] }],
          output_entries: [
            { id: 'o2', output_id: 'out_carrier', description: '', text: '"freight"' },
          ],
        },
      ],
    });
    expect(restored.isCompleted()).toBe(true);
    expect(restored.data).toMatchObject({ first: 'post', carrier: 'freight' });
  });

  it('keep working after a save and restore', () => {
    const { engine, spec, subprocesses } = setUp();
    const decide = businessRuleTasks(engine);
    const serializer = new BpmnWorkflowSerializer({ decide });
    const workflow = new BpmnWorkflow(spec, subprocesses, { decide, data: { weight: 30 } });
    const restored = serializer.deserializeJson(serializer.serializeJson(workflow));
    restored.doEngineSteps();
    expect(restored.data).toMatchObject({ first: 'freight', carrier: 'freight' });
  });

  it('fail the task, naming the decision, when the decision does not exist', () => {
    const { spec, subprocesses } = setUp();
    const empty = DmnEngine.parse([
      { path: 'other.dmn', text: DMN.replaceAll('shipping', 'other') },
    ]);
    const workflow = new BpmnWorkflow(spec, subprocesses, {
      decide: businessRuleTasks(empty),
      data: { weight: 3 },
    });
    expect(() => {
      workflow.doEngineSteps();
    }).toThrow(/shipping/);
  });
});
