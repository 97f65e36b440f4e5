import { describe, expect, it } from 'vitest';
import { Workflow, WorkflowEvents } from '@spiff-ts/core';
import { load, sequenceSpec } from './helpers.js';

describe('events', () => {
  it('emits update, ready, run and completed synchronously, in order', () => {
    const events = new WorkflowEvents();
    const log: string[] = [];
    for (const type of ['update', 'ready', 'run', 'completed'] as const) {
      events.on(type, ({ task }) => log.push(`${type}:${task.taskSpec.name}`));
    }
    const workflow = new Workflow(sequenceSpec(1), { events });
    workflow.runAll();
    expect(log).toEqual([
      'ready:Start',
      'run:Start',
      'completed:Start',
      'update:t1',
      'ready:t1',
      'run:t1',
      'completed:t1',
      'update:End',
      'ready:End',
      'run:End',
      'completed:End',
    ]);
  });

  it('emits entered when a task reaches WAITING or READY', () => {
    const events = new WorkflowEvents();
    const entered: string[] = [];
    events.on('entered', ({ task }) => entered.push(`${task.taskSpec.name}:${task.state}`));
    new Workflow(load('critical.xml'), { events }).runAll();
    expect(entered).toContain('lock_b:8');
    expect(entered.filter((e) => e.startsWith('lock_b'))).toEqual(['lock_b:8']);
    expect(entered[0]).toBe('Start:16');
  });

  it('filters by spec name or spec object, and unsubscribes', () => {
    const events = new WorkflowEvents();
    const spec = sequenceSpec(3);
    const byName: string[] = [];
    const byObject: string[] = [];
    const off = events.on('completed', ({ task }) => byName.push(task.taskSpec.name), {
      spec: 't2',
    });
    events.on('completed', ({ task }) => byObject.push(task.taskSpec.name), {
      spec: spec.getTaskSpec('t3') ?? '',
    });
    const workflow = new Workflow(spec, { events });
    workflow.runNext();
    workflow.runNext();
    workflow.runNext();
    off();
    expect(byName).toEqual(['t2']);
    new Workflow(spec, { events }).runAll();
    expect(byName).toEqual(['t2']);
    expect(byObject).toEqual(['t3']);
  });

  it('reports cancellations, state changes and workflow completion (sub-workflows too)', () => {
    const events = new WorkflowEvents();
    const done: string[] = [];
    let changes = 0;
    events.on('workflowCompleted', ({ workflow }) => done.push(workflow.spec.name));
    events.on('stateChanged', () => (changes += 1));
    const workflow = new Workflow(load('outer.xml'), { events });
    workflow.runAll();
    expect(done).toEqual(['inner', 'outer']);
    expect(changes).toBeGreaterThan(10);
    const cancelled: string[] = [];
    events.on('cancelled', ({ task }) => cancelled.push(task.taskSpec.name));
    const second = new Workflow(sequenceSpec(1), { events });
    second.cancel();
    expect(cancelled).toEqual(['Start', 't1', 'End']);
  });
});
