import { describe, expect, it } from 'vitest';
import { TaskState, Workflow, WorkflowEvents, cloneData } from '@spiff-ts/core';
import { load, sequenceSpec } from './helpers.js';

describe('data', () => {
  it('starts each task from a copy of its parent data', () => {
    const workflow = new Workflow(sequenceSpec(2));
    workflow.taskTree.setData({ order: { items: ['a'] } });
    workflow.runNext(); // Start
    const t1 = workflow.getNextTask({ state: TaskState.READY });
    expect(t1?.getData('order')).toEqual({ items: ['a'] });
  });

  it("does not leak a child's changes (also nested ones) to its parent", () => {
    const workflow = new Workflow(sequenceSpec(2));
    workflow.taskTree.setData({ order: { items: ['a'] }, n: 1 });
    workflow.runNext();
    const t1 = workflow.getNextTask({ state: TaskState.READY });
    if (!t1) throw new Error('no task');
    (t1.data['order'] as { items: string[] }).items.push('b');
    t1.setData({ n: 2 });
    expect(workflow.taskTree.getData('order')).toEqual({ items: ['a'] });
    expect(workflow.taskTree.getData('n')).toBe(1);
    expect(t1.getData('order')).toEqual({ items: ['a', 'b'] });
  });

  it("does not leak a parent's later changes to children that already inherited", () => {
    const workflow = new Workflow(sequenceSpec(2));
    workflow.taskTree.setData({ list: [1] });
    workflow.runNext();
    const t1 = workflow.getNextTask({ state: TaskState.READY });
    (workflow.taskTree.data['list'] as number[]).push(2);
    expect(t1?.getData('list')).toEqual([1]);
  });

  it('shares data lazily until someone asks for a mutable view', () => {
    const workflow = new Workflow(sequenceSpec(3));
    workflow.taskTree.setData({ big: { nested: true } });
    workflow.runAll();
    const [t1, t2] = workflow
      .getTasks({ specName: 't1' })
      .concat(workflow.getTasks({ specName: 't2' }));
    // Nobody wrote to t1/t2: they still share one object with the start task.
    expect(t1?.peekData()).toBe(t2?.peekData());
    expect(t1?.data).not.toBe(t2?.peekData());
  });

  it('keeps internal data per task (not inherited)', () => {
    const workflow = new Workflow(sequenceSpec(1));
    workflow.taskTree.internalData['secret'] = 1;
    workflow.runAll();
    expect(workflow.getTasks({ specName: 't1' })[0]?.internalData).toEqual({});
  });

  it('exposes spec data and pre-assignments, and copies End data into the workflow', () => {
    const events = new WorkflowEvents();
    const seen: unknown[] = [];
    events.on('ready', ({ task }) => seen.push(task.taskSpec.data), { spec: 'respond' });
    const workflow = new Workflow(load('outer.xml'), { events });
    workflow.runAll();
    expect(workflow.isCompleted()).toBe(true);
    expect(seen).toEqual([{}]);
    expect(workflow.getData('greeting')).toBe('hello');
    expect(workflow.getData('reply')).toBe('world');
    workflow.setData({ extra: 1 });
    expect(workflow.getData('extra')).toBe(1);
    expect(workflow.getData('missing', 'x')).toBe('x');
  });

  it('deep-copies maps, sets, dates and nested structures', () => {
    const value = {
      m: new Map([['a', [1]]]),
      s: new Set([1]),
      d: new Date(0),
      deep: { x: [{ y: 1 }] },
    };
    const copy = cloneData(value);
    expect(copy).toEqual(value);
    expect(copy.m).not.toBe(value.m);
    expect(copy.deep.x[0]).not.toBe(value.deep.x[0]);
  });
});
