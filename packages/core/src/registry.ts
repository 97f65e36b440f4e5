import { WorkflowError } from './errors.js';
import type { TaskSpecData } from './spec.js';
import type { Task } from './task.js';

/** What a run hook reports; replaces Python's `True` / `None` / `False`. */
export type RunResult = 'completed' | 'started' | 'error';

/**
 * A lifecycle hook: `next()` runs the next layer down (Python's `super()`). Call it only while the
 * hook runs, not after it returned (the engine shares one `next` per hook kind between tasks).
 */
export type Hook<S extends TaskSpecData, R> = (task: Task<S>, next: () => R) => R;

/**
 * A trigger hook. `spec` is the spec being triggered; `context` is the task in whose name it is
 * triggered (a Trigger's task, or a task of `spec` when the host calls `task.trigger()`).
 */
export type TriggerHook<S extends TaskSpecData> = (
  spec: S,
  context: Task,
  args: readonly unknown[],
  next: () => void,
) => void;

/**
 * One class's worth of lifecycle code. The engine decides when each hook runs; a hook that does
 * not call `next()` replaces the layers below it, including the engine's base behaviour:
 *
 * - `predict`: sync predicted children (base: outputs as FUTURE if definite, else own state).
 * - `update`: may the task become READY? (base: inherit the parent's data, emit `update`, true).
 *   A hook returning false must set WAITING itself if it wants it.
 * - `onReady`: after pre-assignments (base: emit `ready`).
 * - `run`: the work (base: emit `run`, `'completed'`); post-assignments follow.
 * - `onComplete` / `onError` / `onCancel`: state reached (base: emit the event).
 * - `trigger`: an external trigger (base: throws).
 */
export interface TaskSpecLayer<S extends TaskSpecData = TaskSpecData> {
  readonly predict?: Hook<S, void>;
  readonly update?: Hook<S, boolean>;
  readonly onReady?: Hook<S, void>;
  readonly run?: Hook<S, RunResult>;
  readonly onComplete?: Hook<S, void>;
  readonly onError?: Hook<S, void>;
  readonly onCancel?: Hook<S, void>;
  readonly trigger?: TriggerHook<S>;
}

/** Hook names of {@link TaskSpecLayer} other than `trigger`. */
export type TaskHookName = Exclude<keyof TaskSpecLayer, 'trigger'>;

/** Typename → layers, most derived first, for a closed union of spec types. */
export type LayerTable<U extends TaskSpecData> = {
  readonly [K in U['typename']]: readonly TaskSpecLayer<Extract<U, { typename: K }>>[];
};

/** Runs one hook through a type's layers; `base` is the engine's own behaviour. */
export function callHook<S extends TaskSpecData, R>(
  hooks: readonly (Hook<S, R> | undefined)[],
  task: Task<S>,
  base: () => R,
): R {
  // Most types have one hook of a kind or none: call it without building a chain (and without
  // the closures of one: they live in `callChain`).
  if (hooks.length === 1) {
    const hook = hooks[0];
    if (hook) return hook(task, base);
  }
  if (hooks.length === 0) return base();
  return callChain(hooks, task, base);
}

function callChain<S extends TaskSpecData, R>(
  hooks: readonly (Hook<S, R> | undefined)[],
  task: Task<S>,
  base: () => R,
): R {
  const step = (i: number): R => {
    if (i >= hooks.length) return base();
    const hook = hooks[i];
    return hook ? hook(task, () => step(i + 1)) : step(i + 1);
  };
  return step(0);
}

type AnyHook = Hook<TaskSpecData, unknown>;
interface Resolved {
  readonly layers: readonly TaskSpecLayer[];
  readonly hooks: Readonly<Record<TaskHookName, readonly AnyHook[]>>;
}

const HOOK_NAMES: readonly TaskHookName[] = [
  'predict',
  'update',
  'onReady',
  'run',
  'onComplete',
  'onError',
  'onCancel',
];

/** The hooks of each kind of some layers, in call order. */
function hooksOf(layers: readonly TaskSpecLayer[]): Record<TaskHookName, readonly AnyHook[]> {
  const out = {} as Record<TaskHookName, readonly AnyHook[]>;
  for (const name of HOOK_NAMES) {
    out[name] = layers.map((l) => l[name] as AnyHook | undefined).filter((h) => h !== undefined);
  }
  return out;
}

/**
 * Maps spec typenames to their layers. Packages register their tables; flavours override
 * entries (they never subclass).
 *
 * @example
 * ```ts
 * const registry = new SpecRegistry().registerAll(coreLayers).registerAll(bpmnLayers);
 * ```
 */
export class SpecRegistry {
  readonly #entries = new Map<string, Resolved>();

  /** Registers (or replaces) the layers of one typename, most derived first. */
  register<S extends TaskSpecData>(
    typename: S['typename'],
    layers: readonly TaskSpecLayer<S>[],
  ): this {
    return this.#store(typename, layers);
  }

  /** Registers every entry of a layer table (e.g. a {@link LayerTable}). */
  registerAll(table: { readonly [typename: string]: readonly TaskSpecLayer<never>[] }): this {
    for (const [typename, layers] of Object.entries(table)) this.#store(typename, layers);
    return this;
  }

  #store(typename: string, layers: readonly TaskSpecLayer<never>[]): this {
    // The one cast of the design: a layer written for spec type S is stored among layers for
    // any spec. Safe because the engine only hands a layer tasks whose spec has this typename.
    const stored = layers as unknown as readonly TaskSpecLayer[];
    this.#entries.set(typename, { layers: stored, hooks: hooksOf(stored) });
    return this;
  }

  /** Whether a typename is registered. */
  has(typename: string): boolean {
    return this.#entries.has(typename);
  }

  /** A copy that can be extended without changing this registry. */
  clone(): SpecRegistry {
    const copy = new SpecRegistry();
    for (const [typename, entry] of this.#entries) copy.#store(typename, entry.layers);
    return copy;
  }

  /** The layers of a typename. @throws {@link WorkflowError} when it is not registered. */
  layers(typename: string): readonly TaskSpecLayer[] {
    return this.#resolve(typename).layers;
  }

  /** The hooks of one kind for a typename, in call order. @internal */
  hooks(typename: string, name: TaskHookName): readonly AnyHook[] {
    return this.#resolve(typename).hooks[name];
  }

  #resolve(typename: string): Resolved {
    const entry = this.#entries.get(typename);
    if (!entry) {
      throw new WorkflowError(`No layers registered for task spec type '${typename}'`, {
        notes:
          typename === 'Execute'
            ? ['Execute needs createNodeRegistry() from @spiff-ts/core/node']
            : [],
      });
    }
    return entry;
  }
}
