import { describe, expect, it } from 'vitest';
import {
  BpmnWorkflowSerializer,
  TaskState,
  type BpmnWorkflow,
  type JsonObject,
} from '@spiff-ts/bpmn';
import { loadWorkflow } from './helpers.js';

/** Fixture processes (with the data they start with) covering sub-processes and events. */
const PROCESSES: [string, string, Record<string, unknown>][] = [
  ['engine-basic.bpmn', 'main', {}],
  ['parallel-call.bpmn', 'outer', {}],
  ['events.bpmn', 'message_wait', {}],
  ['events.bpmn', 'error_sub', {}],
  ['data.bpmn', 'multi', { items: [1, 2, 3] }],
  ['event-subprocess.bpmn', 'nested', { fail: true }],
  ['event-subprocess.bpmn', 'message_non_interrupting', {}],
];

/** Each process at its start, after its engine steps, and after each manual task run. */
function* workflowsAtEachPoint(): Generator<BpmnWorkflow> {
  for (const [file, process, data] of PROCESSES) {
    const workflow = loadWorkflow(file, process, { data });
    yield workflow;
    workflow.doEngineSteps();
    yield workflow;
    for (let i = 0; i < 10; i++) {
      const task = workflow.getTasks({ state: TaskState.READY, manual: true })[0];
      if (task === undefined) break;
      task.data['result'] = i; // what a multi-instance task's output item expects
      task.run();
      workflow.doEngineSteps();
      yield workflow;
    }
  }
}

/** engine-basic waiting at its user task `approve`. */
function waitingAtApprove(): BpmnWorkflow {
  const workflow = loadWorkflow('engine-basic.bpmn', 'main');
  workflow.doEngineSteps();
  return workflow;
}

describe('BpmnWorkflowSerializer text', () => {
  it('writes what JSON.stringify writes of toJson, and reads it back to the same text', () => {
    const serializer = new BpmnWorkflowSerializer();
    let count = 0;
    let withSubprocesses = 0;
    for (const workflow of workflowsAtEachPoint()) {
      const text = serializer.serializeJson(workflow);
      expect(text).toBe(JSON.stringify(serializer.toJson(workflow)));
      expect(serializer.serializeJson(workflow)).toBe(text);
      // Read twice: the second read takes the specs built by the first.
      expect(serializer.serializeJson(serializer.deserializeJson(text))).toBe(text);
      expect(serializer.serializeJson(serializer.deserializeJson(text))).toBe(text);
      expect(serializer.serializeJson(serializer.fromJson(JSON.parse(text) as JsonObject))).toBe(
        text,
      );
      count += 1;
      if (workflow.allSubprocesses().length > 0) withSubprocesses += 1;
    }
    expect(count).toBeGreaterThan(12);
    expect(withSubprocesses).toBeGreaterThan(0);
  });

  it('writes specs as they are, task data as it is, and the BPMN fields last', () => {
    const workflow = waitingAtApprove();
    workflow.correlations = { order: { id: 7 } };
    workflow.bpmnEvents = [
      { definition: { typename: 'SignalEventDefinition', name: 'nobody' }, payload: { n: 1 } },
    ];
    const approve = workflow.getTasks({ state: TaskState.READY })[0];
    approve?.setData({ when: { typename: 'datetime', value: '2020-01-01T00:00:00' } });
    const text = new BpmnWorkflowSerializer().serializeJson(workflow);
    const spec = workflow.spec.getTaskSpec('approve');
    expect(text).toContain(`"approve":${JSON.stringify(spec)}`);
    expect(text).toContain(
      `"task_spec":"approve","triggered":false,"thread_id":0,"internal_data":{},` +
        `"data":{"amount":150,"items":[1,2.5,"x"],` +
        `"when":{"typename":"datetime","value":"2020-01-01T00:00:00"}},"typename":"Task"}`,
    );
    expect(text.startsWith('{"serializer_version":"1.4","spec":{"typename":"WorkflowSpec"')).toBe(
      true,
    );
    expect(
      text.endsWith(
        ',"locks":[],"spec_state":{},' +
          '"bpmn_events":[{"definition":{"typename":"SignalEventDefinition","name":"nobody"},' +
          '"payload":{"n":1},"correlations":{}}],' +
          '"correlations":{"order":{"id":7}},"subprocess_correlations":{}}',
      ),
    ).toBe(true);
  });

  it('restores copies that share the specs and nothing else, and each completes', () => {
    const serializer = new BpmnWorkflowSerializer();
    const original = waitingAtApprove();
    const text = serializer.serializeJson(original);
    const first = serializer.deserializeJson(text);
    const second = serializer.deserializeJson(text);
    expect(second.spec).toBe(first.spec);
    expect(second.subprocessSpecs).toBe(first.subprocessSpecs);
    first.getTasks({ state: TaskState.READY })[0]?.run();
    first.doEngineSteps();
    expect(first.isCompleted()).toBe(true);
    expect(second.isCompleted()).toBe(false);
    expect(second.getTasks({ state: TaskState.READY }).map((t) => t.taskSpec.name)).toEqual([
      'approve',
    ]);
    second.getTasks({ state: TaskState.READY })[0]?.run();
    second.doEngineSteps();
    expect(second.isCompleted()).toBe(true);
    expect(second.data).toEqual(first.data);
    expect(serializer.serializeJson(original)).toBe(text);
  });

  it('leaves a document passed to fromJson as it was', () => {
    const serializer = new BpmnWorkflowSerializer();
    const text = serializer.serializeJson(waitingAtApprove());
    const doc = JSON.parse(text) as JsonObject;
    const restored = serializer.fromJson(doc);
    const specs = (doc['spec'] as JsonObject)['task_specs'] as JsonObject;
    expect(Object.isFrozen(specs['approve'])).toBe(false);
    expect(JSON.stringify(doc)).toBe(text);
    restored.getTasks({ state: TaskState.READY })[0]?.setData({ amount: 1 });
    expect(JSON.stringify(doc)).toBe(text);
  });
});
