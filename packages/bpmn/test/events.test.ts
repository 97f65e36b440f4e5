import { describe, expect, it } from 'vitest';
import { TaskState, WorkflowError } from '@spiff-ts/bpmn';
import { loadWorkflow, saveRestore } from './helpers.js';

const ids = (tasks: readonly { taskSpec: { name: string } }[]) => tasks.map((t) => t.taskSpec.name);

describe('events', () => {
  it('fires a boundary timer only on the injected clock, strictly after its due time', () => {
    let now = Date.parse('2026-01-01T12:00:00Z');
    const workflow = loadWorkflow('events.bpmn', 'timer_boundary', { clock: () => now });
    workflow.doEngineSteps();
    expect(ids(workflow.getTasks({ state: TaskState.WAITING }))).toEqual(['too_late']);
    expect(workflow.waitingEvents()[0]).toMatchObject({
      type: 'DurationTimerEventDefinition',
      value: '2026-01-01T12:01:00+00:00',
    });
    now += 60_000;
    workflow.refreshWaitingTasks();
    expect(ids(workflow.getTasks({ state: TaskState.READY }))).toEqual(['work']);
    now += 1;
    const restored = saveRestore(workflow, { clock: () => now });
    restored.refreshWaitingTasks();
    restored.doEngineSteps();
    expect(restored.isCompleted()).toBe(true);
    expect(restored.data['late']).toBe(true);
  });

  it('waits for a message, merges its payload and refuses messages nobody waits for', () => {
    const workflow = loadWorkflow('events.bpmn', 'message_wait');
    workflow.doEngineSteps();
    expect(ids(workflow.getTasks({ state: TaskState.WAITING }))).toEqual(['wait_paid']);
    expect(() =>
      workflow.sendEvent({ definition: { typename: 'MessageEventDefinition', name: 'other' } }),
    ).toThrow(WorkflowError);
    workflow.sendEvent({
      definition: { typename: 'MessageEventDefinition', name: 'paid' },
      payload: { amount: 21 },
    });
    workflow.doEngineSteps();
    expect(workflow.isCompleted()).toBe(true);
    expect(workflow.data['total']).toBe(42);
  });

  it('queues an event thrown inside that nothing catches', () => {
    const workflow = loadWorkflow('events.bpmn', 'message_wait');
    workflow.catch({ definition: { typename: 'SignalEventDefinition', name: 'nobody' } });
    expect(workflow.getEvents().map((e) => e.definition.name)).toEqual(['nobody']);
    expect(workflow.getEvents()).toEqual([]);
  });

  it('catches an error thrown in a sub-process on its boundary', () => {
    const workflow = loadWorkflow('events.bpmn', 'error_sub');
    workflow.doEngineSteps();
    expect(workflow.isCompleted()).toBe(true);
    expect(workflow.data['handled']).toBe(true);
    const boundary = workflow.getTasks().find((t) => t.taskSpec.name === 'on_error');
    expect(boundary?.state).toBe(TaskState.COMPLETED);
  });
});

describe('data', () => {
  it('runs a parallel multi-instance task over a list and collects its outputs', () => {
    const workflow = loadWorkflow('data.bpmn', 'multi', { data: { items: [1, 2, 3] } });
    workflow.doEngineSteps();
    const instances = workflow.getTasks({ state: TaskState.READY });
    expect(instances.map((t) => t.data['item'])).toEqual([1, 2, 3]);
    for (const task of instances) {
      task.data['result'] = (task.data['item'] as number) * 10;
      task.run();
    }
    workflow.doEngineSteps();
    expect(workflow.isCompleted()).toBe(true);
    expect(workflow.data['results']).toEqual([10, 20, 30]);
  });

  it('moves data objects through associations, outside the task data', () => {
    const workflow = loadWorkflow('data.bpmn', 'objects');
    workflow.doEngineSteps();
    expect(workflow.isCompleted()).toBe(true);
    expect(workflow.data['doubled']).toBe(6);
    expect(workflow.data['shared']).toBeUndefined();
    expect(workflow.data['data_objects']).toEqual({ shared: { count: 3 } });
  });
});
