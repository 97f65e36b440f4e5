import { describe, expect, it } from 'vitest';
import { TaskState, Workflow, WorkflowError } from '@spiff-ts/core';
import { load, recorder, saveRestore } from './helpers.js';

describe('mutexes', () => {
  it('lets one branch into the critical section at a time', () => {
    const { events, path } = recorder();
    const workflow = new Workflow(load('critical.xml'), { events });
    workflow.runNext(); // Start
    expect(workflow.getTasks({ state: TaskState.READY }).map((t) => t.taskSpec.name)).toEqual([
      'lock_a',
    ]);
    expect(workflow.getTasks({ state: TaskState.WAITING }).map((t) => t.taskSpec.name)).toEqual([
      'lock_b',
    ]);
    expect(workflow.isMutexLocked('m')).toBe(true);
    const restored = saveRestore(workflow, { events });
    expect(restored.locks).toEqual(['m']);
    restored.runAll();
    expect(restored.isCompleted()).toBe(true);
    expect(path.filter((p) => /work_|free_|lock_/.test(p)).map((p) => p.trim())).toEqual([
      'lock_a',
      'work_a',
      'free_a',
      'lock_b',
      'work_b',
      'free_b',
    ]);
    expect(restored.isMutexLocked('m')).toBe(false);
  });

  it('acquires and releases through the API', () => {
    const workflow = new Workflow(load('critical.xml'));
    expect(workflow.acquireMutex('x')).toBe(true);
    expect(workflow.acquireMutex('x')).toBe(false);
    workflow.releaseMutex('x');
    expect(() => workflow.releaseMutex('x')).toThrow(WorkflowError);
  });
});
