import { describe, expect, it } from 'vitest';
import { ValidationError, type JsonObject, type Task } from '@spiff-ts/core';
import { BpmnWorkflowSerializer, TaskState, type BpmnWorkflow } from '@spiff-ts/bpmn';
import { loadWorkflow, parserFor, saveRestore } from './helpers.js';

const FILE = 'compensation.bpmn';
const named = (wf: BpmnWorkflow, name: string): Task[] =>
  wf.getTasks().filter((t) => t.taskSpec.name === name);
const ready = (wf: BpmnWorkflow) =>
  wf.getTasks({ state: TaskState.READY }).map((t) => t.taskSpec.name);

describe('compensation', () => {
  it('compensates completed activities latest first, one handler after the other', () => {
    let wf = loadWorkflow(FILE, 'trip', { data: { undo: 'all' } });
    wf.doEngineSteps();
    // t_charge completed last: its handler (a user task) comes first; the throw event waits.
    expect(ready(wf)).toEqual(['t_refund']);
    expect(named(wf, 't_undo').map((t) => t.state)).toEqual([TaskState.STARTED]);
    expect(named(wf, 't_cancel_hotel')).toEqual([]);
    expect(named(wf, 't_refund')[0]?.data).toMatchObject({ charged: 100 });
    wf = saveRestore(wf);
    named(wf, 't_refund')[0]?.run();
    wf.doEngineSteps();
    const hotel = named(wf, 't_cancel_hotel');
    expect(hotel.map((t) => t.state)).toEqual([TaskState.COMPLETED]);
    expect(hotel[0]?.data['hotel']).toBe('cancelled');
    expect(named(wf, 't_undo').map((t) => t.state)).toEqual([TaskState.COMPLETED]);
    expect(wf.isCompleted()).toBe(true);
    expect(wf.data['undone']).toBe(true);
    // What a handler changes stays with it.
    expect(wf.data['hotel']).toBe('booked');
  });

  it('keeps waiting for its handlers through SpiffWorkflow JSON', () => {
    const serializer = new BpmnWorkflowSerializer();
    const wf = loadWorkflow(FILE, 'trip', { data: { undo: 'all' } });
    wf.doEngineSteps();
    const text = JSON.stringify(serializer.toSpiffJson(wf));
    const restored = serializer.fromSpiffJson(JSON.parse(text) as JsonObject);
    expect(ready(restored)).toEqual(['t_refund']);
    named(restored, 't_refund')[0]?.run();
    restored.doEngineSteps();
    expect(named(restored, 't_cancel_hotel').map((t) => t.state)).toEqual([TaskState.COMPLETED]);
    expect(restored.isCompleted()).toBe(true);
  });

  it('compensates only the activity an activityRef names', () => {
    const wf = loadWorkflow(FILE, 'trip', { data: { undo: 'hotel' } });
    wf.doEngineSteps();
    expect(wf.isCompleted()).toBe(true);
    expect(named(wf, 't_cancel_hotel').map((t) => t.state)).toEqual([TaskState.COMPLETED]);
    expect(named(wf, 't_refund')).toEqual([]);
  });

  it('does nothing when no activity needs it', () => {
    const wf = loadWorkflow(FILE, 'trip', { data: { undo: 'no' } });
    wf.doEngineSteps();
    expect(wf.isCompleted()).toBe(true);
    expect(named(wf, 't_refund')).toEqual([]);
    expect(named(wf, 't_cancel_hotel')).toEqual([]);
  });

  it('a cancelled transaction compensates what it completed, then takes its cancel boundary event', () => {
    const wf = loadWorkflow(FILE, 'cancelled_booking');
    wf.doEngineSteps();
    const release = named(wf, 'c_release_seat');
    expect(release.map((t) => t.state)).toEqual([TaskState.COMPLETED]);
    expect(release[0]?.data['released']).toBe('12A');
    expect(named(wf, 'c_cancelled').map((t) => t.state)).toEqual([TaskState.COMPLETED]);
    expect(wf.isCompleted()).toBe(true);
    expect(wf.data['result']).toBe('cancelled');
  });

  it('in an event sub-process, compensates the process around it', () => {
    const wf = loadWorkflow(FILE, 'undo_on_error');
    wf.doEngineSteps();
    const handler = named(wf, 'u_cancel_hotel');
    expect(handler.map((t) => t.state)).toEqual([TaskState.COMPLETED]);
    expect(handler[0]?.data['hotel']).toBe('cancelled');
    // The handler ran before the event sub-process went on.
    const recovered = named(wf, 'u_recovered')[0];
    expect(recovered?.state).toBe(TaskState.COMPLETED);
    expect((handler[0]?.lastStateChange ?? 0) < (recovered?.lastStateChange ?? 0)).toBe(true);
    expect(wf.isCompleted()).toBe(true);
    expect(wf.data['recovered']).toBe(true);
  });

  it('undoes a sub-process without a handler through its inner activities', () => {
    const wf = loadWorkflow(FILE, 'nested_trip');
    wf.doEngineSteps();
    const handler = named(wf, 's_cancel_flight');
    expect(handler.map((t) => t.state)).toEqual([TaskState.COMPLETED]);
    expect(handler[0]?.data['cancelled']).toBe('LH123');
    expect(wf.isCompleted()).toBe(true);
  });

  it('refuses a compensation boundary event without a handler, naming it', () => {
    const build = () => parserFor(FILE).getSpec('no_handler');
    expect(build).toThrow(ValidationError);
    expect(build).toThrow(/no associated compensation handler/);
    expect(build).toThrow(
      expect.objectContaining({ location: expect.objectContaining({ elementId: 'n_comp' }) }),
    );
  });
});
