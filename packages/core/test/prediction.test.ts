import { describe, expect, it } from 'vitest';
import { TaskState, Workflow, taskStateName, type Task } from '@spiff-ts/core';
import { load } from './helpers.js';

function states(workflow: Workflow): string[] {
  const out: string[] = [];
  const walk = (task: Task, depth: number) => {
    out.push(`${'  '.repeat(depth)}${task.taskSpec.name} ${taskStateName(task.state)}`);
    for (const child of task.children) walk(child, depth + 1);
  };
  walk(workflow.taskTree, 0);
  return out;
}

describe('prediction', () => {
  it('predicts definite paths as FUTURE and choices as LIKELY (default) / MAYBE (conditional)', () => {
    const workflow = new Workflow(load('choice.xml'));
    expect(states(workflow)).toEqual([
      'Start READY',
      '  ask FUTURE',
      '    decide FUTURE',
      '      no LIKELY',
      '        done LIKELY',
      '      yes MAYBE',
      '        done MAYBE',
    ]);
  });

  it('bounds predicted branches by the lookahead', () => {
    const workflow = new Workflow(load('choice.xml'));
    // done is predicted, End below it is not (lookahead 2 below the choice).
    const done = workflow.getTasks({ specName: 'done' });
    expect(done.every((t) => t.children.length === 0)).toBe(true);
  });

  it('re-predicts when a choice is made and drops the branch not taken', () => {
    const workflow = new Workflow(load('choice.xml'));
    workflow.runNext(); // Start
    const ask = workflow.getNextTask({ state: TaskState.READY });
    ask?.setData({ answer: 'yes' });
    workflow.runNext(); // ask
    workflow.runNext(); // decide
    expect(states(workflow)).toEqual([
      'Start COMPLETED',
      '  ask COMPLETED',
      '    decide COMPLETED',
      '      yes READY',
      '        done FUTURE',
      '          End FUTURE',
    ]);
    expect(workflow.getTasks({ specName: 'no' })).toEqual([]);
  });

  it('turns a predicted task definite when reached', () => {
    const workflow = new Workflow(load('choice.xml'));
    workflow.runAll();
    expect(workflow.isCompleted()).toBe(true);
    const names = workflow.getTasks({ state: TaskState.COMPLETED }).map((t) => t.taskSpec.name);
    expect(names).toEqual(['Start', 'ask', 'decide', 'no', 'done', 'End']);
  });
});
