import { describe, expect, it } from 'vitest';
import { PythonScriptEngine, TaskState, WorkflowTaskError } from '@spiff-ts/bpmn';
import { loadWorkflow, saveRestore } from './helpers.js';

const ready = (wf: ReturnType<typeof loadWorkflow>) =>
  wf.getTasks({ state: TaskState.READY }).map((t) => t.taskSpec.name);

describe('BPMN engine', () => {
  it('runs scripts and takes the exclusive gateway flow whose condition holds', () => {
    const workflow = loadWorkflow('engine-basic.bpmn', 'main');
    workflow.doEngineSteps();
    expect(ready(workflow)).toEqual(['approve']);
    const task = workflow.getTasks({ state: TaskState.READY })[0];
    expect(task?.data).toEqual({ amount: 150, items: [1, 2.5, 'x'] });
    task?.run();
    workflow.doEngineSteps();
    expect(workflow.isCompleted()).toBe(true);
    expect(workflow.data).toEqual({ amount: 150, items: [1, 2.5, 'x'] });
  });

  it('filters tasks by lane', () => {
    const workflow = loadWorkflow('engine-basic.bpmn', 'main');
    workflow.doEngineSteps();
    expect(workflow.getTasks({ state: TaskState.READY, lane: null }).length).toBe(1);
    expect(workflow.getTasks({ state: TaskState.READY, lane: 'Reviewer' })).toEqual([]);
  });

  it('resets to a completed gateway and runs it again', () => {
    const workflow = loadWorkflow('engine-basic.bpmn', 'main');
    workflow.doEngineSteps();
    workflow.getTasks({ state: TaskState.READY })[0]?.run();
    workflow.doEngineSteps();
    expect(workflow.isCompleted()).toBe(true);
    const gateway = workflow.getTasks().find((t) => t.taskSpec.name === 'gw');
    workflow.resetFromTaskId(gateway?.id ?? '');
    expect(workflow.isCompleted()).toBe(false);
    workflow.doEngineSteps();
    expect(ready(workflow)).toEqual(['approve']);
  });

  it('runs a call activity in parallel and joins', () => {
    const workflow = loadWorkflow('parallel-call.bpmn', 'outer');
    workflow.doEngineSteps();
    expect(ready(workflow)).toEqual(['inner_task']);
    workflow.getTasks({ state: TaskState.READY })[0]?.run();
    workflow.doEngineSteps();
    expect(workflow.isCompleted()).toBe(true);
    expect(workflow.data).toMatchObject({ a: 1, b: 2 });
  });

  it('survives a save/restore round trip in the middle of a call activity', () => {
    const workflow = loadWorkflow('parallel-call.bpmn', 'outer');
    workflow.doEngineSteps();
    const restored = saveRestore(workflow);
    expect(ready(restored)).toEqual(['inner_task']);
    restored.getTasks({ state: TaskState.READY })[0]?.run();
    restored.doEngineSteps();
    expect(restored.isCompleted()).toBe(true);
    expect(restored.data).toMatchObject({ a: 1, b: 2 });
  });

  it('serializes a restored workflow to the same state', () => {
    const workflow = loadWorkflow('engine-basic.bpmn', 'main');
    workflow.doEngineSteps();
    const first = saveRestore(workflow);
    const second = saveRestore(first);
    expect(ready(second)).toEqual(['approve']);
    expect(second.getTasks({ state: TaskState.READY })[0]?.data).toEqual({
      amount: 150,
      items: [1, 2.5, 'x'],
    });
  });

  // Speed, and that it grows linearly, is measured by `npm run bench` (loop1000, loop10000).
  it('runs a 10,000-iteration loop to the end: no depth cap, no stack overflow', () => {
    const workflow = loadWorkflow('loop.bpmn', 'loop', { data: { limit: 10_000 } });
    workflow.doEngineSteps();
    expect(workflow.isCompleted()).toBe(true);
    expect(workflow.data['i']).toBe(10_000);
  });

  it('runs a 10,000-iteration loop through a parallel split and join to the end', () => {
    const workflow = loadWorkflow('parallel-loop.bpmn', 'ploop', { data: { limit: 10_000 } });
    workflow.doEngineSteps();
    expect(workflow.isCompleted()).toBe(true);
    expect(workflow.data['i']).toBe(10_000);
  });

  it('reports a failing script as a task error naming the task', () => {
    const engine = new PythonScriptEngine();
    const workflow = loadWorkflow('loop.bpmn', 'loop', { scriptEngine: engine });
    let error: unknown;
    try {
      workflow.doEngineSteps(); // `limit` is not defined
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(WorkflowTaskError);
    const failed = workflow.getTaskFromId((error as WorkflowTaskError).taskId);
    expect(failed.taskSpec.name).toBe('test');
    expect(failed.state).toBe(TaskState.ERROR);
  });

  it('evaluates against the task data over `external`, one call after another', () => {
    const engine = new PythonScriptEngine();
    const task = loadWorkflow('loop.bpmn', 'loop', { scriptEngine: engine }).taskTree;
    task.data = { a: 1, b: [1, 2] };
    expect(engine.evaluate(task, 'a + c', { c: 2, a: 100 })).toBe(3n);
    // every name of a call is one value, converted once
    expect(engine.evaluate(task, 'b is b and b == [1, 2]')).toBe(true);
    // iterating the namespace sees external's names, then the data's, as before
    const names = engine.evaluateToData(task, "[k for k in vars() if k in 'abc']", { c: 0 });
    expect(names).toEqual(['c', 'a', 'b']);
    expect(engine.evaluate(task, 'a')).toBe(1n);
    // the next call sees its own data only
    task.data = { b: 5 };
    expect(engine.evaluate(task, 'b')).toBe(5n);
    expect(() => engine.evaluate(task, 'a')).toThrow(WorkflowTaskError);
    // a result that may keep its namespace (a function) does not disturb the calls after it
    expect(engine.evaluate(task, 'lambda: b')).toBeTypeOf('object');
    task.data = { b: 6 };
    expect(engine.evaluate(task, 'b + 1')).toBe(7n);
  });
});

describe('sandbox', () => {
  it('gives scripts no way to reach the host', () => {
    const workflow = loadWorkflow('loop.bpmn', 'loop', { data: { limit: 1 } });
    workflow.doEngineSteps();
    const engine = workflow.scriptEngine;
    for (const expr of [
      "__import__('os')",
      'open("/etc/passwd")',
      'globalThis',
      'process',
      'eval("1")',
    ]) {
      expect(() => engine.evaluateWith(expr, {})).toThrow();
    }
    expect(() => engine.evaluateWith('(1).__class__.__subclasses__()', {})).toThrow();
  });
});
