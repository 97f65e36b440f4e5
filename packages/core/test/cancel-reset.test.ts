import { describe, expect, it } from 'vitest';
import { TaskState, Workflow } from '@spiff-ts/core';
import { load, recorder, sequenceSpec } from './helpers.js';

describe('cancel', () => {
  it('cancels every unfinished task and counts the workflow as completed', () => {
    const workflow = new Workflow(sequenceSpec(3));
    workflow.runNext();
    const cancelled = workflow.cancel();
    expect(cancelled.map((t) => t.taskSpec.name)).toEqual(
      ['t1', 't2', 't3', 'End'].slice(0, cancelled.length),
    );
    expect(cancelled.every((t) => t.state === TaskState.CANCELLED)).toBe(true);
    expect(workflow.isCompleted()).toBe(true);
    expect(workflow.success).toBe(false);
  });

  it('cancels a task and drops its unfinished children', () => {
    const workflow = new Workflow(sequenceSpec(3));
    workflow.runNext();
    const t1 = workflow.getNextTask({ state: TaskState.READY });
    t1?.cancel();
    expect(t1?.state).toBe(TaskState.CANCELLED);
    expect(t1?.children).toEqual([]);
    expect(workflow.isCompleted()).toBe(true);
  });
});

describe('reset', () => {
  it('drops the branch below a task and runs it again', () => {
    const { events, path } = recorder();
    const workflow = new Workflow(load('choice.xml'), { events });
    workflow.runAll();
    expect(workflow.isCompleted()).toBe(true);
    const ask = workflow.getTasks({ specName: 'ask' })[0];
    if (!ask) throw new Error('no ask');
    const removed = workflow.resetFromTaskId(ask.id);
    expect(removed.map((t) => t.taskSpec.name)).toEqual(['decide', 'no', 'done', 'End']);
    expect(ask.state).toBe(TaskState.READY);
    expect(workflow.isCompleted()).toBe(false);
    ask.setData({ answer: 'yes' });
    path.length = 0;
    workflow.runAll();
    expect(path).toEqual(['  ask', '    decide', '      yes', '        done', '          End']);
    expect(workflow.isCompleted()).toBe(true);
  });

  it('resets with replacement data', () => {
    const workflow = new Workflow(sequenceSpec(2));
    workflow.runAll();
    const t2 = workflow.getTasks({ specName: 't2' })[0];
    if (!t2) throw new Error('no t2');
    workflow.resetFromTaskId(t2.id, { fresh: true });
    expect(t2.peekData()).toEqual({ fresh: true });
    expect(workflow.lastTask?.taskSpec.name).toBe('t1');
  });
});
