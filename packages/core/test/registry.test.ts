import { describe, expect, it } from 'vitest';
import {
  SpecRegistry,
  Workflow,
  WorkflowError,
  WorkflowEvents,
  WorkflowSpecBuilder,
  callHook,
  coreLayers,
  createCoreRegistry,
  type ExclusiveChoiceSpec,
  type TaskSpecLayer,
} from '@spiff-ts/core';
import { loopSpec, sequenceSpec } from './helpers.js';

describe('spec registry and layers', () => {
  it('stacks ExclusiveChoice → MultiChoice like the Python MRO', () => {
    expect(coreLayers.ExclusiveChoice).toHaveLength(2);
    const calls: string[] = [];
    const spy = (label: string): TaskSpecLayer<ExclusiveChoiceSpec> => ({
      predict(_task, next) {
        calls.push(`predict:${label}`);
        next();
      },
      run(_task, next) {
        calls.push(`run:${label}`);
        return next();
      },
    });
    const [exclusive, multi] =
      coreLayers.ExclusiveChoice as readonly TaskSpecLayer<ExclusiveChoiceSpec>[];
    const registry = createCoreRegistry().register<ExclusiveChoiceSpec>('ExclusiveChoice', [
      spy('top'),
      exclusive ?? {},
      spy('middle'),
      multi ?? {},
    ]);
    const workflow = new Workflow(loopSpec(), { registry });
    workflow.runNext();
    workflow.runNext();
    calls.length = 0;
    workflow.runNext(); // check
    // ExclusiveChoice's run does not call next(): the layers below it never run.
    expect(calls).toEqual(['run:top']);
    expect(calls.filter((c) => c.startsWith('predict'))).toEqual([]);
  });

  it('calls hooks through next() in order, base last', () => {
    const order: string[] = [];
    const result = callHook<never, string>(
      [
        (_t, next) => {
          order.push('a');
          return next();
        },
        undefined,
        (_t, next) => {
          order.push('b');
          return `${next()}!`;
        },
      ],
      undefined as never,
      () => {
        order.push('base');
        return 'done';
      },
    );
    expect(order).toEqual(['a', 'b', 'base']);
    expect(result).toBe('done!');
  });

  it('lets a host override a type without subclassing', () => {
    const registry = createCoreRegistry().register('Simple', [
      {
        run(task, next) {
          task.setData({ touched: true });
          return next();
        },
      },
    ]);
    const workflow = new Workflow(sequenceSpec(1), { registry });
    workflow.runAll();
    expect(workflow.getData('touched')).toBe(true);
  });

  it('runs the base behaviour for the hook’s own task when next() follows a nested hook call', () => {
    const registry = createCoreRegistry().register('Simple', [
      {
        run(task, next) {
          // t1's hook first runs t2 (the same hook kind, for another task), then calls next()
          if (task.taskSpec.name === 't1') {
            task.workflow.getTasks({ specName: 't2' })[0]?.run();
          }
          return next();
        },
      },
    ]);
    const events = new WorkflowEvents();
    const ran: string[] = [];
    events.on('run', ({ task }) => ran.push(task.taskSpec.name));
    const workflow = new Workflow(sequenceSpec(2), { registry, events });
    workflow.runNext(); // Start
    workflow.runNext(); // t1, running t2 inside its hook
    expect(ran).toEqual(['Start', 't2', 't1']);
  });

  it('fails clearly for unregistered types', () => {
    const spec = new WorkflowSpecBuilder('x')
      .add({ typename: 'Execute', name: 'cmd', args: ['true'] })
      .connect('Start', 'cmd')
      .connect('cmd', 'End')
      .build();
    expect(() => new Workflow(spec).runAll()).toThrow(WorkflowError);
    try {
      new Workflow(spec);
    } catch (error) {
      expect((error as WorkflowError).notes.join()).toMatch(/createNodeRegistry/);
    }
    expect(() => new SpecRegistry().layers('Nope')).toThrow(
      /No layers registered for task spec type 'Nope'/,
    );
  });
});

describe('layer stacks (one per multi-layer type)', () => {
  /** Wraps every hook of a type's layers so calls are recorded as `<layer index>.<hook>`. */
  function recording(typename: keyof typeof coreLayers, calls: string[]): SpecRegistry {
    const layers = (coreLayers[typename] as readonly TaskSpecLayer[]).map((layer, i) => {
      const wrapped: Record<string, unknown> = {};
      for (const [name, hook] of Object.entries(layer)) {
        wrapped[name] = (...args: unknown[]) => {
          calls.push(`${i}.${name}`);
          return (hook as (...a: unknown[]) => unknown)(...args);
        };
      }
      return wrapped as TaskSpecLayer;
    });
    return createCoreRegistry().register(typename, layers);
  }

  it('CancelTask → Trigger: run is CancelTask’s own', () => {
    const calls: string[] = [];
    const spec = new WorkflowSpecBuilder('c')
      .add({ typename: 'Simple', name: 'slow' })
      .add({ typename: 'CancelTask', name: 'stop', context: ['slow'], times: 1 })
      .connect('Start', 'stop')
      .connect('Start', 'slow')
      .connect('stop', 'End')
      .build();
    const workflow = new Workflow(spec, { registry: recording('CancelTask', calls) });
    workflow.runAll();
    expect(calls).toEqual(['0.run']);
    expect(workflow.getTasks({ specName: 'slow' })[0]?.state).toBe(256);
  });

  it('ThreadMerge → Join: update is ThreadMerge’s, trigger falls through to Join', () => {
    const calls: string[] = [];
    const registry = recording('ThreadMerge', calls);
    expect(registry.layers('ThreadMerge').map((l) => Object.keys(l).sort())).toEqual([
      ['update'],
      ['trigger', 'update'],
    ]);
    const spec = new WorkflowSpecBuilder('t')
      .add({ typename: 'ThreadSplit', name: 'split', times: 2, threadStarter: 'ThreadStart' })
      .add({ typename: 'ThreadStart', name: 'ThreadStart' })
      .add({ typename: 'Simple', name: 'work' })
      .add({
        typename: 'ThreadMerge',
        name: 'merge',
        splitTask: 'split',
        threshold: null,
        cancelRemaining: false,
      })
      .connect('Start', 'split')
      .connect('split', 'ThreadStart')
      .connect('ThreadStart', 'work')
      .connect('work', 'merge')
      .connect('merge', 'End')
      .build();
    const workflow = new Workflow(spec, { registry });
    workflow.runAll();
    expect(workflow.isCompleted()).toBe(true);
    expect(new Set(calls)).toEqual(new Set(['0.update']));
    workflow.triggerSpec(spec.getTaskSpec('merge') ?? spec.start, workflow.taskTree, []);
    expect(calls.at(-1)).toBe('1.trigger');
  });
});
