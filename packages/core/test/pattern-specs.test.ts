import { describe, expect, it } from 'vitest';
import { pyStr, Workflow, WorkflowEvents, type WorkflowSpec } from '@spiff-ts/core';
import { expected } from './fixtures/specs/expected.js';
import { load, saveRestore } from './helpers.js';

const HIDDEN = new Set(['data', 'two', 'three', 'test_attribute1', 'test_attribute2']);

/** The conformance procedure (see shared CORE.md) on a small fixture, optionally restoring each step. */
function trace(
  spec: WorkflowSpec,
  restore: boolean,
): { trace: string[]; data: string; done: boolean } {
  const events = new WorkflowEvents();
  const path: string[] = [];
  events.on('ready', ({ task }) => {
    const name = task.taskSpec.name;
    task.setData({ [`${name}_reached`]: Number(task.getData(`${name}_reached`, 0)) + 1 });
    const atts = Object.entries(task.peekData())
      .filter(([k]) => !HIDDEN.has(k) && !k.endsWith('reached'))
      .map(([k, v]) => `${k}=${pyStr(v)}`);
    const props = Object.entries(task.taskSpec.data).map(([k, v]) => `${k}=${pyStr(v)}`);
    task.setData({
      data: `${pyStr(task.getData('data', ''))}${name}: ${atts.join(';')}/${props.join(';')}\n`,
    });
  });
  events.on('completed', ({ task }) => path.push('  '.repeat(task.depth) + task.taskSpec.name));
  let workflow = new Workflow(spec, { events });
  for (;;) {
    if (restore) workflow = saveRestore(workflow, { events });
    if (!workflow.runNext({ useLastTask: false })) break;
  }
  return { trace: path, data: pyStr(workflow.getData('data', '')), done: workflow.isCompleted() };
}

describe('pattern specs (traces recorded from SpiffWorkflow 3.1.2)', () => {
  describe.each(Object.entries(expected))('%s', (name, want) => {
    it('reproduces the trace and the data log', () => {
      const got = trace(load(`specs/${name}.xml`), false);
      expect(got.done).toBe(true);
      expect(got.trace).toEqual(want.trace);
      expect(got.data).toBe(want.data);
    });
    it('gives the same result when restored before every step', () => {
      const got = trace(load(`specs/${name}.xml`), true);
      expect(got.trace).toEqual(want.trace);
      expect(got.data).toBe(want.data);
    });
  });
});
