import { describe, expect, it } from 'vitest';
import {
  TaskNotFoundError,
  TaskState,
  Workflow,
  WorkflowError,
  WorkflowSpecBuilder,
  counterIds,
  type WorkflowOptions,
  type WorkflowSpec,
} from '@spiff-ts/core';
import { load } from './helpers.js';

/**
 * Start forks into two branches of two tasks each. Prediction creates the first task of both
 * branches before the second task of either, so the order tasks were added in is not the order
 * of the tree.
 */
function forkSpec(): WorkflowSpec {
  return new WorkflowSpecBuilder('fork')
    .add({ typename: 'Simple', name: 'a1' })
    .add({ typename: 'Simple', name: 'a2' })
    .add({ typename: 'Simple', name: 'b1' })
    .add({ typename: 'Simple', name: 'b2' })
    .connect('Start', 'a1')
    .connect('Start', 'b1')
    .connect('a1', 'a2')
    .connect('b1', 'b2')
    .build();
}

// With the default ids the engine builds its id maps when first asked for; with ids from a
// generator it keeps them from the start. `counterIds()` makes the same ids as the default, so
// both must show the same maps.
const idModes: [string, () => WorkflowOptions][] = [
  ['default ids', () => ({})],
  ['a host generator', () => ({ newId: counterIds() })],
];

describe('id maps', () => {
  it('lists tasks in the order they were added, not in tree order', () => {
    const workflow = new Workflow(forkSpec());
    const names = [...workflow.tasks.values()].map((t) => t.taskSpec.name);
    const treeOrder = [...workflow.taskTree].map((t) => t.taskSpec.name);
    expect(names).toEqual(['Start', 'a1', 'b1', 'a2', 'b2']);
    expect(treeOrder).toEqual(['Start', 'a1', 'a2', 'b1', 'b2']);
  });

  it('shows the same task map whether it was built late or kept all along', () => {
    const late = new Workflow(forkSpec());
    const kept = new Workflow(forkSpec(), { newId: counterIds() });
    late.runNext();
    kept.runNext();
    expect([...late.tasks.keys()]).toEqual([...kept.tasks.keys()]);
    // Once built, the map follows later additions and removals.
    const a1 = late.getTasks({ specName: 'a1' })[0];
    late.runAll();
    kept.runAll();
    late.resetFromTaskId(a1?.id ?? '');
    kept.resetFromTaskId(kept.getTasks({ specName: 'a1' })[0]?.id ?? '');
    expect([...late.tasks.keys()]).toEqual([...kept.tasks.keys()]);
    late.runAll();
    kept.runAll();
    expect([...late.tasks.keys()]).toEqual([...kept.tasks.keys()]);
    expect(late.isCompleted()).toBe(true);
  });

  it.each(idModes)('finds tasks of nested workflows by id, with %s', (_, options) => {
    const workflow = new Workflow(load('outer.xml'), options());
    const start = workflow.taskTree;
    expect(workflow.getTaskFromId(start.id)).toBe(start);
    workflow.runAll();
    const call = workflow.getTasks({ specName: 'call' })[0];
    const sub = workflow.subworkflows.get(call?.id ?? '');
    const inner = [...(sub?.tasks.values() ?? [])];
    expect(inner.length).toBeGreaterThan(0);
    for (const task of inner) expect(workflow.getTaskFromId(task.id)).toBe(task);
    // The nested workflow's tasks are its own, not its host's.
    for (const task of inner) expect(workflow.tasks.has(task.id)).toBe(false);
    workflow.resetFromTaskId(call?.id ?? '');
    for (const task of inner) {
      expect(() => workflow.getTaskFromId(task.id)).toThrow(TaskNotFoundError);
    }
    workflow.runAll();
    expect(workflow.isCompleted()).toBe(true);
  });

  it.each(idModes)('leaves a reset sub-workflow with no tasks, with %s', (_, options) => {
    const workflow = new Workflow(load('outer.xml'), options());
    workflow.runAll();
    const call = workflow.getTasks({ specName: 'call' })[0];
    const sub = workflow.subworkflows.get(call?.id ?? '');
    workflow.resetFromTaskId(call?.id ?? '');
    expect(sub?.tasks.size).toBe(0);
  });

  it('refuses a duplicate id from a host generator', () => {
    expect(() => new Workflow(forkSpec(), { newId: () => 'same' })).toThrow(WorkflowError);
  });

  it('does not put a removed task back when its stale reference changes state', () => {
    const workflow = new Workflow(forkSpec());
    workflow.runNext(); // Start
    const b1 = workflow.getTasks({ specName: 'b1' })[0];
    const start = workflow.taskTree;
    workflow.resetFromTaskId(start.id);
    b1?.setState(TaskState.READY);
    expect(workflow.getTasks({ state: TaskState.READY })).toEqual([start]);
    expect(() => workflow.getTaskFromId(b1?.id ?? '')).toThrow(TaskNotFoundError);
    workflow.runAll();
    expect(workflow.isCompleted()).toBe(true);
  });
});

describe('task fields', () => {
  it('keeps the depth when a task is marked as triggered and back', () => {
    const workflow = new Workflow(forkSpec());
    const a2 = workflow.getTasks({ specName: 'a2' })[0];
    expect(a2?.depth).toBe(2);
    expect(a2?.triggered).toBe(false);
    if (a2) a2.triggered = true;
    expect(a2?.depth).toBe(2);
    expect(a2?.triggered).toBe(true);
    if (a2) a2.triggered = false;
    expect(a2?.depth).toBe(2);
    expect(a2?.triggered).toBe(false);
  });

  it('gives a task that never had data an empty view that cannot be written through', () => {
    const workflow = new Workflow(forkSpec());
    const b2 = workflow.getTasks({ specName: 'b2' })[0];
    const view = b2?.peekData() ?? {};
    expect(view).toEqual({});
    expect(Object.isFrozen(view)).toBe(true);
    b2?.setData({ x: 1 });
    expect(b2?.peekData()).toEqual({ x: 1 });
    expect(workflow.getTasks({ specName: 'a2' })[0]?.peekData()).toEqual({});
  });
});

describe('shared task data', () => {
  it('lets branches that share their parent’s data write without touching each other', () => {
    const workflow = new Workflow(forkSpec());
    workflow.taskTree.setData({ list: [1] });
    workflow.runNext(); // Start: a1 and b1 inherit its data
    const [a1, b1] = [...workflow.getTasks({ state: TaskState.READY })];
    expect(a1?.peekData()).toBe(b1?.peekData());
    (a1?.data['list'] as number[]).push(2);
    (b1?.data['list'] as number[]).push(3);
    (workflow.taskTree.data['list'] as number[]).push(4);
    expect(a1?.getData('list')).toEqual([1, 2]);
    expect(b1?.getData('list')).toEqual([1, 3]);
    expect(workflow.taskTree.getData('list')).toEqual([1, 4]);
    workflow.runAll();
    expect(workflow.getTasks({ specName: 'a2' })[0]?.getData('list')).toEqual([1, 2]);
    expect(workflow.getTasks({ specName: 'b2' })[0]?.getData('list')).toEqual([1, 3]);
  });
});

describe('workflow state made on first use', () => {
  it('delivers events to a listener added through the workflow after it was created', () => {
    const workflow = new Workflow(forkSpec());
    const seen: string[] = [];
    workflow.events.on('stateChanged', ({ task }) => {
      if (task.state === TaskState.COMPLETED) seen.push(task.taskSpec.name);
    });
    workflow.runAll();
    expect(seen).toEqual(['Start', 'a1', 'a2', 'b1', 'b2']);
  });

  it('starts with no mutexes, spec state, sub-workflows or data, and keeps what is set', () => {
    const workflow = new Workflow(forkSpec());
    expect(workflow.locks).toEqual([]);
    expect(workflow.isMutexLocked('m')).toBe(false);
    expect(() => workflow.releaseMutex('m')).toThrow(WorkflowError);
    expect(workflow.allSpecState.size).toBe(0);
    expect(workflow.subworkflows.size).toBe(0);
    expect(workflow.getData('x', 'none')).toBe('none');
    expect(workflow.acquireMutex('m')).toBe(true);
    expect(workflow.acquireMutex('m')).toBe(false);
    expect(workflow.locks).toEqual(['m']);
    workflow.specState('a1')['seen'] = true;
    expect(workflow.allSpecState.get('a1')).toEqual({ seen: true });
    workflow.setData({ x: 1 });
    expect(workflow.getData('x')).toBe(1);
    // Another workflow of the same spec shares none of it.
    const other = new Workflow(forkSpec());
    expect(other.locks).toEqual([]);
    expect(other.allSpecState.size).toBe(0);
    expect(other.data).toEqual({});
  });
});

describe('children storage', () => {
  it('gives the same children through every accessor, for none, one and several', () => {
    const workflow = new Workflow(forkSpec());
    const start = workflow.getTasks({ specName: 'Start' })[0];
    const a1 = workflow.getTasks({ specName: 'a1' })[0];
    const a2 = workflow.getTasks({ specName: 'a2' })[0];
    // Start has two children, a1 one, a2 none.
    expect(start?.children.map((t) => t.taskSpec.name)).toEqual(['a1', 'b1']);
    expect(start?.onlyChild).toBeUndefined();
    expect(a1?.children).toEqual([a2]);
    expect(a1?.onlyChild).toBe(a2);
    expect(a2?.children).toEqual([]);
    expect(a2?.onlyChild).toBeUndefined();
    expect([...workflow.taskTree].map((t) => t.taskSpec.name)).toEqual([
      'Start',
      'a1',
      'a2',
      'b1',
      'b2',
    ]);
  });

  it('keeps the tree intact when a family shrinks to one child and grows again', () => {
    const workflow = new Workflow(forkSpec());
    workflow.runAll();
    expect(workflow.isCompleted()).toBe(true);
    const a1 = workflow.getTasks({ specName: 'a1' })[0];
    // Resetting to a1 removes a2 below it and predicts it again: none -> one child.
    workflow.resetFromTaskId(a1?.id ?? '');
    const again = workflow.getTasks({ specName: 'a1' })[0];
    expect(again?.onlyChild?.taskSpec.name).toBe('a2');
    workflow.runAll();
    expect(workflow.isCompleted()).toBe(true);
    expect(workflow.getTasks({ specName: 'a2' })).toHaveLength(1);
  });
});
