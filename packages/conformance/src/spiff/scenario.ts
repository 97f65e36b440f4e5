/**
 * Types of the spiff behaviour corpus (`shared/conformance/spiff/scenarios/*.json` and
 * `divergent/*.json`) as its README describes them, and a reader that checks a file against them.
 * Keys keep the files' snake_case; values inside are decoded {@link SpiffValue}s.
 */
import {
  PyFloat,
  SpiffJsonError,
  decodeValue,
  parseSpiffJson,
  type RawJson,
  type SpiffDict,
  type SpiffValue,
} from './values.js';

/** Which parser a scenario loads its models with. */
export type Flavor = 'bpmn' | 'bpmn-dmn' | 'spiff' | 'camunda';

/** What to load: the top-level `load`, and a `start` step's `load`. */
export interface ScenarioLoad {
  /** Absent only in DMN-only scenarios. */
  readonly flavor?: Flavor;
  /** Model files relative to `models/`. */
  readonly bpmn?: readonly string[];
  readonly dmn?: readonly string[];
  readonly process?: string;
  readonly collaboration?: string;
  /** Default `true`. */
  readonly validate?: boolean;
  readonly data?: SpiffDict;
  /** Default `true`. */
  readonly require_called?: boolean;
  /** DMN-only scenarios: the decision `decide` steps evaluate. */
  readonly decision?: string;
}

/** How a step or a load failed. */
export type ErrorKind = 'validation' | 'task' | 'workflow' | 'other';

/** An expected failure. */
export interface ExpectedError {
  readonly kind: ErrorKind;
  /** BPMN id of the failing task (`task` errors). */
  readonly task?: string;
  /** With `did_you_mean: true` on the step: the suggested names, nearest first. */
  readonly did_you_mean?: readonly string[];
}

/** A waiting event: `type` is the event definition's class name. */
export interface WaitingEvent {
  readonly type: string;
  readonly name: string | null;
  readonly value: SpiffValue;
}

/** An outgoing event collected by the workflow. */
export interface OutgoingEvent {
  readonly type: string;
  readonly name: string | null;
  readonly payload: SpiffValue;
  readonly correlations: SpiffValue;
  /** Error and escalation events only. */
  readonly code?: SpiffValue;
}

/** One task's data, as `ready_data` lists it. */
export interface TaskData {
  readonly task: string;
  readonly data: SpiffValue;
}

/** One task's state and data, as `task_data` lists it. */
export interface TaskStateData extends TaskData {
  readonly state: string;
}

/** A waiting event's correlations, as `waiting_correlations` lists them. */
export interface WaitingCorrelation {
  readonly type: string;
  readonly name: string | null;
  readonly correlations: SpiffValue;
}

/** A READY task's lane. */
export interface TaskLane {
  readonly task: string;
  readonly lane: string | null;
}

/**
 * What is compared after a step; only the keys present are compared. An observation the runner
 * makes has the same shape.
 */
export interface Expectation {
  readonly ready?: readonly string[];
  readonly waiting?: readonly string[];
  readonly failed?: readonly string[];
  readonly completed?: boolean;
  readonly error?: ExpectedError | null;
  readonly data?: SpiffValue;
  readonly ready_data?: readonly TaskData[];
  readonly waiting_events?: readonly WaitingEvent[];
  readonly events?: readonly OutgoingEvent[];
  readonly ready_order?: readonly string[];
  readonly task_data?: readonly TaskStateData[];
  readonly correlations?: SpiffValue;
  readonly waiting_correlations?: readonly WaitingCorrelation[];
  readonly ready_lanes?: readonly TaskLane[];
  readonly same_state?: boolean;
  /** `eval` steps. */
  readonly value?: SpiffValue;
  /** `decide` steps. */
  readonly result?: SpiffValue;
  readonly matched?: readonly string[] | null;
}

/** An observation of the engine after a step, in the shape of an {@link Expectation}. */
export type Observation = Expectation;

interface StepBase {
  readonly expect?: Expectation;
  /** Also observe `data`, `ready_data`, `waiting_events` and `events`. */
  readonly full?: boolean;
  /** Also observe `ready_order`. */
  readonly ready_order?: boolean;
  /** Also observe `error.did_you_mean`. */
  readonly did_you_mean?: boolean;
}

/** How a step picks its task: BPMN id or name, `a/b` for `b` inside element `a`. */
interface TaskSelector {
  readonly task: string;
  readonly index?: number;
  readonly where?: SpiffDict;
}

/** One step of a scenario, discriminated by `op` (see the corpus README for what each does). */
export type Step =
  | (StepBase & { readonly op: 'engine' | 'refresh' | 'cancel' | 'check' | 'lanes' })
  | (StepBase & { readonly op: 'correlations' })
  | (StepBase &
      TaskSelector & {
        readonly op: 'complete' | 'set_task_data';
        readonly replace_data?: SpiffDict;
        readonly data?: SpiffDict;
        readonly form?: SpiffDict;
      })
  | (StepBase & TaskSelector & { readonly op: 'run' | 'fire' })
  | (StepBase & { readonly op: 'clock'; readonly advance: number })
  | (StepBase & {
      readonly op: 'message' | 'signal';
      readonly name: string;
      readonly payload?: SpiffValue;
      readonly correlations?: SpiffDict;
      readonly via?: 'catch';
    })
  | (StepBase & { readonly op: 'save_restore'; readonly compare?: boolean })
  | (StepBase & { readonly op: 'reset'; readonly task: string; readonly data?: SpiffDict })
  | (StepBase & { readonly op: 'set_workflow_data'; readonly data: SpiffDict })
  | (StepBase & { readonly op: 'eval'; readonly expr: string })
  | (StepBase & {
      readonly op: 'task_data';
      readonly task: string;
      readonly states?: readonly string[];
    })
  | (StepBase & { readonly op: 'start'; readonly load: ScenarioLoad })
  | (StepBase & { readonly op: 'decide'; readonly context: SpiffDict });

/** Every step `op`. */
export type StepOp = Step['op'];

/** A divergent scenario's explanation. */
export interface Divergence {
  readonly why: string;
  readonly correct: string;
}

/** One scenario file. */
export interface Scenario {
  readonly id: string;
  readonly origin: string;
  readonly load: ScenarioLoad;
  readonly load_expect: { readonly error: ExpectedError | null };
  readonly steps: readonly Step[];
  /** ISO datetime of the engine clock at load (default `2026-01-01T12:00:00+00:00`). */
  readonly start_time?: string;
  /** Python source run once to define extra globals. */
  readonly prelude?: string;
  /** Service operator name → the JSON value it returns (`{"$echo_params": true}`: echo). */
  readonly services?: SpiffDict;
  readonly data_stores?: readonly string[];
  readonly conventions?: readonly string[];
  /** Only in `divergent/`. */
  readonly divergence?: Divergence;
}

/** The default engine clock at load. */
export const DEFAULT_START_TIME = '2026-01-01T12:00:00+00:00';

/** Raised when a scenario file does not have the documented shape. */
export class ScenarioFormatError extends Error {
  override readonly name = 'ScenarioFormatError';
}

type RawObject = { readonly [key: string]: RawJson };

const STEP_KEYS: Readonly<Record<StepOp, readonly string[]>> = {
  engine: [],
  refresh: [],
  cancel: [],
  check: [],
  lanes: [],
  correlations: [],
  complete: ['task', 'index', 'where', 'replace_data', 'data', 'form'],
  set_task_data: ['task', 'index', 'where', 'replace_data', 'data'],
  run: ['task', 'index', 'where'],
  fire: ['task', 'index', 'where'],
  clock: ['advance'],
  message: ['name', 'payload', 'correlations', 'via'],
  signal: ['name', 'payload', 'correlations', 'via'],
  save_restore: ['compare'],
  reset: ['task', 'data'],
  set_workflow_data: ['data'],
  eval: ['expr'],
  task_data: ['task', 'states'],
  start: ['load'],
  decide: ['context'],
};
const REQUIRED_STEP_KEYS: Partial<Record<StepOp, readonly string[]>> = {
  complete: ['task'],
  set_task_data: ['task'],
  run: ['task'],
  fire: ['task'],
  clock: ['advance'],
  message: ['name'],
  signal: ['name'],
  reset: ['task'],
  set_workflow_data: ['data'],
  eval: ['expr'],
  task_data: ['task'],
  start: ['load'],
  decide: ['context'],
};
const COMMON_STEP_KEYS = ['op', 'expect', 'full', 'ready_order', 'did_you_mean'];
const FLAVORS: readonly string[] = ['bpmn', 'bpmn-dmn', 'spiff', 'camunda'];
const ERROR_KINDS: readonly string[] = ['validation', 'task', 'workflow', 'other'];

/**
 * Reads and checks one scenario file's text. `source` names the file in error messages.
 *
 * @throws {@link ScenarioFormatError} when the text is not JSON or a key or value does not fit
 *   the documented format (unknown keys included, so the types stay complete)
 */
export function parseScenario(text: string, source = 'scenario'): Scenario {
  let raw: RawJson;
  try {
    raw = parseSpiffJson(text);
  } catch (error) {
    if (error instanceof SpiffJsonError)
      throw new ScenarioFormatError(`${source}: ${error.message}`);
    throw error;
  }
  return new ScenarioReader(source).scenario(raw);
}

class ScenarioReader {
  readonly #source: string;
  constructor(source: string) {
    this.#source = source;
  }

  fail(path: string, message: string): never {
    throw new ScenarioFormatError(`${this.#source}: ${path}: ${message}`);
  }

  object(value: RawJson | undefined, path: string, allowed: readonly string[]): RawObject {
    if (
      value === null ||
      typeof value !== 'object' ||
      Array.isArray(value) ||
      value instanceof PyFloat
    ) {
      return this.fail(path, 'expected an object');
    }
    const object = value as RawObject;
    for (const key of Object.keys(object)) {
      if (!allowed.includes(key)) this.fail(`${path}.${key}`, 'unknown key');
    }
    return object;
  }

  string(value: RawJson | undefined, path: string): string {
    return typeof value === 'string' ? value : this.fail(path, 'expected a string');
  }

  nullableString(value: RawJson | undefined, path: string): string | null {
    return value === null ? null : this.string(value, path);
  }

  boolean(value: RawJson | undefined, path: string): boolean {
    return typeof value === 'boolean' ? value : this.fail(path, 'expected true or false');
  }

  number(value: RawJson | undefined, path: string): number {
    if (typeof value === 'number') return value;
    if (value instanceof PyFloat) return value.value;
    return this.fail(path, 'expected a number');
  }

  strings(value: RawJson | undefined, path: string): string[] {
    if (!Array.isArray(value)) return this.fail(path, 'expected a list');
    return (value as RawJson[]).map((item, i) => this.string(item, `${path}[${i}]`));
  }

  list<T>(value: RawJson | undefined, path: string, item: (v: RawJson, p: string) => T): T[] {
    if (!Array.isArray(value)) return this.fail(path, 'expected a list');
    return (value as RawJson[]).map((v, i) => item(v, `${path}[${i}]`));
  }

  dict(value: RawJson | undefined, path: string): SpiffDict {
    const decoded = this.value(value, path);
    if (decoded === null || typeof decoded !== 'object' || Array.isArray(decoded)) {
      return this.fail(path, 'expected an object');
    }
    if (Object.getPrototypeOf(decoded) !== Object.prototype)
      this.fail(path, 'expected a plain object');
    return decoded as SpiffDict;
  }

  value(value: RawJson | undefined, path: string): SpiffValue {
    if (value === undefined) return this.fail(path, 'missing');
    try {
      return decodeValue(value);
    } catch (error) {
      if (error instanceof SpiffJsonError) return this.fail(path, error.message);
      throw error;
    }
  }

  /** Copies the optional keys that are present. */
  optional<T extends object>(
    object: RawObject,
    read: { [K in keyof T]?: (v: RawJson, p: string) => T[K] },
    path: string,
  ): Partial<T> {
    const out: Record<string, unknown> = {};
    for (const [key, reader] of Object.entries(read) as [
      string,
      (v: RawJson, p: string) => unknown,
    ][]) {
      const v = object[key];
      if (v !== undefined) out[key] = reader(v, `${path}.${key}`);
    }
    return out as Partial<T>;
  }

  scenario(raw: RawJson): Scenario {
    const o = this.object(raw, '$', [
      'id',
      'origin',
      'load',
      'load_expect',
      'steps',
      'start_time',
      'prelude',
      'services',
      'data_stores',
      'conventions',
      'divergence',
    ]);
    const loadExpect = this.object(o['load_expect'], '$.load_expect', ['error']);
    return {
      id: this.string(o['id'], '$.id'),
      origin: this.string(o['origin'], '$.origin'),
      load: this.load(o['load'], '$.load'),
      load_expect: { error: this.error(loadExpect['error'], '$.load_expect.error') },
      steps: this.list(o['steps'], '$.steps', (v, p) => this.step(v, p)),
      ...this.optional<Scenario>(
        o,
        {
          start_time: (v, p) => this.string(v, p),
          prelude: (v, p) => this.string(v, p),
          services: (v, p) => this.dict(v, p),
          data_stores: (v, p) => this.strings(v, p),
          conventions: (v, p) => this.strings(v, p),
          divergence: (v, p) => {
            const d = this.object(v, p, ['why', 'correct']);
            return {
              why: this.string(d['why'], `${p}.why`),
              correct: this.string(d['correct'], `${p}.correct`),
            };
          },
        },
        '$',
      ),
    };
  }

  load(raw: RawJson | undefined, path: string): ScenarioLoad {
    const o = this.object(raw, path, [
      'flavor',
      'bpmn',
      'dmn',
      'process',
      'collaboration',
      'validate',
      'data',
      'require_called',
      'decision',
    ]);
    return this.optional<ScenarioLoad>(
      o,
      {
        flavor: (v, p) => {
          const flavor = this.string(v, p);
          return FLAVORS.includes(flavor)
            ? (flavor as Flavor)
            : this.fail(p, `unknown flavor '${flavor}'`);
        },
        bpmn: (v, p) => this.strings(v, p),
        dmn: (v, p) => this.strings(v, p),
        process: (v, p) => this.string(v, p),
        collaboration: (v, p) => this.string(v, p),
        validate: (v, p) => this.boolean(v, p),
        data: (v, p) => this.dict(v, p),
        require_called: (v, p) => this.boolean(v, p),
        decision: (v, p) => this.string(v, p),
      },
      path,
    );
  }

  error(raw: RawJson | undefined, path: string): ExpectedError | null {
    if (raw === null) return null;
    const o = this.object(raw, path, ['kind', 'task', 'did_you_mean']);
    const kind = this.string(o['kind'], `${path}.kind`);
    if (!ERROR_KINDS.includes(kind)) this.fail(`${path}.kind`, `unknown error kind '${kind}'`);
    return {
      kind: kind as ErrorKind,
      ...this.optional<ExpectedError>(
        o,
        {
          task: (v, p) => this.string(v, p),
          did_you_mean: (v, p) => this.strings(v, p),
        },
        path,
      ),
    };
  }

  step(raw: RawJson, path: string): Step {
    const op = this.string(
      this.object(raw, path, [...COMMON_STEP_KEYS, ...Object.values(STEP_KEYS).flat()])['op'],
      `${path}.op`,
    );
    if (!Object.hasOwn(STEP_KEYS, op)) this.fail(`${path}.op`, `unknown op '${op}'`);
    const keys = STEP_KEYS[op as StepOp];
    const o = this.object(raw, path, [...COMMON_STEP_KEYS, ...keys]);
    for (const key of REQUIRED_STEP_KEYS[op as StepOp] ?? []) {
      if (o[key] === undefined) this.fail(`${path}.${key}`, `missing (required by '${op}')`);
    }
    const step = {
      op,
      ...this.optional<Record<string, unknown>>(
        o,
        {
          expect: (v, p) => this.expectation(v, p),
          full: (v, p) => this.boolean(v, p),
          ready_order: (v, p) => this.boolean(v, p),
          did_you_mean: (v, p) => this.boolean(v, p),
          task: (v, p) => this.string(v, p),
          index: (v, p) => this.number(v, p),
          where: (v, p) => this.dict(v, p),
          replace_data: (v, p) => this.dict(v, p),
          data: (v, p) => this.dict(v, p),
          form: (v, p) => this.dict(v, p),
          advance: (v, p) => this.number(v, p),
          name: (v, p) => this.string(v, p),
          payload: (v, p) => this.value(v, p),
          correlations: (v, p) => this.dict(v, p),
          via: (v, p) =>
            this.string(v, p) === 'catch' ? 'catch' : this.fail(p, "expected 'catch'"),
          compare: (v, p) => this.boolean(v, p),
          expr: (v, p) => this.string(v, p),
          states: (v, p) => this.strings(v, p),
          load: (v, p) => this.load(v, p),
          context: (v, p) => this.dict(v, p),
        },
        path,
      ),
    };
    return step as unknown as Step; // keys were checked against STEP_KEYS[op] above
  }

  expectation(raw: RawJson, path: string): Expectation {
    const o = this.object(raw, path, [
      'ready',
      'waiting',
      'failed',
      'completed',
      'error',
      'data',
      'ready_data',
      'waiting_events',
      'events',
      'ready_order',
      'task_data',
      'correlations',
      'waiting_correlations',
      'ready_lanes',
      'same_state',
      'value',
      'result',
      'matched',
    ]);
    return this.optional<Expectation>(
      o,
      {
        ready: (v, p) => this.strings(v, p),
        waiting: (v, p) => this.strings(v, p),
        failed: (v, p) => this.strings(v, p),
        completed: (v, p) => this.boolean(v, p),
        error: (v, p) => this.error(v, p),
        data: (v, p) => this.value(v, p),
        ready_data: (v, p) =>
          this.list(v, p, (item, q) => {
            const t = this.object(item, q, ['task', 'data']);
            return {
              task: this.string(t['task'], `${q}.task`),
              data: this.value(t['data'], `${q}.data`),
            };
          }),
        waiting_events: (v, p) =>
          this.list(v, p, (item, q) => {
            const e = this.object(item, q, ['type', 'name', 'value']);
            return {
              type: this.string(e['type'], `${q}.type`),
              name: this.nullableString(e['name'], `${q}.name`),
              value: this.value(e['value'], `${q}.value`),
            };
          }),
        events: (v, p) =>
          this.list(v, p, (item, q) => {
            const e = this.object(item, q, ['type', 'name', 'payload', 'correlations', 'code']);
            return {
              type: this.string(e['type'], `${q}.type`),
              name: this.nullableString(e['name'], `${q}.name`),
              payload: this.value(e['payload'], `${q}.payload`),
              correlations: this.value(e['correlations'], `${q}.correlations`),
              ...(e['code'] === undefined ? {} : { code: this.value(e['code'], `${q}.code`) }),
            };
          }),
        ready_order: (v, p) => this.strings(v, p),
        task_data: (v, p) =>
          this.list(v, p, (item, q) => {
            const t = this.object(item, q, ['task', 'state', 'data']);
            return {
              task: this.string(t['task'], `${q}.task`),
              state: this.string(t['state'], `${q}.state`),
              data: this.value(t['data'], `${q}.data`),
            };
          }),
        correlations: (v, p) => this.value(v, p),
        waiting_correlations: (v, p) =>
          this.list(v, p, (item, q) => {
            const w = this.object(item, q, ['type', 'name', 'correlations']);
            return {
              type: this.string(w['type'], `${q}.type`),
              name: this.nullableString(w['name'], `${q}.name`),
              correlations: this.value(w['correlations'], `${q}.correlations`),
            };
          }),
        ready_lanes: (v, p) =>
          this.list(v, p, (item, q) => {
            const l = this.object(item, q, ['task', 'lane']);
            return {
              task: this.string(l['task'], `${q}.task`),
              lane: this.nullableString(l['lane'], `${q}.lane`),
            };
          }),
        same_state: (v, p) => this.boolean(v, p),
        value: (v, p) => this.value(v, p),
        result: (v, p) => this.value(v, p),
        matched: (v, p) => (v === null ? null : this.strings(v, p)),
      },
      path,
    );
  }
}
