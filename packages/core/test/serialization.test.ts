import { describe, expect, it } from 'vitest';
import {
  SerializationError,
  Serializer,
  SerializerRegistry,
  TaskState,
  Workflow,
  type Json,
} from '@spiff-ts/core';
import { load, loopSpec, recorder, saveRestore, sequenceSpec } from './helpers.js';

describe('serialization', () => {
  it('round-trips a spec losslessly', () => {
    const serializer = new Serializer();
    for (const spec of [load('choice.xml'), load('outer.xml'), loopSpec()]) {
      const text = serializer.serializeSpec(spec);
      expect(serializer.serializeSpec(serializer.deserializeSpec(text))).toBe(text);
    }
  });

  it('writes the 1.4 shape: snake_case keys, flat task map with parent/children', () => {
    const workflow = new Workflow(sequenceSpec(1));
    const doc = new Serializer().workflowToJson(workflow);
    expect(doc.serializer_version).toBe('1.4');
    expect(Object.keys(doc)).toEqual(
      expect.arrayContaining([
        'spec',
        'subprocess_specs',
        'subprocesses',
        'tasks',
        'root',
        'last_task',
        'data',
      ]),
    );
    const root = doc.tasks[doc.root];
    expect(root?.parent).toBeNull();
    expect(root?.children).toHaveLength(1);
    expect(Object.keys(root ?? {})).toEqual(
      expect.arrayContaining(['last_state_change', 'internal_data', 'task_spec', 'typename']),
    );
    expect(doc.spec.task_specs['t1']?.['pre_assign']).toEqual([]);
  });

  it('round-trips mid-run and the restored workflow continues the same way', () => {
    const first = recorder();
    const direct = new Workflow(load('outer.xml'), { events: first.events });
    direct.runAll();

    const second = recorder();
    let workflow = new Workflow(load('outer.xml'), { events: second.events });
    let steps = 0;
    while (!workflow.isCompleted() && steps < 50) {
      workflow = saveRestore(workflow, { events: second.events });
      workflow.runNext();
      steps += 1;
    }
    expect(workflow.isCompleted()).toBe(true);
    expect(second.path).toEqual(first.path);
    expect(workflow.getData('reply')).toBe('world');
  });

  it('round-trips a finished workflow', () => {
    const workflow = new Workflow(load('choice.xml'));
    workflow.runAll();
    const restored = saveRestore(workflow);
    expect(restored.isCompleted()).toBe(true);
    expect(restored.getTasks({ state: TaskState.COMPLETED }).map((t) => t.taskSpec.name)).toEqual(
      workflow.getTasks({ state: TaskState.COMPLETED }).map((t) => t.taskSpec.name),
    );
  });

  it('keeps ids, states, data and the clock consistent after restore', () => {
    const workflow = new Workflow(sequenceSpec(3));
    workflow.runNext();
    workflow.getNextTask({ state: TaskState.READY })?.setData({ when: new Date(0) });
    const registry = new SerializerRegistry().registerValue({
      typename: 'datetime',
      test: (v) => v instanceof Date,
      toJson: (v) => (v as Date).toISOString(),
      fromJson: (json) => new Date(String(json['value'])),
    });
    const serializer = new Serializer({ registry });
    const text = serializer.serializeWorkflow(workflow);
    expect(text).toContain('{"typename":"datetime","value":"1970-01-01T00:00:00.000Z"}');
    const restored = serializer.deserializeWorkflow(text);
    const task = restored.getNextTask({ state: TaskState.READY });
    expect(task?.getData('when')).toEqual(new Date(0));
    const before = task?.lastStateChange ?? 0;
    restored.runNext();
    expect(task?.lastStateChange).toBeGreaterThan(before);
    const ids = new Set(restored.getTasks().map((t) => t.id));
    expect(ids.size).toBe(restored.getTasks().length);
  });

  it('fails loudly on unknown versions and unserializable values', () => {
    const serializer = new Serializer();
    const doc = serializer.workflowToJson(new Workflow(sequenceSpec(1)));
    const old = { ...doc, serializer_version: '0.9' } as unknown as Record<string, Json>;
    expect(() => serializer.workflowFromJson(old)).toThrow(SerializationError);
    expect(() => serializer.workflowFromJson(old)).toThrow(/Cannot read version "0.9"/);
    expect(() => serializer.deserializeWorkflow('{nope')).toThrow(SerializationError);
    const workflow = new Workflow(sequenceSpec(1));
    workflow.taskTree.setData({ bad: new (class Opaque {})() });
    expect(() => serializer.serializeWorkflow(workflow)).toThrow(SerializationError);
  });

  it('applies migrations in order', () => {
    const serializer = new Serializer({
      version: '2',
      migrations: [
        {
          from: '1.4',
          to: '2',
          migrate: (doc) => {
            doc['data'] = { migrated: true };
          },
        },
      ],
    });
    const doc = new Serializer().workflowToJson(new Workflow(sequenceSpec(1)));
    const restored = serializer.workflowFromJson(doc as unknown as Record<string, Json>);
    expect(restored.getData('migrated')).toBe(true);
  });
});
