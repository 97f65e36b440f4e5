import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import {
  Serializer,
  Workflow,
  WorkflowEvents,
  WorkflowSpecBuilder,
  type WorkflowOptions,
  type WorkflowSpec,
} from '@spiff-ts/core';
import { loadSpiffXmlFile } from '@spiff-ts/core/node';

const here = dirname(fileURLToPath(import.meta.url));

/** Absolute path of a fixture file. */
export function fixture(name: string): string {
  return join(here, 'fixtures', name);
}

/** Loads a fixture spec. */
export function load(name: string): WorkflowSpec {
  return loadSpiffXmlFile(fixture(name));
}

/** Serializes to text and back once (and checks the text is stable). */
export function saveRestore(workflow: Workflow, options: WorkflowOptions = {}): Workflow {
  const serializer = new Serializer();
  const text = serializer.serializeWorkflow(workflow);
  const restored = serializer.deserializeWorkflow(text, options);
  if (serializer.serializeWorkflow(restored) !== text)
    throw new Error('round trip changed the text');
  return restored;
}

/** Start → t1 → … → tn → End. */
export function sequenceSpec(n: number): WorkflowSpec {
  const builder = new WorkflowSpecBuilder('sequence');
  let previous = 'Start';
  for (let i = 1; i <= n; i++) {
    builder.add({ typename: 'Simple', name: `t${i}` }).connect(previous, `t${i}`);
    previous = `t${i}`;
  }
  return builder.connect(previous, 'End').build();
}

/**
 * Start → body → check; check loops back to body while `again` is 'yes', else → End.
 * The host sets `again` on each body task.
 */
export function loopSpec(): WorkflowSpec {
  return new WorkflowSpecBuilder('loop')
    .add({ typename: 'Simple', name: 'body' })
    .add({
      typename: 'ExclusiveChoice',
      name: 'check',
      condTaskSpecs: [],
      choice: null,
      defaultTaskSpec: 'End',
    })
    .connect('Start', 'body')
    .connect('body', 'check')
    .connectIf('check', null, 'End')
    .connectIf(
      'check',
      { typename: 'Equal', args: [{ typename: 'Attrib', name: 'again' }, 'yes'] },
      'body',
    )
    .build();
}

/** Records completions as `depth:name`. */
export function recorder(): { events: WorkflowEvents; path: string[] } {
  const events = new WorkflowEvents();
  const path: string[] = [];
  events.on('completed', ({ task }) =>
    path.push(`${'  '.repeat(task.depth)}${task.taskSpec.name}`),
  );
  return { events, path };
}
