import { describe, expect, it } from 'vitest';
import {
  BpmnParser,
  BpmnWorkflow,
  BpmnWorkflowSerializer,
  SerializationError,
  TaskState,
  fromSpiffWorkflowJson,
  toSpiffWorkflowJson,
} from '@spiff-ts/bpmn';
import type { JsonObject } from '@spiff-ts/core';

/** A minimal state as SpiffWorkflow writes it: Start done, a user task READY (data as deltas). */
function pythonState(): JsonObject {
  const base = {
    description: 'BPMN Task',
    manual: false,
    lookahead: 2,
    bpmn_id: null,
    bpmn_name: null,
    lane: null,
    documentation: null,
    data_input_associations: [],
    data_output_associations: [],
    io_specification: null,
  };
  const task = (
    id: string,
    parent: string | null,
    children: string[],
    spec: string,
    state: number,
  ): JsonObject => ({
    id,
    parent,
    children,
    last_state_change: 1767268800.001,
    state,
    task_spec: spec,
    triggered: false,
    internal_data: {},
    data: (parent === null ? { amount: 3 } : {}) as JsonObject,
    delta:
      parent === null ? {} : { updates: spec === 'approve' ? { seen: true } : {}, deletions: [] },
    typename: 'Task',
  });
  return {
    serializer_version: '1.4',
    typename: 'BpmnWorkflow',
    data: {},
    correlations: {},
    last_task: 't1',
    success: true,
    completed: false,
    root: 't1',
    bpmn_events: [],
    subprocess_specs: {},
    subprocesses: {},
    tasks: {
      t1: task('t1', null, ['t2'], 'Start', 64),
      t2: task('t2', 't1', ['t3'], 'approve', 16),
      t3: task('t3', 't2', ['t4'], 'main.EndJoin', 4),
      t4: task('t4', 't3', [], 'End', 4),
    },
    spec: {
      name: 'main',
      description: 'main',
      file: 'main.bpmn',
      io_specification: null,
      data_objects: {},
      correlation_keys: {},
      typename: 'BpmnProcessSpec',
      task_specs: {
        Start: {
          ...base,
          name: 'Start',
          inputs: [],
          outputs: ['approve'],
          trigger_specs: [],
          typename: 'BpmnStartTask',
        },
        approve: {
          ...base,
          name: 'approve',
          manual: true,
          bpmn_id: 'approve',
          inputs: ['Start'],
          outputs: ['main.EndJoin'],
          extensions: {},
          typename: 'UserTask',
        },
        'main.EndJoin': {
          ...base,
          name: 'main.EndJoin',
          inputs: ['approve'],
          outputs: ['End'],
          typename: '_EndJoin',
        },
        End: {
          ...base,
          name: 'End',
          inputs: ['main.EndJoin'],
          outputs: [],
          typename: 'SimpleBpmnTask',
        },
      },
    },
  };
}

describe('reading SpiffWorkflow-written JSON', () => {
  it('rebuilds task data from deltas and continues the workflow', () => {
    const serializer = new BpmnWorkflowSerializer();
    const workflow = serializer.fromJson(fromSpiffWorkflowJson(pythonState()));
    const ready = workflow.getTasks({ state: TaskState.READY });
    expect(ready.map((t) => t.taskSpec.name)).toEqual(['approve']);
    expect(ready[0]?.data).toEqual({ amount: 3, seen: true });
    ready[0]?.run();
    workflow.doEngineSteps();
    expect(workflow.isCompleted()).toBe(true);
    expect(workflow.data).toEqual({ amount: 3, seen: true });
  });

  it('writes SpiffWorkflow JSON back: the state read is the state written', () => {
    const serializer = new BpmnWorkflowSerializer();
    const original = pythonState();
    const workflow = serializer.fromSpiffJson(original);
    const written = toSpiffWorkflowJson(workflow);
    const tasks = written['tasks'] as Record<string, JsonObject>;
    expect(Object.keys(tasks).sort()).toEqual(['t1', 't2', 't3', 't4']);
    expect(tasks['t2']).toMatchObject({ parent: 't1', children: ['t3'], state: 16 });
    expect(tasks['t2']?.['data']).toEqual({ amount: 3, seen: true });
    const specs = (written['spec'] as JsonObject)['task_specs'] as Record<string, JsonObject>;
    const originalSpecs = (original['spec'] as JsonObject)['task_specs'] as Record<
      string,
      JsonObject
    >;
    expect(specs['approve']).toEqual(originalSpecs['approve']);
    expect(specs['Start']).toEqual(originalSpecs['Start']);
    // …and it can be read again and continued.
    const again = serializer.fromSpiffJson(JSON.parse(JSON.stringify(written)) as JsonObject);
    again.getTasks({ state: TaskState.READY })[0]?.run();
    again.doEngineSteps();
    expect(again.isCompleted()).toBe(true);
  });

  it('refuses other serializer versions loudly', () => {
    expect(() => fromSpiffWorkflowJson({ ...pythonState(), serializer_version: '1.1' })).toThrow(
      SerializationError,
    );
  });
});

const signal = (name: string) => ({
  definition: { typename: 'SignalEventDefinition', name },
  payload: null,
});

/** A small process of `body` (BPMN elements) with signals `go`, `a` and `b`. */
function model(body: string): BpmnWorkflow {
  const parser = new BpmnParser();
  parser.addBpmnXml(
    `<?xml version="1.0" encoding="UTF-8"?>
<bpmn:definitions xmlns:bpmn="http://www.omg.org/spec/BPMN/20100524/MODEL" id="d" targetNamespace="t">
  <bpmn:signal id="sig_go" name="go"/>
  <bpmn:signal id="sig_a" name="a"/>
  <bpmn:signal id="sig_b" name="b"/>
  <bpmn:process id="p" isExecutable="true">${body}</bpmn:process>
</bpmn:definitions>`,
    'p.bpmn',
  );
  return new BpmnWorkflow(parser.getSpec('p'), parser.getSubprocessSpecs('p'));
}

const specsOf = (doc: JsonObject) =>
  (doc['spec'] as JsonObject)['task_specs'] as Record<string, JsonObject>;
const names = (tasks: readonly { taskSpec: { name: string } }[]) =>
  tasks.map((t) => t.taskSpec.name).sort();
/** Written, as text and back, as SpiffWorkflow would receive it. */
const written = (workflow: BpmnWorkflow) =>
  JSON.parse(JSON.stringify(toSpiffWorkflowJson(workflow))) as JsonObject;

describe('writing SpiffWorkflow JSON for what 3.1.2 types differently', () => {
  const EVENT_SUBPROCESS = `
    <bpmn:startEvent id="start"><bpmn:outgoing>f1</bpmn:outgoing></bpmn:startEvent>
    <bpmn:sequenceFlow id="f1" sourceRef="start" targetRef="work"/>
    <bpmn:userTask id="work"><bpmn:incoming>f1</bpmn:incoming><bpmn:outgoing>f2</bpmn:outgoing></bpmn:userTask>
    <bpmn:sequenceFlow id="f2" sourceRef="work" targetRef="end"/>
    <bpmn:endEvent id="end"><bpmn:incoming>f2</bpmn:incoming></bpmn:endEvent>
    <bpmn:subProcess id="sub" triggeredByEvent="true">
      <bpmn:startEvent id="sub_start" isInterrupting="false">
        <bpmn:outgoing>s1</bpmn:outgoing>
        <bpmn:signalEventDefinition signalRef="sig_go"/>
      </bpmn:startEvent>
      <bpmn:sequenceFlow id="s1" sourceRef="sub_start" targetRef="handle"/>
      <bpmn:userTask id="handle"><bpmn:incoming>s1</bpmn:incoming><bpmn:outgoing>s2</bpmn:outgoing></bpmn:userTask>
      <bpmn:sequenceFlow id="s2" sourceRef="handle" targetRef="sub_end"/>
      <bpmn:endEvent id="sub_end"><bpmn:incoming>s2</bpmn:incoming></bpmn:endEvent>
    </bpmn:subProcess>`;

  it('writes an event sub-process as a SubWorkflowTask its start task triggers, and reads it back', () => {
    // given: the process runs, its event sub-process waits for the signal
    const workflow = model(EVENT_SUBPROCESS);
    workflow.doEngineSteps();
    // then: SpiffWorkflow has no EventSubprocess converter; the start task lists it as a trigger
    // and wires it into its outputs only once it has started
    let specs = specsOf(written(workflow));
    expect(specs['sub']).toMatchObject({
      typename: 'SubWorkflowTask',
      spec: 'sub',
      inputs: ['Start'],
    });
    expect(specs['Start']).toMatchObject({ outputs: ['start'], trigger_specs: ['sub'] });
    // when: the signal starts it
    workflow.sendEvent(signal('go'));
    workflow.doEngineSteps();
    const doc = written(workflow);
    specs = specsOf(doc);
    expect(specs['sub']?.['typename']).toBe('SubWorkflowTask');
    expect(specs['Start']).toMatchObject({ outputs: ['start', 'sub'], trigger_specs: ['sub'] });
    // then: read back, it is an event sub-process again, and the start task's graph is ours
    const restored = new BpmnWorkflowSerializer().fromSpiffJson(doc);
    expect(restored.spec.getTaskSpec('sub')?.typename).toBe('EventSubprocess');
    expect(restored.spec.getTaskSpec('Start')?.outputs).toEqual(['start']);
    expect(names(restored.getTasks({ state: TaskState.READY }))).toEqual(['handle', 'work']);
    for (const name of ['handle', 'work']) {
      restored
        .getTasks({ state: TaskState.READY })
        .find((t) => t.taskSpec.name === name)
        ?.run();
      restored.doEngineSteps();
    }
    expect(restored.isCompleted()).toBe(true);
  });

  it('writes the events a parallel multiple catch has seen as BpmnEvent dicts, and reads them', () => {
    // given: a parallel multiple catch that has seen one of its two signals
    const workflow = model(`
      <bpmn:startEvent id="start"><bpmn:outgoing>f1</bpmn:outgoing></bpmn:startEvent>
      <bpmn:sequenceFlow id="f1" sourceRef="start" targetRef="both"/>
      <bpmn:intermediateCatchEvent id="both" parallelMultiple="true">
        <bpmn:incoming>f1</bpmn:incoming><bpmn:outgoing>f2</bpmn:outgoing>
        <bpmn:signalEventDefinition signalRef="sig_a"/>
        <bpmn:signalEventDefinition signalRef="sig_b"/>
      </bpmn:intermediateCatchEvent>
      <bpmn:sequenceFlow id="f2" sourceRef="both" targetRef="end"/>
      <bpmn:endEvent id="end"><bpmn:incoming>f2</bpmn:incoming></bpmn:endEvent>`);
    workflow.doEngineSteps();
    workflow.sendEvent(signal('a'));
    workflow.doEngineSteps();
    // when
    const doc = written(workflow);
    // then: the shape of SpiffWorkflow's BpmnEvent converter (as in `bpmn_events`)
    const both = Object.values(doc['tasks'] as Record<string, JsonObject>).find(
      (t) => t['task_spec'] === 'both',
    );
    expect((both?.['internal_data'] as JsonObject)['seen_events']).toEqual([
      {
        event_definition: { description: 'Signal', name: 'a', typename: 'SignalEventDefinition' },
        payload: null,
        correlations: {},
        typename: 'BpmnEvent',
      },
    ]);
    // …read back, the catch still waits for `b` only
    const restored = new BpmnWorkflowSerializer().fromSpiffJson(doc);
    const waiting = restored.waitingTasks();
    expect(names(waiting)).toEqual(['both']);
    expect(waiting[0]?.internalData['seen_events']).toMatchObject([
      { definition: { typename: 'SignalEventDefinition', name: 'a' }, payload: null },
    ]);
    restored.sendEvent(signal('b'));
    restored.doEngineSteps();
    expect(restored.isCompleted()).toBe(true);
  });

  it("writes typed values as SpiffWorkflow's default registry and Python's json do", () => {
    // given: task data holding Python values JSON lacks (this port's tagged form)
    const workflow = model(`
      <bpmn:startEvent id="start"><bpmn:outgoing>f1</bpmn:outgoing></bpmn:startEvent>
      <bpmn:sequenceFlow id="f1" sourceRef="start" targetRef="work"/>
      <bpmn:userTask id="work"><bpmn:incoming>f1</bpmn:incoming><bpmn:outgoing>f2</bpmn:outgoing></bpmn:userTask>
      <bpmn:sequenceFlow id="f2" sourceRef="work" targetRef="end"/>
      <bpmn:endEvent id="end"><bpmn:incoming>f2</bpmn:incoming></bpmn:endEvent>`);
    workflow.doEngineSteps();
    const work = workflow.getTasks({ state: TaskState.READY })[0];
    work?.setData({
      pair: { typename: 'tuple', value: [1, { typename: 'tuple', value: ['x'] }] },
      wait: { typename: 'timedelta', value: { days: 1, seconds: 5, microseconds: 7 } },
      at: { typename: 'datetime', value: '2026-03-01T09:00:00' },
      ratio: { typename: 'float', value: '3.0' },
      keyed: {
        typename: 'dict',
        value: [
          [1, 'a'],
          [null, 'b'],
          [true, 'c'],
        ],
      },
      tupleKeyed: { typename: 'dict', value: [[{ typename: 'tuple', value: [1] }, 'a']] },
      tags: { typename: 'set', value: [1] },
      price: { typename: 'Decimal', value: '1.10' },
    });
    // when
    const doc = written(workflow);
    // then: a tuple is a list (Python's json), a timedelta is days and seconds (the registry
    // drops microseconds), datetime keeps its shape, an integral float is a number, dict keys
    // are text as json writes them; what 3.1.2 cannot write keeps this port's tags
    const task = Object.values(doc['tasks'] as Record<string, JsonObject>).find(
      (t) => t['task_spec'] === 'work',
    );
    expect(task?.['data']).toEqual({
      pair: [1, ['x']],
      wait: { days: 1, seconds: 5, typename: 'timedelta' },
      at: { value: '2026-03-01T09:00:00', typename: 'datetime' },
      ratio: 3,
      keyed: { '1': 'a', null: 'b', true: 'c' },
      tupleKeyed: { typename: 'dict', value: [[[1], 'a']] },
      tags: { typename: 'set', value: [1] },
      price: { typename: 'Decimal', value: '1.10' },
    });
    // …and read back as Python would: lists for tuples, the timedelta without microseconds
    const restored = new BpmnWorkflowSerializer().fromSpiffJson(doc);
    const data = restored.getTasks({ state: TaskState.READY })[0]?.data ?? {};
    expect(data['pair']).toEqual([1, ['x']]);
    expect(data['wait']).toEqual({
      typename: 'timedelta',
      value: { days: 1, seconds: 5, microseconds: 0 },
    });
    expect(data['at']).toEqual({ typename: 'datetime', value: '2026-03-01T09:00:00' });
    expect(data['tags']).toEqual({ typename: 'set', value: [1] });
  });

  it("names event definitions as SpiffWorkflow's parser does, and writes an unnamed lane as none", () => {
    // given: a catch-all escalation boundary event, a named terminate end event, an unnamed lane
    const parser = new BpmnParser();
    parser.addBpmnXml(
      `<?xml version="1.0" encoding="UTF-8"?>
<bpmn:definitions xmlns:bpmn="http://www.omg.org/spec/BPMN/20100524/MODEL" id="d" targetNamespace="t">
  <bpmn:process id="p" isExecutable="true">
    <bpmn:laneSet id="lanes"><bpmn:lane id="lane"><bpmn:flowNodeRef>work</bpmn:flowNodeRef></bpmn:lane></bpmn:laneSet>
    <bpmn:startEvent id="start"><bpmn:outgoing>f1</bpmn:outgoing></bpmn:startEvent>
    <bpmn:sequenceFlow id="f1" sourceRef="start" targetRef="work"/>
    <bpmn:userTask id="work"><bpmn:incoming>f1</bpmn:incoming><bpmn:outgoing>f2</bpmn:outgoing></bpmn:userTask>
    <bpmn:boundaryEvent id="any_escalation" attachedToRef="work" cancelActivity="false">
      <bpmn:outgoing>f3</bpmn:outgoing>
      <bpmn:escalationEventDefinition/>
    </bpmn:boundaryEvent>
    <bpmn:sequenceFlow id="f2" sourceRef="work" targetRef="stop"/>
    <bpmn:endEvent id="stop" name="Stop"><bpmn:incoming>f2</bpmn:incoming><bpmn:terminateEventDefinition/></bpmn:endEvent>
    <bpmn:sequenceFlow id="f3" sourceRef="any_escalation" targetRef="noted"/>
    <bpmn:endEvent id="noted"><bpmn:incoming>f3</bpmn:incoming></bpmn:endEvent>
  </bpmn:process>
</bpmn:definitions>`,
      'p.bpmn',
    );
    const workflow = new BpmnWorkflow(parser.getSpec('p'), new Map());
    workflow.doEngineSteps();
    // when
    const specs = specsOf(written(workflow));
    // then: an escalation referring to no element is 'None Escalation Event'; terminate
    // definitions have no name; the lane has no name (None there), not an empty one
    expect(specs['any_escalation']?.['event_definition']).toMatchObject({
      name: 'None Escalation Event',
      code: null,
    });
    expect(specs['stop']?.['event_definition']).toMatchObject({
      name: null,
      typename: 'TerminateEventDefinition',
    });
    expect(specs['work']?.['lane']).toBeNull();
    // …and the state read back runs on: the catch-all still waits, the user task finishes
    const restored = new BpmnWorkflowSerializer().fromSpiffJson(written(workflow));
    restored.getTasks({ state: TaskState.READY })[0]?.run();
    restored.doEngineSteps();
    expect(restored.isCompleted()).toBe(true);
  });
});
