import { describe, expect, it } from 'vitest';
import { ValidationError } from '@spiff-ts/core';
import { TaskState, type BpmnWorkflow } from '@spiff-ts/bpmn';
import { loadWorkflow, parserFor, saveRestore } from './helpers.js';

const FILE = 'link-events.bpmn';
const ready = (wf: BpmnWorkflow) =>
  wf.getTasks({ state: TaskState.READY }).map((t) => t.taskSpec.name);
const runReady = (wf: BpmnWorkflow, name: string) => {
  wf.getTasks({ state: TaskState.READY })
    .find((t) => t.taskSpec.name === name)
    ?.run();
  wf.doEngineSteps();
};

describe('link events', () => {
  it('go from the throw event to the catch event of the same name, as a sequence flow would', () => {
    const wf = loadWorkflow(FILE, 'loop');
    wf.doEngineSteps();
    expect(ready(wf)).toEqual(['l_done']);
    // l_add ran once per pass through the catch event: three passes until count < 3 fails.
    const passes = wf.getTasks().filter((t) => t.taskSpec.name === 'l_again');
    expect(passes.map((t) => t.state)).toEqual([
      TaskState.COMPLETED,
      TaskState.COMPLETED,
      TaskState.COMPLETED,
    ]);
    const restored = saveRestore(wf);
    runReady(restored, 'l_done');
    expect(restored.isCompleted()).toBe(true);
    expect(restored.data['count']).toBe(3);
    expect(restored.getEvents()).toEqual([]);
  });

  it('are described as link events and need no waiting', () => {
    const spec = parserFor(FILE).getSpec('loop');
    expect(spec.getTaskSpec('l_goto')?.description).toBe('Link Intermediate Throw Event');
    expect(spec.getTaskSpec('l_again')?.description).toBe('Link Intermediate Catch Event');
    expect(spec.getTaskSpec('l_goto')?.outputs).toEqual(['l_again']);
  });

  it('stay within their process level (an embedded sub-process here)', () => {
    const wf = loadWorkflow(FILE, 'nested');
    wf.doEngineSteps();
    expect(ready(wf)).toEqual(['n_work']);
    expect(wf.waitingTasks()).toEqual([]);
    runReady(wf, 'n_work');
    expect(wf.isCompleted()).toBe(true);
  });

  it("follow the definition's target reference when there is one", () => {
    const wf = loadWorkflow(FILE, 'by_reference');
    wf.doEngineSteps();
    expect(wf.isCompleted()).toBe(true);
    expect(wf.getTasks().find((t) => t.taskSpec.name === 'r_land')?.state).toBe(
      TaskState.COMPLETED,
    );
  });

  it('refuse a throw event without a catch event of its name, naming it', () => {
    const build = () => parserFor(FILE).getSpec('dangling');
    expect(build).toThrow(ValidationError);
    expect(build).toThrow(/No link catch event named 'Page2'/);
    expect(build).toThrow(
      expect.objectContaining({ location: expect.objectContaining({ elementId: 'd_jump' }) }),
    );
  });

  it('refuse two catch events of one name, naming the second', () => {
    const build = () => parserFor(FILE).getSpec('ambiguous');
    expect(build).toThrow(/Two link catch events are named 'L'/);
    expect(build).toThrow(
      expect.objectContaining({ location: expect.objectContaining({ elementId: 'a_two' }) }),
    );
  });

  it('are no longer listed as unsupported', () => {
    expect(parserFor(FILE).unsupportedElements()).toEqual([]);
  });
});
