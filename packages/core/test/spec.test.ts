import { describe, expect, it } from 'vitest';
import { ValidationError, Workflow, WorkflowSpec, WorkflowSpecBuilder } from '@spiff-ts/core';
import { load } from './helpers.js';

describe('workflow specs', () => {
  it('loads the legacy XML format into typed spec data', () => {
    const spec = load('choice.xml');
    expect(spec.name).toBe('choice');
    expect(spec.start.name).toBe('Start');
    expect([...spec.taskSpecs.keys()]).toEqual([
      'End',
      'Start',
      'ask',
      'decide',
      'yes',
      'no',
      'done',
    ]);
    expect(spec.getTaskSpec('decide')).toMatchObject({
      typename: 'ExclusiveChoice',
      inputs: ['ask'],
      outputs: ['no', 'yes'],
      defaultTaskSpec: 'no',
      condTaskSpecs: [
        { condition: null, output: 'no' },
        {
          condition: { typename: 'Equal', args: [{ typename: 'Attrib', name: 'answer' }, 'yes'] },
          output: 'yes',
        },
      ],
    });
    expect(spec.getTaskSpec('done')?.inputs).toEqual(['yes', 'no']);
    expect(Object.isFrozen(spec.getTaskSpec('ask'))).toBe(true);
  });

  it('refuses inconsistent specs', () => {
    expect(() => new WorkflowSpecBuilder('x').add({ typename: 'Simple', name: 'End' })).toThrow(
      ValidationError,
    );
    expect(
      () =>
        new WorkflowSpec({
          name: 'x',
          taskSpecs: [{ ...new WorkflowSpecBuilder('y').build().start, outputs: ['ghost'] }],
        }),
    ).toThrow(/refers to unknown spec 'ghost'/);
  });

  it('validates loops between joins and disconnected specs', () => {
    const spec = new WorkflowSpecBuilder('v')
      .add({
        typename: 'Join',
        name: 'First',
        splitTask: null,
        threshold: null,
        cancelRemaining: false,
      })
      .add({
        typename: 'Join',
        name: 'Second',
        splitTask: null,
        threshold: null,
        cancelRemaining: false,
      })
      .add({ typename: 'Simple', name: 'lonely' })
      .connect('Start', 'First')
      .connect('First', 'Second')
      .connect('Second', 'First')
      .build();
    const results = spec.validate();
    expect(results).toContain("Found loop with 'First': First->Second then 'First' again");
    expect(results).toContain("Task 'lonely' is not being used");
  });

  it('dumps the task tree for debugging', () => {
    const workflow = new Workflow(load('choice.xml'));
    const dump = workflow.getDump().split('\n');
    expect(dump[0]).toMatch(/^[0-9a-f-]+\/0: Task of Start State: READY Children: 1$/);
    expect(dump[1]).toMatch(/^ {2}[0-9a-f-]+\/0: Task of ask State: FUTURE Children: 1$/);
  });
});
