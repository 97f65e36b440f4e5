import { describe, expect, it } from 'vitest';
import {
  TaskNotFoundError,
  TaskState,
  TaskStateMask,
  Workflow,
  WorkflowSpecBuilder,
  counterIds,
  createCoreRegistry,
} from '@spiff-ts/core';
import { load, sequenceSpec } from './helpers.js';

describe('workflow API', () => {
  it('runs the interactive calls of SpiffWorkflow’s WorkflowTest', () => {
    const workflow = new Workflow(load('critical.xml'));
    const [start] = workflow.getTasks({ state: TaskState.READY });
    expect(start?.taskSpec.name).toBe('Start');
    workflow.runTaskFromId(start?.id ?? '');
    expect(start?.state).toBe(TaskState.COMPLETED);
    expect(workflow.getNextTask({ state: TaskState.READY })?.taskSpec.name).toBe('lock_a');
  });

  it('filters by state mask, spec name, manual and update time', () => {
    const spec = new WorkflowSpecBuilder('m')
      .add({ typename: 'Simple', name: 'human', manual: true })
      .connect('Start', 'human')
      .connect('human', 'End')
      .build();
    const workflow = new Workflow(spec);
    workflow.runAll();
    const human = workflow.getNextTask({ state: TaskState.READY });
    expect(human?.taskSpec.name).toBe('human');
    expect(workflow.manualInputRequired()).toBe(true);
    expect(workflow.getTasks({ state: TaskState.READY, manual: false })).toEqual([]);
    expect(
      workflow.getTasks({ state: TaskStateMask.FINISHED }).map((t) => t.taskSpec.name),
    ).toEqual(['Start']);
    expect(workflow.getTasks({ specName: 'End' })).toHaveLength(1);
    const since = human?.lastStateChange ?? 0;
    expect(workflow.getTasks({ updatedSince: since }).map((t) => t.taskSpec.name)).toEqual([
      'human',
    ]);
    workflow.runAll({ haltOnManual: false });
    expect(workflow.isCompleted()).toBe(true);
  });

  it('completes a started task from its id', () => {
    const registry = createCoreRegistry().register('Simple', [{ run: () => 'started' }]);
    const workflow = new Workflow(sequenceSpec(1), { registry });
    workflow.runNext(); // Start
    workflow.runNext(); // t1 → STARTED
    const t1 = workflow.getTasks({ specName: 't1' })[0];
    expect(t1?.state).toBe(TaskState.STARTED);
    workflow.completeTaskFromId(t1?.id ?? '');
    expect(t1?.state).toBe(TaskState.COMPLETED);
    expect(() => workflow.getTaskFromId('nope')).toThrow(TaskNotFoundError);
  });

  it('uses injected ids and clock', () => {
    let t = 1000;
    const workflow = new Workflow(sequenceSpec(1), {
      newId: counterIds(41),
      clock: () => (t += 5),
    });
    expect(workflow.taskTree.id).toBe('00000000-0000-4000-8000-00000000002a');
    expect(workflow.taskTree.lastStateChange).toBeGreaterThan(1000);
  });
});
