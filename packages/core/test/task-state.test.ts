import { describe, expect, it } from 'vitest';
import { TaskState, TaskStateMask, taskStateName, taskStateValue } from '@spiff-ts/core';

describe('task states and masks', () => {
  it('uses SpiffWorkflow values', () => {
    expect(TaskState).toEqual({
      MAYBE: 1,
      LIKELY: 2,
      FUTURE: 4,
      WAITING: 8,
      READY: 16,
      STARTED: 32,
      COMPLETED: 64,
      ERROR: 128,
      CANCELLED: 256,
    });
  });

  it('combines states into masks', () => {
    expect(TaskStateMask.FINISHED).toBe(64 | 128 | 256);
    expect(TaskStateMask.DEFINITE).toBe(4 | 8 | 16 | 32);
    expect(TaskStateMask.PREDICTED).toBe(1 | 2);
    expect(TaskStateMask.NOT_FINISHED).toBe(63);
    expect(TaskStateMask.ANY).toBe(511);
  });

  it.each([
    [16, 'READY'],
    [448, 'FINISHED_MASK'],
    [3, 'PREDICTED_MASK'],
    [511, 'ANY_MASK'],
    [17, 'MAYBE|READY'],
  ])('names %i as %s', (value, name) => {
    expect(taskStateName(value)).toBe(name);
  });

  it.each([
    ['ready', 16],
    ['READY|waiting', 24],
    ['finished_mask', 448],
    ['nonsense', 0],
  ])('reads %s as %i', (name, value) => {
    expect(taskStateValue(name)).toBe(value);
  });
});
