import { describe, expect, it } from 'vitest';
import {
  SerializationError,
  Serializer,
  SerializerRegistry,
  TaskState,
  Workflow,
  WorkflowSpecBuilder,
  genericSpecConverter,
  type Json,
  type JsonObject,
  type WorkflowSpec,
} from '@spiff-ts/core';
import { load, loopSpec, sequenceSpec } from './helpers.js';

/** Start → End, with some data on the root. */
function tiny(): Workflow {
  const workflow = new Workflow(new WorkflowSpecBuilder('tiny').connect('Start', 'End').build());
  workflow.taskTree.setData({ n: 1, s: 'x', list: [true, null] });
  return workflow;
}

/** Workflows at several points: fresh, mid-run, with sub-workflows, finished. */
function samples(): Workflow[] {
  const begin = new WorkflowSpecBuilder('begin', { start: false })
    .add({ typename: 'StartTask', name: 'Begin' })
    .connect('Begin', 'End')
    .build();
  const out: Workflow[] = [tiny(), new Workflow(begin)];
  for (const spec of [sequenceSpec(3), load('choice.xml'), load('outer.xml'), loopSpec()]) {
    const workflow = new Workflow(spec);
    out.push(workflow);
    for (let i = 0; i < 30 && !workflow.isCompleted(); i++) {
      workflow.getNextTask({ state: TaskState.READY })?.setData({ again: i < 2 ? 'yes' : 'no' });
      workflow.runNext();
      out.push(new Serializer().deserializeWorkflow(new Serializer().serializeWorkflow(workflow)));
    }
  }
  return out;
}

/** The text with the value `"tiny"` of the spec's name replaced (a different spec). */
function renamed(text: string, name: string): string {
  return text.replace('"name":"tiny"', `"name":${JSON.stringify(name)}`);
}

describe('serializer text', () => {
  it('writes the 1.4 document in one pass, field for field', () => {
    const text = new Serializer().serializeWorkflow(tiny());
    // Spec fields in the builder's order (base fields, then typename), keys in snake_case.
    const start =
      '{"name":"Start","description":null,"manual":false,"lookahead":2,"inputs":[],' +
      '"outputs":["End"],"data":{},"defines":{},"pre_assign":[],"post_assign":[],' +
      '"typename":"StartTask"}';
    const end =
      '{"name":"End","description":null,"manual":false,"lookahead":2,"inputs":["Start"],' +
      '"outputs":[],"data":{},"defines":{},"pre_assign":[],"post_assign":[],"typename":"Simple"}';
    // Ids come from the default counter: the root is the first task, End the second. Start is
    // READY (16), End FUTURE (4); the state clock ticked once per state change.
    const root = '00000000-0000-4000-8000-000000000001';
    const child = '00000000-0000-4000-8000-000000000002';
    const tasks =
      `{"${root}":{"id":"${root}","parent":null,"children":["${child}"],` +
      `"last_state_change":3,"state":16,"task_spec":"Start","triggered":false,"thread_id":0,` +
      `"internal_data":{},"data":{"n":1,"s":"x","list":[true,null]},"typename":"Task"},` +
      `"${child}":{"id":"${child}","parent":"${root}","children":[],"last_state_change":2,` +
      `"state":4,"task_spec":"End","triggered":false,"thread_id":0,"internal_data":{},` +
      `"data":{},"typename":"Task"}}`;
    expect(text).toBe(
      '{"serializer_version":"1.4","spec":{"typename":"WorkflowSpec","name":"tiny",' +
        `"description":"","file":null,"task_specs":{"Start":${start},"End":${end}}},` +
        '"subprocess_specs":{},"subprocesses":{},"typename":"Workflow","data":{},' +
        `"success":true,"completed":false,"last_task":null,"root":"${root}","tasks":${tasks},` +
        '"locks":[],"spec_state":{}}',
    );
  });

  it('writes what JSON.stringify writes of workflowToJson, at every point of a run', () => {
    const serializer = new Serializer();
    const workflows = samples();
    expect(workflows.length).toBeGreaterThan(10);
    expect(workflows.some((w) => w.subworkflows.size > 0)).toBe(true);
    expect(serializer.serializeWorkflow(workflows[1] as Workflow)).toContain(
      '"task_specs":{"End":',
    );
    expect(serializer.serializeWorkflow(workflows[1] as Workflow)).toContain('}},"start":"Begin"}');
    for (const workflow of workflows) {
      const text = serializer.serializeWorkflow(workflow);
      expect(text).toBe(JSON.stringify(serializer.workflowToJson(workflow)));
      // Written twice (the spec's text is kept the second time): the same.
      expect(serializer.serializeWorkflow(workflow)).toBe(text);
      expect(serializer.serializeWorkflow(serializer.deserializeWorkflow(text))).toBe(text);
    }
  });

  it('writes user data that JSON cannot hold as the value converters say, as before', () => {
    const workflow = tiny();
    const data: Record<string, unknown> = {
      skipped: undefined,
      list: [undefined, Number.NaN, Infinity, -0, 1e21],
      nested: { deep: [{ a: [] }] },
    };
    workflow.taskTree.setData(data);
    const plain = new Serializer();
    const text = plain.serializeWorkflow(workflow);
    expect(text).toBe(JSON.stringify(plain.workflowToJson(workflow)));
    // undefined fields are left out, undefined/NaN/Infinity items become null, -0 is 0.
    expect(text).toContain('"list":[null,null,null,0,1e+21]');
    expect(text).not.toContain('skipped');

    workflow.taskTree.setData({ when: new Date(0), tags: new Set(['a']) });
    const registry = new SerializerRegistry()
      .registerValue({
        typename: 'datetime',
        test: (v) => v instanceof Date,
        toJson: (v) => (v as Date).toISOString(),
        fromJson: (json) => new Date(String(json['value'])),
      })
      .registerValue({
        typename: 'set',
        test: (v) => v instanceof Set,
        toJson: (v, convert) => [...(v as Set<unknown>)].map(convert),
        fromJson: (json) => new Set(json['value'] as Json[]),
      });
    const typed = new Serializer({ registry });
    const typedText = typed.serializeWorkflow(workflow);
    expect(typedText).toBe(JSON.stringify(typed.workflowToJson(workflow)));
    expect(typedText).toContain(
      '"when":{"typename":"datetime","value":"1970-01-01T00:00:00.000Z"},' +
        '"tags":{"typename":"set","value":["a"]}',
    );
    const restored = typed.deserializeWorkflow(typedText);
    expect(restored.taskTree.getData('tags')).toEqual(new Set(['a']));
    expect(() => plain.serializeWorkflow(workflow)).toThrow(SerializationError);
  });

  it('reuses the specs of a document read before only for the very same spec text', () => {
    const serializer = new Serializer();
    const text = serializer.serializeWorkflow(tiny());
    const first = serializer.deserializeWorkflow(text);
    const second = serializer.deserializeWorkflow(text);
    expect(second.spec).toBe(first.spec);
    expect(second.taskTree).not.toBe(first.taskTree);
    // Restored data is each copy's own.
    first.taskTree.setData({ n: 2 });
    expect(second.taskTree.getData('n')).toBe(1);

    const other = serializer.deserializeWorkflow(renamed(text, 'other'));
    expect(other.spec).not.toBe(first.spec);
    expect(other.spec.name).toBe('other');
    expect(serializer.deserializeWorkflow(text).spec.name).toBe('tiny');
  });

  it('reads a document beginning like a known one the way JSON.parse reads it', () => {
    const serializer = new Serializer();
    const text = serializer.serializeWorkflow(tiny());
    serializer.deserializeWorkflow(text);
    // A repeated field replaces the first one.
    const otherSpec = JSON.stringify((JSON.parse(renamed(text, 'again')) as JsonObject)['spec']);
    const repeated = `${text.slice(0, -1)},"spec":${otherSpec}}`;
    expect(serializer.deserializeWorkflow(repeated).spec.name).toBe('again');
    const version = `${text.slice(0, -1)},"serializer_version":"0.1"}`;
    expect(() => serializer.deserializeWorkflow(version)).toThrow(/Cannot read version "0.1"/);
    // Nothing after the specs, or broken JSON after them, is not a document.
    const head = text.slice(0, text.indexOf(',"subprocesses":') + 1);
    expect(() => serializer.deserializeWorkflow(`${head}}`)).toThrow(SerializationError);
    expect(() => serializer.deserializeWorkflow(`${head}"tasks":}`)).toThrow(/Not valid JSON/);
  });

  it('forgets kept spec text and specs when the registry changes', () => {
    const registry = new SerializerRegistry();
    const serializer = new Serializer({ registry });
    const workflow = tiny();
    const text = serializer.serializeWorkflow(workflow);
    const before = serializer.deserializeWorkflow(text);
    registry.registerSpec('Simple', {
      toJson: (spec, codec) => ({ ...genericSpecConverter.toJson(spec, codec), marked: true }),
      fromJson: (json, codec) => genericSpecConverter.fromJson(json, codec),
    });
    const marked = serializer.serializeWorkflow(workflow);
    expect(marked).toContain('"typename":"Simple","marked":true}');
    expect(marked).toBe(JSON.stringify(serializer.workflowToJson(workflow)));
    const after = serializer.deserializeWorkflow(text);
    expect(after.spec).not.toBe(before.spec);
    const spec: WorkflowSpec = after.spec;
    expect((spec.getTaskSpec('End') as unknown as JsonObject)['marked']).toBeUndefined();
  });

  it('writes a subclass’s own task shape', () => {
    class Tagged extends Serializer {
      override taskToJson(task: Parameters<Serializer['taskToJson']>[0]) {
        return { ...super.taskToJson(task), tag: task.taskSpec.name };
      }
    }
    const serializer = new Tagged();
    const text = serializer.serializeWorkflow(tiny());
    expect(text).toBe(JSON.stringify(serializer.workflowToJson(tiny())));
    expect(text).toContain('"typename":"Task","tag":"End"}');
  });
});
