import { describe, expect, it } from 'vitest';
import { Serializer, TaskState, Workflow, WorkflowEvents } from '@spiff-ts/core';
import { loopSpec, sequenceSpec } from './helpers.js';

describe('large and deep workflows', () => {
  it('runs a 10,000-iteration loop (a 20,000-deep tree) without overflowing', () => {
    const events = new WorkflowEvents();
    let rounds = 0;
    events.on(
      'ready',
      ({ task }) => {
        rounds += 1;
        task.setData({ again: rounds < 10_000 ? 'yes' : 'no' });
      },
      { spec: 'body' },
    );
    const workflow = new Workflow(loopSpec(), { events });
    workflow.runAll();
    expect(workflow.isCompleted()).toBe(true);
    expect(rounds).toBe(10_000);
    const end = workflow.getTasks({ specName: 'End', state: TaskState.COMPLETED })[0];
    expect(end?.depth).toBe(20_001);
    // Walks, serialization, cancel and reset stay iterative too.
    const serializer = new Serializer();
    const text = serializer.serializeWorkflow(workflow);
    expect(serializer.serializeWorkflow(serializer.deserializeWorkflow(text))).toBe(text);
    const first = workflow.getTasks({ specName: 'body' })[0];
    expect(workflow.resetFromTaskId(first?.id ?? '').length).toBeGreaterThan(19_000);
  });

  it('runs a 100-task sequence to the end with every task completed once', () => {
    // Speed is measured by `npm run bench`, never by a timed unit test.
    const workflow = new Workflow(sequenceSpec(100));
    workflow.runAll();
    expect(workflow.isCompleted()).toBe(true);
    const completed = workflow.getTasks({ state: TaskState.COMPLETED });
    expect(new Set(completed.map((task) => task.taskSpec.name)).size).toBe(completed.length);
    expect(completed.length).toBeGreaterThanOrEqual(100);
  });
});
