/**
 * Replays the spiff behaviour corpus (`shared/conformance/spiff/scenarios/*.json`) against the
 * BPMN engine, as the corpus README specifies, and compares every expectation.
 */
import { existsSync, readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import {
  BpmnParser,
  BpmnWorkflow,
  BpmnWorkflowSerializer,
  PythonScriptEngine,
  choiceConditionGateway,
  createBpmnRegistry,
  fromSpiffWorkflowJson,
  toData,
  type BpmnFlavour,
  type BpmnParserOptions,
  type BpmnSpec,
  type EventDefinition,
} from '@spiff-ts/bpmn';
import {
  SpiffError,
  TaskState,
  TaskStateMask,
  ValidationError,
  WorkflowError,
  WorkflowTaskError,
  cloneData,
  deepMerge,
  taskStateName,
  taskStateValue,
  type DataObject,
  type SpecRegistry,
  type Task,
  type Workflow,
} from '@spiff-ts/core';
import { CamundaParser, camundaFlavour } from '@spiff-ts/camunda';
import {
  businessRuleTasks,
  decideForScenario,
  DmnEngine,
  loadForScenario,
  withDecisionTables,
} from '@spiff-ts/dmn';
import { SpiffBpmnParser, spiffFlavour } from '@spiff-ts/spiff';
import { executeHostCode, type PyValue } from '@spiff-ts/python';
import { CorpusMissingError, type CorpusReport } from '../report.js';
import { compareObservation, formatDifference } from './compare.js';
import { correctedScenario, DIVERGENT_CORRECTIONS } from './divergent.js';
import {
  DEFAULT_START_TIME,
  parseScenario,
  type ExpectedError,
  type Observation,
  type Scenario,
  type ScenarioLoad,
  type Step,
} from './scenario.js';
import {
  PyDecimal,
  PyFloat,
  PyRepr,
  PySet,
  PyTemporal,
  PyTimedelta,
  PyTuple,
  type SpiffDict,
  type SpiffValue,
} from './values.js';

type Json = null | boolean | number | bigint | string | Json[] | { [key: string]: Json };

// --- values ---------------------------------------------------------------------------------

/** Corpus value → engine task data (JSON-like with tagged Python values). */
export function toEngine(value: SpiffValue): Json {
  if (value === null || typeof value === 'boolean' || typeof value === 'string') return value;
  if (typeof value === 'number' || typeof value === 'bigint') return value;
  if (value instanceof PyFloat) {
    const v = value.value;
    if (Number.isNaN(v)) return { typename: 'float', value: 'nan' };
    if (!Number.isFinite(v)) return { typename: 'float', value: v > 0 ? 'inf' : '-inf' };
    return Number.isInteger(v) ? { typename: 'float', value: `${v}.0` } : v;
  }
  if (Array.isArray(value)) return value.map(toEngine);
  if (value instanceof PyTuple) return { typename: 'tuple', value: value.items.map(toEngine) };
  if (value instanceof PySet) return { typename: 'set', value: value.items.map(toEngine) };
  if (value instanceof PyTemporal) return { typename: value.kind, value: value.iso };
  if (value instanceof PyTimedelta) {
    const days = Math.floor(value.seconds / 86400);
    const rest = value.seconds - days * 86400;
    const seconds = Math.floor(rest);
    return {
      typename: 'timedelta',
      value: { days, seconds, microseconds: Math.round((rest - seconds) * 1e6) },
    };
  }
  if (value instanceof PyDecimal) return { typename: 'Decimal', value: value.text };
  if (value instanceof PyRepr) return null;
  const out: { [key: string]: Json } = {};
  for (const [k, v] of Object.entries(value as SpiffDict)) out[k] = toEngine(v);
  return out;
}

/** Engine task data → corpus value. */
export function fromEngine(value: unknown): SpiffValue {
  if (value === null || value === undefined) return null;
  if (typeof value === 'boolean' || typeof value === 'string' || typeof value === 'bigint') {
    return value;
  }
  if (typeof value === 'number') return Number.isInteger(value) ? value : new PyFloat(value);
  if (Array.isArray(value)) return value.map(fromEngine);
  if (typeof value === 'object') {
    const o = value as Record<string, unknown>;
    const keys = Object.keys(o);
    if (keys.length === 2 && typeof o['typename'] === 'string' && 'value' in o) {
      const v = o['value'];
      switch (o['typename']) {
        case 'float':
          return new PyFloat(
            v === 'nan' ? NaN : v === 'inf' ? Infinity : v === '-inf' ? -Infinity : Number(v),
          );
        case 'int':
          return BigInt(String(v));
        case 'tuple':
          return new PyTuple((v as unknown[]).map(fromEngine));
        case 'set':
        case 'frozenset':
          return new PySet((v as unknown[]).map(fromEngine));
        case 'datetime':
        case 'date':
        case 'time':
          return new PyTemporal(o['typename'], String(v));
        case 'timedelta': {
          const t = v as { days?: number; seconds?: number; microseconds?: number };
          return new PyTimedelta(
            (t.days ?? 0) * 86400 + (t.seconds ?? 0) + (t.microseconds ?? 0) / 1e6,
          );
        }
        case 'Decimal':
          return new PyDecimal(String(v));
        case 'dict':
          return new PyRepr('dict');
      }
    }
    const out: Record<string, SpiffValue> = {};
    for (const k of keys) out[k] = fromEngine(o[k]);
    return out;
  }
  return new PyRepr(typeof value);
}

// --- the run ----------------------------------------------------------------------------------

class StepError extends Error {
  readonly observed: ExpectedError;
  constructor(observed: ExpectedError) {
    super(observed.kind);
    this.observed = observed;
  }
}

interface Context {
  readonly scenario: Scenario;
  readonly models: string;
  readonly stores: Map<string, unknown>;
  now: number;
  load: ScenarioLoad;
  workflow: BpmnWorkflow | undefined;
  engine: PythonScriptEngine;
  serializer: BpmnWorkflowSerializer;
  /** What SpiffWorkflow's serializer for the loaded models writes (flavour, decision tables). */
  interop?: BpmnFlavour | undefined;
  /** Index of the step being performed (for {@link ScenarioHooks}). */
  step?: number;
  hooks?: ScenarioHooks | undefined;
}

/** A state this engine wrote in SpiffWorkflow's JSON format, for {@link ScenarioHooks}. */
export interface SavedState {
  /** Index of the step it was written at (`save_restore`) or before (`beforeStep`). */
  readonly step: number;
  /** The engine clock, ms since the epoch. */
  readonly clockMs: number;
  /** The flavour of the load in effect. */
  readonly flavor: string;
  readonly state: string;
}

/** Lets the `interop-out` kind take the states this engine writes while replaying a scenario. */
export interface ScenarioHooks {
  /** At each `save_restore` step: the JSON written there. */
  readonly onSave?: (saved: SavedState) => void;
  /** Before each step once a workflow exists: the JSON of the workflow as it is then. */
  readonly beforeStep?: (saved: SavedState) => void;
}

function bpmnIdOf(task: Task): string | null {
  return (task.taskSpec as BpmnSpec).bpmnId ?? null;
}

function classify(error: unknown, workflow: BpmnWorkflow | undefined): ExpectedError {
  if (error instanceof StepError) return error.observed;
  if (error instanceof ValidationError) return { kind: 'validation' };
  if (error instanceof WorkflowTaskError) {
    let task: Task | undefined;
    try {
      task = workflow?.getTaskFromId(error.taskId);
    } catch {
      task = undefined;
    }
    const id = task ? bpmnIdOf(task) : null;
    return id === null ? { kind: 'task' } : { kind: 'task', task: id };
  }
  if (error instanceof WorkflowError || error instanceof SpiffError) return { kind: 'workflow' };
  return { kind: 'other' };
}

/** The flavour a scenario's models are written for (`bpmn` and `bpmn-dmn`: none). */
function flavourOf(load: ScenarioLoad): BpmnFlavour | undefined {
  switch (load.flavor) {
    case 'spiff':
      return spiffFlavour;
    case 'camunda':
      return camundaFlavour;
    default:
      return undefined;
  }
}

const REGISTRIES = new Map<BpmnFlavour | undefined, SpecRegistry>();

/** The layers a scenario's workflow runs with: the BPMN ones and its flavour's. */
function registryOf(load: ScenarioLoad): SpecRegistry {
  const flavour = flavourOf(load);
  let registry = REGISTRIES.get(flavour);
  if (!registry) {
    registry = createBpmnRegistry(flavour);
    REGISTRIES.set(flavour, registry);
  }
  return registry;
}

/** SpiffWorkflow's parser for the scenario's flavour: `SpiffBpmnParser`, `CamundaParser` or `BpmnParser`. */
function parserFor(load: ScenarioLoad, options: BpmnParserOptions): BpmnParser {
  switch (load.flavor) {
    case 'spiff':
      return new SpiffBpmnParser(options);
    case 'camunda':
      return new CamundaParser(options);
    default:
      return new BpmnParser(options);
  }
}

function workflowOptions(ctx: Context) {
  const services = ctx.scenario.services;
  return {
    registry: registryOf(ctx.load),
    scriptEngine: ctx.engine,
    clock: () => ctx.now,
    dataStores: {
      get: (id: string) => ctx.stores.get(id) ?? null,
      set: (id: string, value: unknown) => {
        ctx.stores.set(id, value);
      },
    },
    ...(services
      ? {
          services: (operator: string, params: Readonly<Record<string, unknown>>) => {
            if (!Object.hasOwn(services, operator)) {
              throw new Error(`Unknown service '${operator}'`);
            }
            const value = services[operator] as SpiffValue;
            if (
              value !== null &&
              typeof value === 'object' &&
              (value as SpiffDict)['$echo_params'] === true
            ) {
              return cloneData(params);
            }
            return toEngine(value);
          },
        }
      : {}),
  };
}

function loadWorkflow(ctx: Context, load: ScenarioLoad): void {
  ctx.load = load;
  const parser = parserFor(load, {
    validate: load.validate ?? true,
    ...(ctx.scenario.data_stores ? { dataStores: ctx.scenario.data_stores } : {}),
  });
  if (ctx.scenario.conventions?.includes('choice-conditions')) {
    parser.setParser('bpmn:exclusiveGateway', choiceConditionGateway);
  }
  for (const file of load.bpmn ?? []) {
    parser.addBpmnXml(readFileSync(join(ctx.models, file), 'utf8'), file);
  }
  const dmnFiles = (load.dmn ?? []).map((path) => ({
    path,
    text: readFileSync(join(ctx.models, path), 'utf8'),
  }));
  const engine = dmnFiles.length > 0 ? DmnEngine.parse(dmnFiles) : undefined;
  const options = {
    ...workflowOptions(ctx),
    ...(engine ? { decide: businessRuleTasks(engine) } : {}),
  };
  // SpiffWorkflow's JSON of business rule tasks carries their decision tables.
  ctx.interop = engine ? withDecisionTables(flavourOf(load), engine) : flavourOf(load);
  ctx.serializer = new BpmnWorkflowSerializer(options);
  const data = load.data ? (toEngine(load.data) as DataObject) : undefined;
  if (load.collaboration !== undefined) {
    const { spec, subprocessSpecs } = parser.getCollaborationSpec(load.collaboration);
    ctx.workflow = new BpmnWorkflow(spec, subprocessSpecs, {
      ...options,
      ...(data ? { data } : {}),
    });
    return;
  }
  const process = load.process ?? '';
  const spec = parser.getSpec(process);
  const subs = parser.getSubprocessSpecs(process, load.require_called ?? true);
  ctx.workflow = new BpmnWorkflow(spec, subs, { ...options, ...(data ? { data } : {}) });
}

/**
 * The decision a reference names: a decision id, or (in states the camunda flavour of the
 * reference wrote, which keep only the decision table) the id of a decision's table.
 */
function requireWorkflow(ctx: Context): BpmnWorkflow {
  if (!ctx.workflow) throw new StepError({ kind: 'other' });
  return ctx.workflow;
}

function matchesName(task: Task, name: string): boolean {
  const spec = task.taskSpec as BpmnSpec;
  if (spec.bpmnId === null) return false;
  return spec.bpmnId === name || spec.bpmnName === name;
}

function select(
  workflow: BpmnWorkflow,
  tasks: Task[],
  selector: string,
  where?: SpiffDict,
): Task[] {
  const slash = selector.indexOf('/');
  const outer = slash === -1 ? undefined : selector.slice(0, slash);
  const name = slash === -1 ? selector : selector.slice(slash + 1);
  void workflow;
  return tasks.filter((task) => {
    if (!matchesName(task, name)) return false;
    if (outer !== undefined) {
      let found = false;
      for (
        let wf: Workflow | undefined = task.workflow;
        wf?.outerTask;
        wf = wf.outerTask.workflow
      ) {
        if (matchesName(wf.outerTask, outer)) found = true;
      }
      if (!found) return false;
    }
    if (where) {
      const data = task.peekData();
      for (const [k, v] of Object.entries(where)) {
        if (JSON.stringify(fromEngine(data[k]), replacer) !== JSON.stringify(v, replacer))
          return false;
      }
    }
    return true;
  });
}

function replacer(_key: string, value: unknown): unknown {
  if (typeof value === 'bigint') return Number(value);
  if (value instanceof PyFloat) return value.value;
  return value;
}

function pickOne(
  workflow: BpmnWorkflow,
  state: number,
  step: { task: string; index?: number; where?: SpiffDict },
): Task {
  const candidates = select(workflow, workflow.getTasks({ state }), step.task, step.where);
  const task = candidates[step.index ?? 0];
  if (!task || (step.index === undefined && candidates.length > 1 && false)) {
    throw new StepError({ kind: 'other' });
  }
  return task;
}

function allTasks(workflow: BpmnWorkflow): Task[] {
  return workflow.getTasks();
}

function observe(ctx: Context, step: Step | undefined, error: ExpectedError | null): Observation {
  const workflow = ctx.workflow;
  const obs: Record<string, unknown> = { error };
  if (!workflow) return { ...obs, ready: [], waiting: [], failed: [], completed: false };
  const tasks = allTasks(workflow);
  const ids = (mask: number) =>
    tasks
      .filter((t) => t.state === mask)
      .map(bpmnIdOf)
      .filter((id): id is string => id !== null);
  obs['ready'] = ids(TaskState.READY);
  obs['waiting'] = ids(TaskState.WAITING);
  obs['failed'] = ids(TaskState.ERROR);
  obs['completed'] = workflow.isCompleted();
  const full = step === undefined ? false : step.op === 'check' || step.full === true;
  if (full) {
    obs['data'] = fromEngine(workflow.data);
    obs['ready_data'] = tasks
      .filter((t) => t.state === TaskState.READY && bpmnIdOf(t) !== null)
      .map((t) => ({ task: bpmnIdOf(t), data: fromEngine(t.peekData()) }));
    obs['waiting_events'] = workflow.waitingEvents().map((e) => ({
      type: e.type,
      name: e.name,
      value: pendingValue(e.value),
    }));
    obs['events'] = workflow.getEvents().map((e) => ({
      type: e.definition.typename,
      name: e.definition.name,
      payload: fromEngine(e.payload ?? null),
      correlations: fromEngine(e.correlations ?? {}),
      ...(['ErrorEventDefinition', 'EscalationEventDefinition'].includes(e.definition.typename)
        ? { code: e.definition.code ?? null }
        : {}),
    }));
  }
  if (step?.ready_order) {
    obs['ready_order'] = tasks
      .filter((t) => t.state === TaskState.READY)
      .map(bpmnIdOf)
      .filter((id): id is string => id !== null);
  }
  if (step?.op === 'task_data') {
    const states = (step.states ?? ['COMPLETED']).map((s) => taskStateValue(s));
    obs['task_data'] = select(workflow, tasks, step.task)
      .filter((t) => states.includes(t.state))
      .map((t) => ({
        task: bpmnIdOf(t),
        state: taskStateName(t.state),
        data: fromEngine(t.peekData()),
      }))
      .sort((a, b) => (a.task ?? '').localeCompare(b.task ?? ''));
  }
  if (step?.op === 'correlations') {
    obs['correlations'] = fromEngine(workflow.correlations);
    obs['waiting_correlations'] = workflow.waitingEvents().map((e) => ({
      type: e.type,
      name: e.name,
      correlations: fromEngine(workflow.correlationsOf(e.task.workflow)),
    }));
  }
  if (step?.op === 'lanes') {
    obs['ready_lanes'] = tasks
      .filter((t) => t.state === TaskState.READY && bpmnIdOf(t) !== null)
      .map((t) => ({ task: bpmnIdOf(t), lane: (t.taskSpec as BpmnSpec).lane }));
  }
  return obs as Observation;
}

function pendingValue(value: unknown): SpiffValue {
  if (Array.isArray(value)) {
    return value.map((v) =>
      v !== null && typeof v === 'object' && 'retrievalExpression' in v
        ? new PyRepr('CorrelationProperty')
        : fromEngine(v),
    );
  }
  if (value !== null && typeof value === 'object' && 'next' in value) {
    return fromEngine((value as { next: unknown }).next);
  }
  return fromEngine(value);
}

function definitionFor(op: 'message' | 'signal', name: string): EventDefinition {
  return op === 'message'
    ? { typename: 'MessageEventDefinition', name, correlationProperties: [] }
    : { typename: 'SignalEventDefinition', name };
}

function perform(ctx: Context, step: Step): Record<string, unknown> {
  const extra: Record<string, unknown> = {};
  switch (step.op) {
    case 'engine':
      requireWorkflow(ctx).doEngineSteps();
      break;
    case 'refresh':
      requireWorkflow(ctx).refreshWaitingTasks();
      break;
    case 'clock':
      ctx.now += step.advance * 1000;
      break;
    case 'cancel':
      requireWorkflow(ctx).cancel();
      break;
    case 'check':
    case 'lanes':
    case 'correlations':
    case 'task_data':
      break;
    case 'complete':
    case 'set_task_data':
    case 'run': {
      const workflow = requireWorkflow(ctx);
      const task = pickOne(workflow, TaskState.READY, step);
      if (step.op === 'complete' || step.op === 'set_task_data') {
        if (step.replace_data) task.data = toEngine(step.replace_data) as DataObject;
        if (step.data) task.setData(toEngine(step.data) as DataObject);
        if (step.op === 'complete' && step.form) {
          const form = toEngine(step.form) as DataObject;
          const variable = (task.taskSpec as BpmnSpec).extensions['variableName'];
          if (ctx.load.flavor === 'spiff' && typeof variable === 'string' && variable !== '') {
            task.data[variable] = form;
          } else {
            deepMerge(task.data, form);
          }
        }
      }
      if (step.op !== 'set_task_data') task.run();
      break;
    }
    case 'fire': {
      const workflow = requireWorkflow(ctx);
      const task = pickOne(workflow, TaskState.WAITING, step);
      const def = (task.taskSpec as BpmnSpec).eventDefinition;
      if (!def) throw new StepError({ kind: 'other' });
      workflow.catch({ definition: def });
      break;
    }
    case 'message':
    case 'signal': {
      const workflow = requireWorkflow(ctx);
      const event = {
        definition: definitionFor(step.op, step.name),
        payload: step.payload === undefined ? null : toEngine(step.payload),
        correlations: (step.correlations ? toEngine(step.correlations) : {}) as Record<
          string,
          Record<string, unknown>
        >,
      };
      if (step.via === 'catch') workflow.catch(event);
      else workflow.sendEvent(event);
      break;
    }
    case 'save_restore': {
      const workflow = requireWorkflow(ctx);
      // Round trips through SpiffWorkflow's own JSON format (SPIFF_FORMAT=native: this port's).
      const flavour = ctx.interop;
      const native = process.env['SPIFF_FORMAT'] === 'native';
      const write = (wf: BpmnWorkflow) =>
        native
          ? ctx.serializer.serializeJson(wf)
          : JSON.stringify(ctx.serializer.toSpiffJson(wf, flavour));
      const text = write(workflow);
      ctx.hooks?.onSave?.({
        step: ctx.step ?? -1,
        clockMs: ctx.now,
        flavor: ctx.load.flavor ?? 'bpmn',
        state: native ? JSON.stringify(ctx.serializer.toSpiffJson(workflow, flavour)) : text,
      });
      const restored = native
        ? ctx.serializer.deserializeJson(text)
        : ctx.serializer.fromSpiffJson(JSON.parse(text) as Record<string, never>, flavour);
      ctx.workflow = restored;
      if (step.compare) {
        extra['same_state'] =
          JSON.stringify(JSON.parse(write(restored))) === JSON.stringify(JSON.parse(text));
      }
      break;
    }
    case 'reset': {
      const workflow = requireWorkflow(ctx);
      const candidates = select(workflow, allTasks(workflow), step.task).filter(
        (t) => t.state === TaskState.COMPLETED,
      );
      const task = candidates.sort((a, b) => a.lastStateChange - b.lastStateChange).at(-1);
      if (!task) throw new StepError({ kind: 'other' });
      workflow.resetFromTaskId(
        task.id,
        step.data ? (toEngine(step.data) as DataObject) : undefined,
      );
      break;
    }
    case 'set_workflow_data':
      Object.assign(requireWorkflow(ctx).data, toEngine(step.data));
      break;
    case 'eval': {
      const workflow = requireWorkflow(ctx);
      extra['value'] = fromEngine(toData(ctx.engine.evaluateWith(step.expr, workflow.data)));
      break;
    }
    case 'start':
      loadWorkflow(ctx, step.load);
      break;
    case 'decide':
      throw new StepError({ kind: 'other' });
  }
  return extra;
}

/**
 * Runs a scenario's `prelude`. It is host code, not model content (SpiffWorkflow runs it with
 * full Python in the script environment's globals), so it runs in the interpreter's trusted mode
 * (`import builtins, types`, `vars`, an honoured `__builtins__`), in a namespace holding the names
 * the environment always has; every name it binds then becomes a global of the engine, so model
 * scripts see them, `__builtins__` included, and the prelude's functions keep that namespace as
 * their globals.
 */
function runPrelude(engine: PythonScriptEngine, source: string, now: () => number): void {
  const namespace = new Map<string, PyValue>();
  for (const name of ['datetime', 'timedelta']) {
    namespace.set(name, engine.evaluateWith(name, {}));
  }
  executeHostCode(source, namespace, { host: { now } });
  for (const [name, value] of namespace) engine.setGlobal(name, value);
}

/** Replays one scenario; returns the first difference as a report line, or undefined. */
export async function runScenario(
  scenario: Scenario,
  root: string,
  hooks?: ScenarioHooks,
): Promise<string | undefined> {
  const models = join(root, 'models');
  if (
    scenario.steps.some((s) => s.op === 'decide') ||
    (scenario.load.process === undefined && scenario.load.collaboration === undefined)
  ) {
    return runDecisions(scenario, models);
  }
  const startMs = Date.parse(scenario.start_time ?? DEFAULT_START_TIME);
  const ctx: Context = {
    scenario,
    models,
    stores: new Map((scenario.data_stores ?? []).map((s) => [s, null])),
    now: startMs,
    load: scenario.load,
    workflow: undefined,
    engine: new PythonScriptEngine(),
    serializer: new BpmnWorkflowSerializer(),
    hooks,
  };
  ctx.engine = new PythonScriptEngine({ host: { now: () => ctx.now } });
  if (scenario.prelude !== undefined) {
    try {
      runPrelude(ctx.engine, scenario.prelude, () => ctx.now);
    } catch (error) {
      return `${scenario.id}: prelude failed: ${String(error)}`;
    }
  }
  let loadError: ExpectedError | null = null;
  try {
    loadWorkflow(ctx, scenario.load);
  } catch (error) {
    loadError = classify(error, undefined);
    if (process.env['SPIFF_DEBUG']) console.error(scenario.id, 'load', error);
  }
  const expectedLoad = scenario.load_expect.error;
  if (
    (expectedLoad === null) !== (loadError === null) ||
    (expectedLoad && loadError && expectedLoad.kind !== loadError.kind)
  ) {
    return `${scenario.id}: load: expected ${expectedLoad ? expectedLoad.kind : 'success'}, got ${loadError ? loadError.kind : 'success'}`;
  }
  if (loadError) return undefined;
  for (const [i, step] of scenario.steps.entries()) {
    let error: ExpectedError | null = null;
    let extra: Record<string, unknown> = {};
    ctx.step = i;
    if (hooks?.beforeStep && ctx.workflow) {
      hooks.beforeStep({
        step: i,
        clockMs: ctx.now,
        flavor: ctx.load.flavor ?? 'bpmn',
        state: JSON.stringify(ctx.serializer.toSpiffJson(ctx.workflow, ctx.interop)),
      });
    }
    try {
      extra = perform(ctx, step);
    } catch (e) {
      if (!(e instanceof Error)) throw e;
      error = classify(e, ctx.workflow);
      if (process.env['SPIFF_DEBUG']) {
        console.error(scenario.id, i, e);
      }
    }
    if (!step.expect) continue;
    let observation: Observation;
    try {
      observation = { ...observe(ctx, step, error), ...extra };
    } catch (e) {
      return `${scenario.id} step ${i} (${step.op}): observation failed: ${e instanceof Error ? e.message : String(e)}`;
    }
    const diff = compareObservation(step.expect, observation);
    if (diff) return `${scenario.id} step ${i} (${step.op}): ${formatDifference(diff)}`;
  }
  return undefined;
}

function runDecisions(scenario: Scenario, models: string): string | undefined {
  const files = (scenario.load.dmn ?? []).map((path) => ({
    path,
    text: readFileSync(join(models, path), 'utf8'),
  }));
  // Loading is checked on its own too, so a scenario with no steps still says whether its files
  // load (a decide step may fail for other reasons, e.g. an unknown decision id).
  const loadKind = loadForScenario(files, { validate: scenario.load.validate ?? true }).error?.kind;
  const expectedKind = scenario.load_expect.error?.kind;
  if (scenario.steps.length === 0 || (expectedKind === undefined && loadKind !== undefined)) {
    if (loadKind !== expectedKind) {
      return `${scenario.id}: load: expected ${expectedKind ?? 'success'}, got ${loadKind ?? 'success'}`;
    }
    if (scenario.steps.length === 0) return undefined;
  }
  for (const [i, step] of scenario.steps.entries()) {
    if (step.op !== 'decide')
      return `${scenario.id} step ${i}: unsupported op '${step.op}' in a DMN-only scenario`;
    const outcome = decideForScenario(files, scenario.load.decision, toEngine(step.context), {
      validate: scenario.load.validate ?? true,
    });
    if (i === 0 && scenario.load_expect.error !== null) {
      const kind = outcome.error?.kind ?? null;
      if (kind !== scenario.load_expect.error.kind) {
        return `${scenario.id}: load: expected ${scenario.load_expect.error.kind}, got ${kind ?? 'success'}`;
      }
      return undefined;
    }
    if (!step.expect) continue;
    const observation: Observation = {
      error: outcome.error
        ? {
            kind: outcome.error.kind as ExpectedError['kind'],
            ...(step.did_you_mean ? { did_you_mean: outcome.error.did_you_mean } : {}),
          }
        : null,
      result: outcome.result === null ? null : fromEngine(outcome.result),
      matched: outcome.matched,
    };
    const diff = compareObservation(step.expect, observation);
    if (diff) return `${scenario.id} step ${i} (decide): ${formatDifference(diff)}`;
  }
  return undefined;
}

/**
 * Replays one interop case (`interop/*.json`): the state SpiffWorkflow serialized at a
 * `save_restore` step is read, then the rest of the scenario runs against it.
 */
export async function runInteropCase(text: string, root: string): Promise<string | undefined> {
  const raw = JSON.parse(text) as {
    id: string;
    scenario: string;
    clock: string;
    state: Record<string, unknown>;
  };
  const scenario = parseScenario(readFileSync(join(root, 'scenarios', raw.scenario), 'utf8'));
  // The case's own keys, read with the corpus codec (ints and floats kept apart).
  const wrapper = parseScenario(
    JSON.stringify({
      id: raw.id,
      origin: 'interop',
      load: (JSON.parse(text) as { load: unknown }).load,
      load_expect: { error: null },
      steps: [],
    }),
  );
  const steps = parseScenario(
    JSON.stringify({
      id: raw.id,
      origin: 'interop',
      load: scenario.load,
      load_expect: { error: null },
      steps: [
        { ...(JSON.parse(text) as { restore: Record<string, unknown> }).restore, op: 'check' },
        ...(JSON.parse(text) as { steps: unknown[] }).steps,
      ],
    }),
  ).steps;
  const models = join(root, 'models');
  const ctx: Context = {
    scenario,
    models,
    stores: new Map((scenario.data_stores ?? []).map((s) => [s, null])),
    now: Date.parse(raw.clock),
    load: wrapper.load,
    workflow: undefined,
    engine: new PythonScriptEngine(),
    serializer: new BpmnWorkflowSerializer(),
  };
  ctx.engine = new PythonScriptEngine({ host: { now: () => ctx.now } });
  try {
    if (scenario.prelude !== undefined) runPrelude(ctx.engine, scenario.prelude, () => ctx.now);
    loadWorkflow(ctx, wrapper.load);
    ctx.workflow = ctx.serializer.fromJson(
      fromSpiffWorkflowJson(raw.state as Parameters<typeof fromSpiffWorkflowJson>[0], ctx.interop),
    );
  } catch (error) {
    return `${raw.id}: restore failed: ${error instanceof Error ? error.message : String(error)}`;
  }
  for (const [i, step] of steps.entries()) {
    let error: ExpectedError | null = null;
    let extra: Record<string, unknown> = {};
    if (i > 0) {
      try {
        extra = perform(ctx, step);
      } catch (e) {
        if (!(e instanceof Error)) throw e;
        error = classify(e, ctx.workflow);
      }
    }
    if (!step.expect) continue;
    // The restore observation is a full one only when the save_restore step asked for it.
    const observed = (
      i === 0 ? { ...step, op: step.full === true ? 'check' : 'engine' } : step
    ) as Step;
    let observation: Observation;
    try {
      observation = { ...observe(ctx, observed, error), ...extra };
    } catch (e) {
      return `${raw.id} step ${i}: observation failed: ${e instanceof Error ? e.message : String(e)}`;
    }
    const diff = compareObservation(step.expect, observation);
    if (diff)
      return `${raw.id} step ${i} (${i === 0 ? 'restore' : step.op}): ${formatDifference(diff)}`;
  }
  return undefined;
}

/** The `interop` corpus kind: reads SpiffWorkflow-written states and continues them. */
export async function runInterop(root: string): Promise<CorpusReport> {
  const dir = join(root, 'interop');
  if (!existsSync(dir)) throw new CorpusMissingError(`No interop cases at ${dir}`);
  const lines: string[] = [];
  let passed = 0;
  for (const file of readdirSync(dir)
    .filter((f) => f.endsWith('.json'))
    .sort()) {
    let failure: string | undefined;
    try {
      failure = await runInteropCase(readFileSync(join(dir, file), 'utf8'), root);
    } catch (error) {
      failure = `${file}: crashed: ${error instanceof Error ? error.message : String(error)}`;
    }
    if (failure === undefined) passed += 1;
    else lines.push(failure);
  }
  return { passed, failed: lines.length, lines };
}

/** Result of a corpus run, per scenario. */
export interface SpiffRun {
  readonly results: readonly {
    readonly id: string;
    readonly file: string;
    readonly failure: string | undefined;
  }[];
  readonly divergent: readonly {
    readonly id: string;
    readonly failure: string | undefined;
    /** Non-DMN scenarios: the first difference from what `divergence.correct` says. */
    readonly corrected?: string | undefined;
  }[];
}

/** Replays `scenarios/*.json` (and `divergent/*.json`) under `root`. */
export async function runSpiffCorpus(root: string): Promise<SpiffRun> {
  const dir = join(root, 'scenarios');
  if (!existsSync(dir)) throw new CorpusMissingError(`No scenarios at ${dir}`);
  const results = [];
  for (const file of readdirSync(dir)
    .filter((f) => f.endsWith('.json'))
    .sort()) {
    const scenario = parseScenario(readFileSync(join(dir, file), 'utf8'), file);
    let failure: string | undefined;
    try {
      failure = await runScenario(scenario, root);
    } catch (error) {
      failure = `${scenario.id}: crashed: ${error instanceof Error ? error.message : String(error)}`;
    }
    results.push({ id: scenario.id, file, failure });
  }
  const divergent = [];
  const ddir = join(root, 'divergent');
  if (existsSync(ddir)) {
    for (const file of readdirSync(ddir)
      .filter((f) => f.endsWith('.json'))
      .sort()) {
      let scenario: Scenario;
      try {
        scenario = parseScenario(readFileSync(join(ddir, file), 'utf8'), file);
      } catch {
        continue;
      }
      let failure: string | undefined;
      try {
        failure = await runScenario(scenario, root);
      } catch (error) {
        failure = `crashed: ${String(error)}`;
      }
      const name = file.slice(0, -'.json'.length);
      if (Object.hasOwn(DIVERGENT_CORRECTIONS, name)) {
        let corrected: string | undefined;
        try {
          corrected = await runScenario(correctedScenario(scenario, name), root);
        } catch (error) {
          corrected = `crashed: ${String(error)}`;
        }
        divergent.push({ id: scenario.id, failure, corrected });
      } else {
        divergent.push({ id: scenario.id, failure });
      }
    }
  }
  return { results, divergent };
}

/** The `spiff` corpus kind. */
export async function runSpiff(root: string): Promise<CorpusReport> {
  const run = await runSpiffCorpus(root);
  const lines = run.results.filter((r) => r.failure !== undefined).map((r) => r.failure as string);
  const passed = run.results.length - lines.length;
  const corrected = run.divergent.filter((d) => Object.hasOwn(d, 'corrected'));
  const summary =
    run.divergent.length > 0
      ? [
          `divergent (information only): ${run.divergent.filter((d) => d.failure === undefined).length} of ${run.divergent.length} still match the reference's recorded behaviour`,
          `divergent, as corrected (non-DMN): ${corrected.filter((d) => d.corrected === undefined).length} of ${corrected.length} behave as divergence.correct says`,
        ]
      : [];
  return { passed, failed: lines.length, lines, summary };
}

export { TaskStateMask };
