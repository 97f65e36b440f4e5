/**
 * Where this engine does what BPMN says rather than what SpiffWorkflow does (the corpus'
 * `divergent/` scenarios): non-interrupting boundary events stay armed, terminate end events are
 * not outgoing events, a reset withdraws what a join produced, one interrupting boundary event
 * of an activity fires.
 */
import { describe, expect, it } from 'vitest';
import { TaskState, type BpmnSpec, type BpmnWorkflow } from '@spiff-ts/bpmn';
import { loadWorkflow, saveRestore } from './helpers.js';

const names = (workflow: BpmnWorkflow, state: number) =>
  workflow
    .getTasks({ state })
    .filter((t) => (t.taskSpec as BpmnSpec).bpmnId !== null)
    .map((t) => t.taskSpec.name)
    .sort();

function complete(workflow: BpmnWorkflow, name: string): void {
  const task = workflow.getTasks({ state: TaskState.READY }).find((t) => t.taskSpec.name === name);
  if (!task) throw new Error(`${name} is not READY`);
  task.run();
}

const nudge = { definition: { typename: 'MessageEventDefinition', name: 'nudge' } };

describe('behaviour corrected from SpiffWorkflow', () => {
  it('keeps a non-interrupting message boundary event armed while its activity runs', () => {
    let workflow = loadWorkflow('corrections.bpmn', 'ni_boundary');
    workflow.doEngineSteps();
    expect(names(workflow, TaskState.WAITING)).toEqual(['nudged']);
    workflow.sendEvent(nudge);
    workflow.doEngineSteps();
    expect(names(workflow, TaskState.READY)).toEqual(['answer', 'work']);
    expect(names(workflow, TaskState.WAITING)).toEqual(['nudged']);
    workflow = saveRestore(workflow);
    workflow.sendEvent(nudge);
    workflow.doEngineSteps();
    expect(names(workflow, TaskState.READY)).toEqual(['answer', 'answer', 'work']);
    complete(workflow, 'work');
    workflow.doEngineSteps();
    expect(names(workflow, TaskState.WAITING)).toEqual([]);
    expect(() => workflow.sendEvent(nudge)).toThrow();
    complete(workflow, 'answer');
    complete(workflow, 'answer');
    workflow.doEngineSteps();
    expect(workflow.isCompleted()).toBe(true);
  });

  it('ends the workflow at a terminate end event without reporting an outgoing event', () => {
    const workflow = loadWorkflow('corrections.bpmn', 'terminate');
    workflow.doEngineSteps();
    expect(workflow.isCompleted()).toBe(true);
    expect(workflow.data['done']).toBe(true);
    expect(workflow.getEvents()).toEqual([]);
  });

  it.each(['a', 'b'])('withdraws what a join produced when %s is reset', (again) => {
    const workflow = loadWorkflow('corrections.bpmn', 'join_reset');
    workflow.doEngineSteps();
    complete(workflow, 'a');
    workflow.doEngineSteps();
    complete(workflow, 'b');
    workflow.doEngineSteps();
    expect(names(workflow, TaskState.READY)).toEqual(['after']);
    const done = workflow
      .getTasks({ state: TaskState.COMPLETED })
      .find((t) => t.taskSpec.name === again);
    workflow.resetFromTaskId(done?.id ?? '');
    expect(names(workflow, TaskState.READY)).toEqual([again]);
    expect(names(workflow, TaskState.WAITING)).toEqual(['join']);
    complete(workflow, again);
    workflow.doEngineSteps();
    expect(names(workflow, TaskState.READY)).toEqual(['after']);
    complete(workflow, 'after');
    workflow.doEngineSteps();
    expect(workflow.isCompleted()).toBe(true);
  });

  it('fires one interrupting error boundary event, preferring the one naming the code', () => {
    const workflow = loadWorkflow('corrections.bpmn', 'error_choice');
    workflow.doEngineSteps();
    const state = (name: string) =>
      workflow.getTasks().find((t) => t.taskSpec.name === name)?.state;
    expect(state('catch_specific')).toBe(TaskState.COMPLETED);
    expect(state('catch_all')).toBe(TaskState.CANCELLED);
    expect(state('on_specific')).toBe(TaskState.COMPLETED);
    expect(state('on_all')).not.toBe(TaskState.COMPLETED);
    expect(workflow.isCompleted()).toBe(true);
  });
});
