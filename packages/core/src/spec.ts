import { ValidationError } from './errors.js';
import type { Assign, Operator, Term } from './operators.js';

/**
 * What every task spec has. Specs are plain readonly data discriminated by `typename` (the
 * string SpiffWorkflow serialises); behaviour lives in layers registered in a `SpecRegistry`.
 */
export interface TaskSpecData {
  readonly typename: string;
  readonly name: string;
  readonly description: string | null;
  readonly manual: boolean;
  /** How many levels of MAYBE/LIKELY tasks prediction adds below a predicted task. */
  readonly lookahead: number;
  /** Spec names, as in the serialized form. */
  readonly inputs: readonly string[];
  readonly outputs: readonly string[];
  /** Spec data (`defines` included), readable by hooks; never copied into task data. */
  readonly data: Readonly<Record<string, unknown>>;
  /** Spec data that may not be changed. */
  readonly defines: Readonly<Record<string, unknown>>;
  /** Assignments applied when a task becomes READY. */
  readonly preAssign: readonly Assign[];
  /** Assignments applied after a task ran. */
  readonly postAssign: readonly Assign[];
}

/** A task with one or more inputs and any number of outputs (implicit merge and split). */
export interface SimpleSpec extends TaskSpecData {
  readonly typename: 'Simple';
}
/** The task each workflow starts with; no inputs. Always named `Start` by the XML loader. */
export interface StartTaskSpec extends TaskSpecData {
  readonly typename: 'StartTask';
}
/** Internal: starts one thread of a {@link ThreadSplitSpec}, assigning it a new thread id. */
export interface ThreadStartSpec extends TaskSpecData {
  readonly typename: 'ThreadStart';
}
/** Synchronises branches; see `join.ts` for the counting rules. */
export interface JoinSpec extends TaskSpecData {
  readonly typename: 'Join' | 'Merge' | 'ThreadMerge';
  /** The spec that split the branches being merged, or null to count completed inputs. */
  readonly splitTask: string | null;
  /** How many branches must complete; null means all. A term may name a data field. */
  readonly threshold: Term;
  /** Cancel the branches still running once the threshold is reached. */
  readonly cancelRemaining: boolean;
}
/** A Join that also deep-merges the data of all its inputs. */
export interface MergeSpec extends JoinSpec {
  readonly typename: 'Merge';
}
/** Merges the threads started by a {@link ThreadSplitSpec}. */
export interface ThreadMergeSpec extends JoinSpec {
  readonly typename: 'ThreadMerge';
}
/** One output of a choice: taken when `condition` holds (null: always / default). */
export interface ConditionalOutput {
  readonly condition: Operator | null;
  readonly output: string;
}
/** Takes every output whose condition holds (and every unconditional one). */
export interface MultiChoiceSpec extends TaskSpecData {
  readonly typename: 'MultiChoice' | 'ExclusiveChoice';
  readonly condTaskSpecs: readonly ConditionalOutput[];
  /** Outputs preselected at design time (a `Choose` can narrow them at run time). */
  readonly choice: readonly string[] | null;
}
/** Takes the first output whose condition holds, else the default. */
export interface ExclusiveChoiceSpec extends MultiChoiceSpec {
  readonly typename: 'ExclusiveChoice';
  readonly defaultTaskSpec: string | null;
}
/** Creates `times` copies of its outputs. */
export interface MultiInstanceSpec extends TaskSpecData {
  readonly typename: 'MultiInstance';
  readonly times: Term;
}
/** Starts `times` threads, each through the ThreadStart spec named `threadStarter`. */
export interface ThreadSplitSpec extends TaskSpecData {
  readonly typename: 'ThreadSplit';
  readonly times: Term;
  readonly threadStarter: string;
}
/** Triggers the specs named in `context`, `times` times (plus any queued triggers). */
export interface TriggerSpec extends TaskSpecData {
  readonly typename: 'Trigger' | 'CancelTask';
  readonly context: readonly string[];
  readonly times: Term;
}
/** Cancels every task of the specs named in `context`. */
export interface CancelTaskSpec extends TriggerSpec {
  readonly typename: 'CancelTask';
}
/** Cancels the whole workflow. */
export interface CancelSpec extends TaskSpecData {
  readonly typename: 'Cancel';
  readonly cancelSuccessfully: boolean;
}
/** Narrows the outputs of the MultiChoice named `context` to `choice`. */
export interface ChooseSpec extends TaskSpecData {
  readonly typename: 'Choose';
  readonly context: string;
  readonly choice: readonly string[];
}
/** Waits until every task of the spec named `context` (same thread) has completed. */
export interface GateSpec extends TaskSpecData {
  readonly typename: 'Gate';
  readonly context: string;
}
/** Waits for, then holds, the workflow mutex named `mutex`. */
export interface AcquireMutexSpec extends TaskSpecData {
  readonly typename: 'AcquireMutex';
  readonly mutex: string;
}
/** Releases the workflow mutex named `mutex`. */
export interface ReleaseMutexSpec extends TaskSpecData {
  readonly typename: 'ReleaseMutex';
  readonly mutex: string;
}
/** Runs another workflow spec (found by `file` in the spec library) as a nested workflow. */
export interface SubWorkflowSpec extends TaskSpecData {
  readonly typename: 'SubWorkflow';
  /** Library key of the nested spec (the resolved file path for XML), or a data reference. */
  readonly file: Term;
  readonly inAssign: readonly Assign[];
  readonly outAssign: readonly Assign[];
}
/** Runs code through the host's script engine when the task is updated. */
export interface TransformSpec extends TaskSpecData {
  readonly typename: 'Transform';
  readonly transforms: readonly string[];
}
/** Runs an external command (needs the Node layer from `@spiff-ts/core/node`). */
export interface ExecuteSpec extends TaskSpecData {
  readonly typename: 'Execute';
  readonly args: readonly string[];
}

/** The closed union of the spec types this package ships. */
export type CoreSpec =
  | SimpleSpec
  | StartTaskSpec
  | ThreadStartSpec
  | JoinSpec
  | MergeSpec
  | ThreadMergeSpec
  | MultiChoiceSpec
  | ExclusiveChoiceSpec
  | MultiInstanceSpec
  | ThreadSplitSpec
  | TriggerSpec
  | CancelTaskSpec
  | CancelSpec
  | ChooseSpec
  | GateSpec
  | AcquireMutexSpec
  | ReleaseMutexSpec
  | SubWorkflowSpec
  | TransformSpec
  | ExecuteSpec;

/** Fields every spec has, filled with their defaults. */
export function baseSpecFields(name: string): Omit<TaskSpecData, 'typename'> {
  return {
    name,
    description: null,
    manual: false,
    lookahead: 2,
    inputs: [],
    outputs: [],
    data: {},
    defines: {},
    preAssign: [],
    postAssign: [],
  };
}

/**
 * An immutable, shared workflow specification: task specs by name plus the start spec. A spec
 * graph may contain cycles; instances of it are always trees.
 */
export class WorkflowSpec {
  readonly name: string;
  readonly description: string;
  /** Where the spec was loaded from (also its key among sub-workflow specs), if anywhere. */
  readonly file: string | null;
  readonly taskSpecs: ReadonlyMap<string, TaskSpecData>;
  readonly start: TaskSpecData;
  /** Other specs the task specs may refer to (sub-workflows), by key. */
  readonly subSpecs: ReadonlyMap<string, WorkflowSpec>;

  /**
   * @throws {@link ValidationError} when names are duplicated, a referenced spec is missing, or
   * `start` is not among the task specs.
   */
  constructor(init: {
    name: string;
    description?: string;
    file?: string | null;
    taskSpecs: Iterable<TaskSpecData>;
    start?: string;
    subSpecs?: ReadonlyMap<string, WorkflowSpec>;
  }) {
    this.name = init.name;
    this.description = init.description ?? '';
    this.file = init.file ?? null;
    const specs = new Map<string, TaskSpecData>();
    const where = this.file !== null ? { file: this.file } : {};
    for (const spec of init.taskSpecs) {
      if (specs.has(spec.name)) {
        throw new ValidationError(`Duplicate task spec name '${spec.name}'`, {
          ...where,
          elementId: spec.name,
        });
      }
      specs.set(spec.name, Object.freeze(spec));
    }
    for (const spec of specs.values()) {
      for (const ref of [...spec.inputs, ...spec.outputs]) {
        if (!specs.has(ref)) {
          throw new ValidationError(`Task spec '${spec.name}' refers to unknown spec '${ref}'`, {
            ...where,
            elementId: spec.name,
          });
        }
      }
    }
    const startName = init.start ?? 'Start';
    const start = specs.get(startName);
    if (!start) {
      throw new ValidationError(
        `Workflow spec '${this.name}' has no start spec '${startName}'`,
        where,
      );
    }
    this.start = start;
    this.taskSpecs = specs;
    this.subSpecs = init.subSpecs ?? new Map();
    Object.freeze(this);
  }

  /** The task spec with the given name, if any. */
  getTaskSpec(name: string): TaskSpecData | undefined {
    return this.taskSpecs.get(name);
  }

  /**
   * Problems found by static checks (SpiffWorkflow's `validate`): joins that wait on each other
   * in a loop, and disconnected specs. An empty list means valid.
   */
  validate(): string[] {
    const results: string[] = [];
    const joinTypes = new Set(['Join', 'Merge', 'ThreadMerge']);
    for (const spec of this.taskSpecs.values()) {
      // Iterative DFS over inputs, tracking the history of each path (for the loop message).
      const stack: [TaskSpecData, TaskSpecData[]][] = [[spec, []]];
      let found: string | undefined;
      let budget = 100_000;
      while (stack.length > 0 && found === undefined && budget-- > 0) {
        const [task, history] = stack.pop() as [TaskSpecData, TaskSpecData[]];
        const current = [...history, task];
        if (joinTypes.has(task.typename) && history.includes(task)) {
          found = `Found loop with '${task.name}': ${history.map((t) => t.name).join('->')} then '${task.name}' again`;
          break;
        }
        if (history.includes(task)) continue;
        for (const input of task.inputs) {
          const inputSpec = this.taskSpecs.get(input);
          if (inputSpec) stack.push([inputSpec, current]);
        }
      }
      if (found !== undefined) results.push(found);
      if (spec.inputs.length === 0 && spec !== this.start && spec.name !== 'Root') {
        results.push(
          spec.outputs.length > 0
            ? `Task '${spec.name}' is disconnected (no inputs)`
            : `Task '${spec.name}' is not being used`,
        );
      }
    }
    return results;
  }
}

/** What {@link WorkflowSpecBuilder.add} takes: typename and name, other fields optional. */
export type SpecInit<S extends TaskSpecData> = S extends TaskSpecData
  ? Pick<S, 'typename' | 'name'> & Partial<Omit<S, 'typename' | 'name'>>
  : never;

type Mutable<T> = { -readonly [K in keyof T]: T[K] extends readonly (infer U)[] ? U[] : T[K] };

/**
 * Builds a {@link WorkflowSpec} in code, in the spirit of SpiffWorkflow's `TaskSpec(...)` +
 * `connect()`; specs stay plain data.
 *
 * @example
 * ```ts
 * const spec = new WorkflowSpecBuilder('order')
 *   .add({ typename: 'Simple', name: 'pay' })
 *   .connect('Start', 'pay').connect('pay', 'End')
 *   .build();
 * ```
 */
export class WorkflowSpecBuilder {
  readonly #name: string;
  readonly #specs = new Map<string, Mutable<TaskSpecData> & Record<string, unknown>>();
  #description = '';
  #file: string | null = null;
  #subSpecs = new Map<string, WorkflowSpec>();

  /** Starts a spec with a `Start` (StartTask) and an `End` (Simple) task spec. */
  constructor(name: string, options: { start?: boolean; end?: boolean } = {}) {
    this.#name = name;
    if (options.start ?? true) this.add({ typename: 'StartTask', name: 'Start' });
    if (options.end ?? true) this.add({ typename: 'Simple', name: 'End' });
  }

  /**
   * Adds a task spec; omitted base fields get their defaults. Typed against the core specs by
   * `typename`; pass another spec type as `S` for other packages' specs.
   */
  add<S extends TaskSpecData = CoreSpec>(spec: SpecInit<S>): this {
    if (this.#specs.has(spec.name)) {
      throw new ValidationError(`Duplicate task spec name '${spec.name}'`, {
        elementId: spec.name,
      });
    }
    const merged: TaskSpecData = { ...baseSpecFields(spec.name), ...spec };
    const full: Mutable<TaskSpecData> & Record<string, unknown> = {
      ...merged,
      inputs: [...merged.inputs],
      outputs: [...merged.outputs],
      preAssign: [...merged.preAssign],
      postAssign: [...merged.postAssign],
      data: { ...merged.data, ...merged.defines },
    };
    this.#specs.set(spec.name, full);
    return this;
  }

  /** Whether a spec with this name was added. */
  has(name: string): boolean {
    return this.#specs.has(name);
  }

  /** Changes fields of an added spec (e.g. to record a choice's conditions). */
  update(name: string, patch: Record<string, unknown>): this {
    const spec = this.#get(name);
    Object.assign(spec, patch);
    return this;
  }

  /** Reads an added spec. */
  get(name: string): TaskSpecData & Record<string, unknown> {
    return this.#get(name);
  }

  /** Connects `from` → `to` (appends to `from.outputs` and `to.inputs`). */
  connect(from: string, to: string): this {
    this.#get(from).outputs.push(to);
    this.#get(to).inputs.push(from);
    return this;
  }

  /** Connects a choice's output with a condition (`null`: unconditional). */
  connectIf(from: string, condition: Operator | null, to: string): this {
    const spec = this.#get(from);
    const list = (spec['condTaskSpecs'] as ConditionalOutput[] | undefined) ?? [];
    spec['condTaskSpecs'] = [...list, { condition, output: to }];
    return this.connect(from, to);
  }

  /** Sets the spec's description. */
  description(text: string): this {
    this.#description = text;
    return this;
  }
  /** Sets the spec's file (its key in a spec library). */
  file(file: string | null): this {
    this.#file = file;
    return this;
  }
  /** Adds a spec sub-workflows can refer to by `key`. */
  subSpec(key: string, spec: WorkflowSpec): this {
    this.#subSpecs.set(key, spec);
    return this;
  }

  /** @throws {@link ValidationError} when the spec graph is inconsistent. */
  build(): WorkflowSpec {
    const start = [...this.#specs.values()].find((s) => s.typename === 'StartTask');
    return new WorkflowSpec({
      name: this.#name,
      description: this.#description,
      file: this.#file,
      taskSpecs: [...this.#specs.values()].map((s) => ({ ...s })),
      ...(start ? { start: start.name } : {}),
      subSpecs: this.#subSpecs,
    });
  }

  #get(name: string): Mutable<TaskSpecData> & Record<string, unknown> {
    const spec = this.#specs.get(name);
    if (!spec) throw new ValidationError(`Unknown task spec '${name}'`, { elementId: name });
    return spec;
  }
}
