import { describe, expect, it } from 'vitest';
import { ValidationError, type Task } from '@spiff-ts/core';
import { TaskState, type BpmnWorkflow } from '@spiff-ts/bpmn';
import { loadWorkflow, parserFor, saveRestore } from './helpers.js';

const FILE = 'transaction.bpmn';
const stateOf = (wf: BpmnWorkflow, name: string) =>
  wf
    .getTasks()
    .filter((t) => t.taskSpec.name === name)
    .map((t) => t.state);
const readyNamed = (wf: BpmnWorkflow, name: string): Task => {
  const task = wf.getTasks({ state: TaskState.READY }).find((t) => t.taskSpec.name === name);
  if (task === undefined) throw new Error(`${name} is not ready`);
  return task;
};

/** Runs the booking transaction to the reservation, answers it with `outcome`, runs on. */
function book(outcome: string, restore = false): BpmnWorkflow {
  let wf = loadWorkflow(FILE, 'booking');
  wf.doEngineSteps();
  expect(wf.waitingTasks().map((t) => t.taskSpec.name)).toEqual(['b_cancelled', 'b_failed']);
  if (restore) wf = saveRestore(wf);
  const reserve = readyNamed(wf, 'b_reserve');
  reserve.setData({ outcome, seat: '12A' });
  reserve.run();
  wf.doEngineSteps();
  return wf;
}

describe('transactions', () => {
  it('complete normally: the boundary events are cancelled and the data flows on', () => {
    const wf = book('ok', true);
    expect(wf.isCompleted()).toBe(true);
    expect(wf.data).toMatchObject({ result: 'booked', seat: '12A' });
    expect(stateOf(wf, 'b_cancelled')).toEqual([TaskState.CANCELLED]);
    expect(stateOf(wf, 'b_failed')).toEqual([TaskState.CANCELLED]);
  });

  it('a cancel end event leaves through the cancel boundary event, without its data', () => {
    const wf = book('cancel');
    expect(wf.isCompleted()).toBe(true);
    expect(stateOf(wf, 'b_cancelled')).toEqual([TaskState.COMPLETED]);
    expect(stateOf(wf, 'b_failed')).toEqual([TaskState.CANCELLED]);
    // As in SpiffWorkflow (testSubworkflowCancelEvent), the path after it is cancelled.
    expect(stateOf(wf, 'b_confirm')).toEqual([TaskState.CANCELLED]);
    expect(wf.data['result']).toBe('cancelled');
    // What the transaction did is not kept (SpiffWorkflow's testSubworkflowCancelEvent).
    expect(wf.data['seat']).toBeUndefined();
    expect(wf.getEvents()).toEqual([]);
  });

  it('a cancel end event in a sub-process of the transaction cancels the transaction', () => {
    const wf = book('nested');
    expect(wf.isCompleted()).toBe(true);
    expect(stateOf(wf, 'b_cancelled')).toEqual([TaskState.COMPLETED]);
    expect(wf.data['result']).toBe('cancelled');
  });

  it('an error (hazard) leaves through the error boundary event', () => {
    const wf = book('hazard');
    expect(wf.isCompleted()).toBe(true);
    expect(stateOf(wf, 'b_failed')).toEqual([TaskState.COMPLETED]);
    expect(stateOf(wf, 'b_cancelled')).toEqual([TaskState.CANCELLED]);
    expect(wf.data['result']).toBe('hazard');
  });

  it('an interrupting event sub-process inside ends the transaction normally', () => {
    const wf = loadWorkflow(FILE, 'booking');
    wf.doEngineSteps();
    wf.sendEvent({ definition: { typename: 'MessageEventDefinition', name: 'abort' } });
    wf.doEngineSteps();
    expect(stateOf(wf, 'b_reserve')).toEqual([TaskState.CANCELLED]);
    expect(stateOf(wf, 'b_tx')).toEqual([TaskState.COMPLETED]);
    expect(wf.isCompleted()).toBe(true);
    expect(wf.data).toMatchObject({ result: 'booked', aborted: true });
  });

  it('refuses cancel end events outside transactions and uncaught cancellations, naming them', () => {
    const load = (process: string) => () => {
      const parser = parserFor(FILE);
      parser.getSpec(process);
      parser.getSubprocessSpecs(process);
    };
    expect(load('cancel_outside')).toThrow(ValidationError);
    expect(load('cancel_outside')).toThrow(/only be used inside a transaction/);
    expect(load('cancel_outside')).toThrow(
      expect.objectContaining({ location: expect.objectContaining({ elementId: 'co_cancel' }) }),
    );
    expect(load('cancel_uncaught')).toThrow(/no cancel boundary event/);
    expect(load('cancel_uncaught')).toThrow(
      expect.objectContaining({ location: expect.objectContaining({ elementId: 'cu_cancel' }) }),
    );
  });
});
