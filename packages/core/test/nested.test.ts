import { describe, expect, it } from 'vitest';
import { Workflow, WorkflowError, WorkflowSpecBuilder, type ScriptEngine } from '@spiff-ts/core';
import { createNodeRegistry } from '@spiff-ts/core/node';
import { load, recorder } from './helpers.js';

describe('sub-workflows', () => {
  it('runs the nested spec below the task, passing data in and out', () => {
    const { events, path } = recorder();
    const workflow = new Workflow(load('outer.xml'), { events });
    workflow.runAll();
    expect(path).toEqual([
      'Start',
      '    Start',
      '      respond',
      '        End',
      '  call',
      '    after',
      '      End',
    ]);
    const call = workflow.getTasks({ specName: 'call' })[0];
    const sub = workflow.subworkflows.get(call?.id ?? '');
    expect(sub?.spec.name).toBe('inner');
    expect(sub?.taskTree.getData('message')).toBe('hello');
    expect(sub?.outerTask).toBe(call);
    expect(workflow.getData('reply')).toBe('world');
    expect(sub?.topWorkflow).toBe(workflow);
  });
});

describe('sub-workflow reset', () => {
  it('runs the nested workflow again after its task is reset', () => {
    const { events, path } = recorder();
    const workflow = new Workflow(load('outer.xml'), { events });
    workflow.runAll();
    const call = workflow.getTasks({ specName: 'call' })[0];
    workflow.resetFromTaskId(call?.id ?? '');
    expect(workflow.subworkflows.size).toBe(0);
    path.length = 0;
    workflow.runAll();
    expect(path).toEqual([
      '    Start',
      '      respond',
      '        End',
      '  call',
      '    after',
      '      End',
    ]);
    expect(workflow.isCompleted()).toBe(true);
  });
});

describe('transform', () => {
  it('runs code through an injected script engine', () => {
    const engine: ScriptEngine = {
      execute(task, code) {
        const [key, value] = code.split('=');
        task.setData({ [key?.trim() ?? '']: value?.trim() });
      },
    };
    const spec = new WorkflowSpecBuilder('t')
      .add({ typename: 'Transform', name: 'calc', transforms: ['x = 42'] })
      .connect('Start', 'calc')
      .connect('calc', 'End')
      .build();
    const workflow = new Workflow(spec, { scriptEngine: engine });
    workflow.runAll();
    expect(workflow.getData('x')).toBe('42');
    expect(() => new Workflow(spec).runAll()).toThrow(WorkflowError);
  });
});

describe('execute (Node only)', () => {
  it('waits for the command and stores its output', async () => {
    const spec = new WorkflowSpecBuilder('e')
      .add({
        typename: 'Execute',
        name: 'cmd',
        args: [process.execPath, '-e', 'console.log("hi")'],
      })
      .connect('Start', 'cmd')
      .connect('cmd', 'End')
      .build();
    const workflow = new Workflow(spec, { registry: createNodeRegistry() });
    for (let i = 0; i < 100 && !workflow.isCompleted(); i++) {
      workflow.runAll();
      await new Promise((r) => setTimeout(r, 50));
    }
    expect(workflow.isCompleted()).toBe(true);
    const cmd = workflow.getTasks({ specName: 'cmd' })[0];
    expect(cmd?.internalData['results']).toEqual({ stdout: 'hi\n', exitCode: 0 });
  });
});
