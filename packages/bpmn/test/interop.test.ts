import { describe, expect, it } from 'vitest';
import {
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
