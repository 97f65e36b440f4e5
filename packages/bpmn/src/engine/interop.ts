import {
  SerializationError,
  type Json,
  type JsonObject,
  type Workflow,
  type WorkflowSpec,
} from '@spiff-ts/core';
import {
  EVENT_KINDS,
  processInfo,
  type BpmnSpec,
  type CorrelationProperty,
  type DataObjectInfo,
  type DataRef,
  type EventDefinition,
} from '../specs.js';
import type { BpmnFlavour } from '../flavour.js';
import type { BpmnWorkflow } from './workflow.js';

type Obj = Record<string, unknown>;

/**
 * What a flavour's SpiffWorkflow serializer config reads and writes besides the BPMN fields
 * (SpiffWorkflow registers other converters per flavour; these hooks play that part).
 */
export interface InteropConverters {
  /** Reads the flavour's fields of a serialized event definition into `def`. */
  readonly readEventDefinition?: (
    json: Readonly<Record<string, unknown>>,
    def: EventDefinition,
  ) => EventDefinition;
  /** Writes the flavour's fields of `def` into `out`, which holds the BPMN ones. */
  readonly writeEventDefinition?: (def: EventDefinition, out: JsonObject) => void;
  /** Reads the flavour's fields of a serialized task spec into `spec` (a `BpmnSpec` being built). */
  readonly readTaskSpec?: (
    json: Readonly<Record<string, unknown>>,
    spec: Record<string, unknown>,
  ) => void;
  /**
   * Writes the flavour's fields of `spec` into `out`, which holds the BPMN ones (its `typename`
   * included, which a flavour may change); `process` is the spec's process.
   */
  readonly writeTaskSpec?: (spec: BpmnSpec, out: JsonObject, process: WorkflowSpec) => void;
  /** Reads the flavour's fields of a serialized data object into `info`. */
  readonly readDataObject?: (
    json: Readonly<Record<string, unknown>>,
    info: DataObjectInfo,
  ) => DataObjectInfo;
  /** Writes the flavour's fields of a data object into `out`, which holds the BPMN ones. */
  readonly writeDataObject?: (info: DataObjectInfo, out: JsonObject) => void;
}

const NO_CONVERTERS: InteropConverters = {};

/**
 * Chains converters (a flavour's, then e.g. `@spiff-ts/dmn`'s decision tables): each reads and
 * writes after the ones before it.
 */
export function combineInterop(
  ...list: readonly (InteropConverters | undefined)[]
): InteropConverters {
  const all = list.filter((c) => c !== undefined);
  return {
    readEventDefinition: (json, def) =>
      all.reduce((d, c) => (c.readEventDefinition ? c.readEventDefinition(json, d) : d), def),
    writeEventDefinition: (def, out) => {
      for (const c of all) c.writeEventDefinition?.(def, out);
    },
    readTaskSpec: (json, spec) => {
      for (const c of all) c.readTaskSpec?.(json, spec);
    },
    writeTaskSpec: (spec, out, process) => {
      for (const c of all) c.writeTaskSpec?.(spec, out, process);
    },
    readDataObject: (json, info) =>
      all.reduce((d, c) => (c.readDataObject ? c.readDataObject(json, d) : d), info),
    writeDataObject: (info, out) => {
      for (const c of all) c.writeDataObject?.(info, out);
    },
  };
}

const str = (v: unknown): string | null => (typeof v === 'string' ? v : null);
const obj = (v: unknown): Obj => (v !== null && typeof v === 'object' ? (v as Obj) : {});
const list = (v: unknown): unknown[] => (Array.isArray(v) ? v : []);

function dataRef(v: unknown): DataRef | null {
  if (v === null || v === undefined) return null;
  const o = obj(v);
  const typename = str(o['typename']) ?? '';
  return {
    bpmnId: str(o['bpmn_id']) ?? '',
    bpmnName: str(o['bpmn_name']),
    kind: typename === 'DataObject' ? 'object' : typename === 'DataStore' ? 'store' : 'task',
  };
}

function correlationProperties(v: unknown): CorrelationProperty[] {
  return list(v).map((p) => {
    const o = obj(p);
    return {
      name: str(o['name']) ?? '',
      retrievalExpression: str(o['retrieval_expression']) ?? '',
      correlationKeys: list(o['correlation_keys']).map((k) => String(k)),
    };
  });
}

/**
 * Task data, internal data or a payload as SpiffWorkflow's default registry wrote it, in this
 * port's tagged form: its `timedelta` (`{days, seconds}`) becomes this port's tag; `datetime`
 * has the same shape in both. Everything else is plain JSON (a tuple or set came as a list).
 */
function valueIn(v: unknown): Json {
  if (Array.isArray(v)) return v.map(valueIn);
  if (v === null || typeof v !== 'object') return v as Json;
  const o = v as Obj;
  if (o['typename'] === 'timedelta') {
    return {
      typename: 'timedelta',
      value: {
        days: Number(o['days'] ?? 0),
        seconds: Number(o['seconds'] ?? 0),
        microseconds: Number(o['microseconds'] ?? 0),
      },
    };
  }
  if (o['typename'] === 'datetime') return { typename: 'datetime', value: str(o['value']) };
  const out: JsonObject = {};
  for (const [k, x] of Object.entries(o)) out[k] = valueIn(x);
  return out;
}

/** A value (in this port's tagged form) of data a state holds, as a JSON object. */
function objectIn(v: unknown): JsonObject {
  return obj(valueIn(obj(v))) as JsonObject;
}

/**
 * A multiple event's caught events: SpiffWorkflow keeps `BpmnEvent` dicts, this port keeps the
 * thrown definition and the payload.
 */
function seenEventsIn(v: unknown, conv: InteropConverters): Json {
  return list(v).map((e) => {
    const o = obj(e);
    return {
      definition: eventDefinition(o['event_definition'], conv) as unknown as Json,
      payload: valueIn(o['payload'] ?? null),
    };
  });
}

function eventDefinition(v: unknown, conv: InteropConverters): EventDefinition {
  const o = obj(v);
  const typename = str(o['typename']) ?? 'NoneEventDefinition';
  const base = { typename, name: str(o['name']) };
  let def: EventDefinition;
  switch (typename) {
    case 'MessageEventDefinition':
      def = { ...base, correlationProperties: correlationProperties(o['correlation_properties']) };
      break;
    case 'ErrorEventDefinition':
    case 'EscalationEventDefinition':
      def = { ...base, code: str(o['code']) };
      break;
    case 'TimeDateEventDefinition':
    case 'DurationTimerEventDefinition':
    case 'CycleTimerEventDefinition':
    case 'ConditionalEventDefinition':
      def = { ...base, expression: str(o['expression']) };
      break;
    case 'CompensateEventDefinition':
      // Beyond SpiffWorkflow 3.1.2 (no compensation), written by this port only.
      def = {
        ...base,
        activityRef: str(o['activity_ref']),
        waitForCompletion: o['wait_for_completion'] !== false,
      };
      break;
    case 'MultipleEventDefinition':
      def = {
        ...base,
        parallel: o['parallel'] === true,
        eventDefinitions: list(o['event_definitions']).map((d) => eventDefinition(d, conv)),
      };
      break;
    default:
      def = base;
  }
  return conv.readEventDefinition ? conv.readEventDefinition(o, def) : def;
}

/** Converts one task spec of SpiffWorkflow's JSON into a {@link BpmnSpec} (as JSON). */
function taskSpec(
  json: Obj,
  process: Obj,
  triggers: ReadonlySet<string>,
  conv: InteropConverters,
): JsonObject {
  const name = str(json['name']) ?? '';
  const written = str(json['typename']) ?? '';
  // SpiffWorkflow writes an event sub-process as a `SubWorkflowTask` that its process's start
  // task triggers, or (armed with the process: a timer, condition or none start event) one that
  // follows the start task; this port keeps a typename of its own for it.
  const eventSubprocess =
    written === 'SubWorkflowTask' && (triggers.has(name) || list(json['inputs']).includes('Start'));
  const typename = eventSubprocess ? 'EventSubprocess' : written;
  const extensions = { ...obj(json['extensions']) };
  const io = json['io_specification'];
  const spec: Record<string, unknown> = {
    typename,
    name,
    description: str(json['description']),
    manual: json['manual'] === true,
    lookahead: typeof json['lookahead'] === 'number' ? json['lookahead'] : 2,
    inputs: list(json['inputs']),
    // Once triggered, SpiffWorkflow wires an event sub-process into its start task's outputs;
    // this port's spec keeps it among the trigger specs only.
    outputs:
      typename === 'BpmnStartTask'
        ? list(json['outputs']).filter((o) => !triggers.has(String(o)))
        : list(json['outputs']),
    data: {},
    defines: {},
    preAssign: [],
    postAssign: [],
    bpmnId: str(json['bpmn_id']),
    bpmnName: str(json['bpmn_name']),
    lane: str(json['lane']),
    documentation: str(json['documentation']),
    dataInputAssociations: list(json['data_input_associations']).map(dataRef),
    dataOutputAssociations: list(json['data_output_associations']).map(dataRef),
    ioSpecification:
      io === null || io === undefined
        ? null
        : {
            dataInputs: list(obj(io)['data_inputs']).map(dataRef),
            dataOutputs: list(obj(io)['data_outputs']).map(dataRef),
          },
    extensions,
  };
  if (json['event_definition'] !== undefined) {
    spec['eventDefinition'] = eventDefinition(json['event_definition'], conv);
  }
  if (typename === 'BoundaryEvent' || typename === 'EventSubprocess') {
    // Event sub-processes are beyond SpiffWorkflow 3.1.2; interrupting unless written otherwise.
    spec['cancelActivity'] = json['cancel_activity'] !== false;
  }
  if (typeof json['compensation_handler'] === 'string') {
    spec['compensationHandler'] = json['compensation_handler'];
  }
  if (typeof json['script'] === 'string') spec['script'] = json['script'];
  if (Array.isArray(json['cond_task_specs'])) {
    spec['condTaskSpecs'] = list(json['cond_task_specs']).map((c) => ({
      condition: str(obj(c)['condition']),
      output: str(obj(c)['task_spec']) ?? '',
    }));
    spec['defaultTaskSpec'] = str(json['default_task_spec']);
  }
  if (typeof json['spec'] === 'string') spec['spec'] = json['spec'];
  if (typeof json['task_spec'] === 'string') {
    spec['taskSpec'] = json['task_spec'];
    spec['maximum'] = typeof json['maximum'] === 'number' ? json['maximum'] : null;
    spec['condition'] = str(json['condition']);
    spec['testBefore'] = json['test_before'] === true;
    spec['cardinality'] = str(json['cardinality']);
    spec['dataInput'] = dataRef(json['data_input']);
    spec['dataOutput'] = dataRef(json['data_output']);
    spec['inputItem'] = dataRef(json['input_item']);
    spec['outputItem'] = dataRef(json['output_item']);
  }
  if (typeof json['split_task'] === 'string') spec['splitTask'] = json['split_task'];
  if (typename === 'BpmnStartTask') {
    const triggers = list(json['trigger_specs']);
    if (triggers.length > 0) extensions['triggerSpecs'] = triggers;
    const pio = process['io_specification'];
    const objects = Object.entries(obj(process['data_objects']));
    spec['process'] = {
      bpmnId: str(process['name']) ?? '',
      dataObjects: objects.map(([id]) => id),
      ...(objects.length > 0
        ? {
            dataObjectInfo: Object.fromEntries(
              objects.map(([id, o]) => {
                const info: DataObjectInfo = { name: str(obj(o)['bpmn_name']), extensions: {} };
                return [id, conv.readDataObject ? conv.readDataObject(obj(o), info) : info];
              }),
            ),
          }
        : {}),
      ioSpecification:
        pio === null || pio === undefined
          ? null
          : {
              dataInputs: list(obj(pio)['data_inputs']).map(dataRef),
              dataOutputs: list(obj(pio)['data_outputs']).map(dataRef),
            },
      correlationKeys: obj(process['correlation_keys']),
    };
  }
  conv.readTaskSpec?.(json, spec);
  return JSON.parse(JSON.stringify(spec)) as JsonObject;
}

function processSpec(json: Obj, conv: InteropConverters): JsonObject {
  const taskSpecs: JsonObject = {};
  const specs = obj(json['task_specs']);
  const triggers = new Set(list(obj(specs['Start'])['trigger_specs']).map(String));
  for (const [name, ts] of Object.entries(specs)) {
    taskSpecs[name] = taskSpec(obj(ts), json, triggers, conv);
  }
  return {
    typename: 'WorkflowSpec',
    name: str(json['name']) ?? '',
    description: str(json['description']) ?? '',
    file: str(json['file']),
    task_specs: taskSpecs,
  };
}

/** Rebuilds each task's full data from SpiffWorkflow's deltas (root data is stored whole). */
function materialize(tasks: Record<string, Obj>, root: string): Map<string, JsonObject> {
  const out = new Map<string, JsonObject>();
  const stack: [string, JsonObject | undefined][] = [[root, undefined]];
  while (stack.length > 0) {
    const [id, parentData] = stack.pop() as [string, JsonObject | undefined];
    const t = tasks[id];
    if (!t) continue;
    let data: JsonObject;
    const delta = obj(t['delta']);
    if (parentData !== undefined && Object.keys(delta).length > 0) {
      data = { ...(JSON.parse(JSON.stringify(parentData)) as JsonObject) };
      Object.assign(data, obj(delta['updates']));
      for (const key of list(delta['deletions'])) delete data[String(key)];
    } else {
      data = obj(t['data']) as JsonObject;
    }
    out.set(id, data);
    for (const child of list(t['children'])) stack.push([String(child), data]);
  }
  return out;
}

function convertState(
  state: Obj,
  specs: ReadonlyMap<string, JsonObject>,
  subRoots: ReadonlyMap<string, string>,
  conv: InteropConverters,
): JsonObject {
  const tasks = obj(state['tasks']) as Record<string, Obj>;
  const root = String(state['root']);
  const data = materialize(tasks, root);
  const out: JsonObject = {};
  for (const [id, t] of Object.entries(tasks)) {
    const children = list(t['children']).map(String);
    const subRoot = subRoots.get(id);
    const internal = objectIn(t['internal_data']);
    if (Array.isArray(obj(t['internal_data'])['seen_events'])) {
      internal['seen_events'] = seenEventsIn(obj(t['internal_data'])['seen_events'], conv);
    }
    const spec = specs.get(String(t['task_spec']));
    const def = spec ? obj(spec['eventDefinition']) : {};
    const names = [def, ...list(def['eventDefinitions']).map(obj)].map((d) => str(d['name']));
    for (const name of names) {
      // The reference keeps a caught payload under the event's name; this port under `payload:`.
      if (name !== null && Object.hasOwn(internal, name) && name !== 'event_fired') {
        internal[`payload:${name}`] = internal[name] as Json;
        delete internal[name];
      }
    }
    out[id] = {
      id,
      parent: str(t['parent']),
      children: subRoot === undefined ? children : [subRoot, ...children],
      last_state_change: Number(t['last_state_change'] ?? 0),
      state: Number(t['state'] ?? 0),
      task_spec: String(t['task_spec']),
      triggered: t['triggered'] === true,
      thread_id: 0,
      internal_data: internal,
      data: objectIn(data.get(id) ?? {}),
      typename: 'Task',
    };
  }
  return {
    typename: 'BpmnWorkflow',
    data: objectIn(state['data']),
    success: state['success'] !== false,
    completed: state['completed'] === true,
    last_task: str(state['last_task']),
    root,
    tasks: out,
    locks: [],
    spec_state: {},
  };
}

/**
 * Converts a workflow that SpiffWorkflow's `BpmnWorkflowSerializer` wrote (`serializer_version`
 * 1.4) into this port's serialized form, ready for `BpmnWorkflowSerializer.fromJson`. Task data
 * is rebuilt from the reference's deltas and sub-process roots are hung under their tasks.
 * `flavour` is the flavour whose serializer config wrote it (plain BPMN without one).
 * @throws {@link SerializationError} for other versions or shapes
 */
export function fromSpiffWorkflowJson(doc: JsonObject, flavour?: BpmnFlavour): JsonObject {
  const conv = flavour?.interop ?? NO_CONVERTERS;
  if (doc['serializer_version'] !== '1.4') {
    throw new SerializationError(
      `Cannot read version ${JSON.stringify(doc['serializer_version'])}`,
    );
  }
  const top = processSpec(obj(doc['spec']), conv);
  const library: JsonObject = {};
  for (const [key, sp] of Object.entries(obj(doc['subprocess_specs']))) {
    library[key] = processSpec(obj(sp), conv);
  }
  const subs = obj(doc['subprocesses']) as Record<string, Obj>;
  const subRoots = new Map<string, string>();
  for (const [taskId, sub] of Object.entries(subs)) subRoots.set(taskId, String(sub['root']));
  const specsOf = (json: JsonObject) =>
    new Map(Object.entries(obj(json['task_specs'])) as [string, JsonObject][]);
  const out: JsonObject = {
    serializer_version: '1.4',
    spec: top,
    subprocess_specs: library,
    ...convertState(doc, specsOf(top), subRoots, conv),
  };
  const subprocesses: JsonObject = {};
  const subCorrelations: JsonObject = {};
  for (const [taskId, sub] of Object.entries(subs)) {
    const key = String(sub['spec']);
    const spec = obj(library[key]) as JsonObject;
    const converted = convertState(sub, specsOf(spec), subRoots, conv);
    const root = obj(obj(converted['tasks'])[String(sub['root'])]) as JsonObject;
    root['triggered'] = true;
    root['parent'] = taskId;
    subprocesses[taskId] = { spec: key, ...converted };
    subCorrelations[taskId] = obj(sub['correlations']) as JsonObject;
  }
  out['subprocesses'] = subprocesses;
  out['subprocess_correlations'] = subCorrelations;
  out['correlations'] = obj(doc['correlations']) as JsonObject;
  out['bpmn_events'] = list(doc['bpmn_events']).map((e) => {
    const o = obj(e);
    return {
      definition: eventDefinition(o['event_definition'], conv) as unknown as Json,
      payload: valueIn(o['payload'] ?? null),
      correlations: obj(o['correlations']) as JsonObject,
    };
  });
  return out;
}

// --- writing ------------------------------------------------------------------------------------

function isTagged(o: Obj): o is { typename: string; value: Json } {
  const keys = Object.keys(o);
  return keys.length === 2 && typeof o['typename'] === 'string' && 'value' in o;
}

/** A dict key as Python's `json` writes it (`None`, booleans and numbers become text). */
function keyOut(key: Json): string | undefined {
  if (typeof key === 'string') return key;
  if (key === null) return 'null';
  if (typeof key === 'boolean') return key ? 'true' : 'false';
  if (typeof key === 'number') return String(key);
  const o = obj(key);
  if (isTagged(o) && (o.typename === 'int' || o.typename === 'float')) return String(o.value);
  return undefined;
}

/**
 * A value of task data, internal data or a payload (this port's tagged form) as SpiffWorkflow's
 * default registry and Python's `json` write it: a tuple is a list, a `timedelta` is
 * `{days, seconds}` (microseconds dropped, as there), a finite float a number, a dict with
 * `None`, boolean or number keys a dict with text keys. Sets, frozensets, dates, times, decimals,
 * large integers, non-finite floats and dicts with other keys have no form there (3.1.2 cannot
 * write them): they keep this port's tags.
 */
function valueOut(v: unknown): Json {
  if (Array.isArray(v)) return v.map(valueOut);
  if (v === null || typeof v !== 'object') return v as Json;
  const o = v as Obj;
  if (isTagged(o)) {
    switch (o.typename) {
      case 'tuple':
        return list(o.value).map(valueOut);
      case 'timedelta': {
        const d = obj(o.value);
        return {
          days: Number(d['days'] ?? 0),
          seconds: Number(d['seconds'] ?? 0),
          typename: 'timedelta',
        };
      }
      case 'datetime':
        return { value: o.value, typename: 'datetime' };
      case 'float': {
        const n = Number(o.value);
        return Number.isFinite(n) ? n : { typename: 'float', value: o.value };
      }
      case 'dict': {
        const pairs = list(o.value).map((p) => list(p) as [Json, Json]);
        const keys = pairs.map(([k]) => keyOut(k));
        if (keys.every((k) => k !== undefined && k !== 'typename')) {
          const out: JsonObject = {};
          pairs.forEach(([, x], i) => (out[keys[i] as string] = valueOut(x)));
          return out;
        }
        return { typename: 'dict', value: pairs.map(([k, x]) => [valueOut(k), valueOut(x)]) };
      }
      case 'set':
      case 'frozenset':
        return { typename: o.typename, value: list(o.value).map(valueOut) };
      default:
        return { typename: o.typename, value: o.value };
    }
  }
  const out: JsonObject = {};
  for (const [k, x] of Object.entries(o)) out[k] = valueOut(x);
  return out;
}

function refOut(ref: DataRef | null | undefined): Json {
  if (!ref) return null;
  const typename =
    ref.kind === 'object' ? 'DataObject' : ref.kind === 'store' ? 'DataStore' : 'TaskDataReference';
  return { bpmn_id: ref.bpmnId, bpmn_name: ref.bpmnName, typename };
}

function correlationsOut(props: readonly CorrelationProperty[] | undefined): Json {
  return (props ?? []).map((p) => ({
    name: p.name,
    retrieval_expression: p.retrievalExpression,
    correlation_keys: [...p.correlationKeys],
  }));
}

/**
 * The name SpiffWorkflow's parser gives a definition: errors and escalations that refer to no
 * element have names of their own; terminate, cancel and conditional definitions none.
 */
function nameOut(def: EventDefinition): string | null {
  switch (def.typename) {
    case 'ErrorEventDefinition':
    case 'EscalationEventDefinition':
      if (def.name === null && (def.code ?? null) === null) {
        return def.typename === 'ErrorEventDefinition'
          ? 'None Error Event'
          : 'None Escalation Event';
      }
      return def.name;
    case 'TerminateEventDefinition':
    case 'CancelEventDefinition':
    case 'ConditionalEventDefinition':
      return null;
    default:
      return def.name;
  }
}

function eventDefinitionOut(def: EventDefinition, conv: InteropConverters): JsonObject {
  const out: JsonObject = { description: EVENT_KINDS[def.typename] ?? null, name: nameOut(def) };
  switch (def.typename) {
    case 'MessageEventDefinition':
      out['correlation_properties'] = correlationsOut(def.correlationProperties);
      break;
    case 'ErrorEventDefinition':
    case 'EscalationEventDefinition':
      out['code'] = def.code ?? null;
      break;
    case 'TimeDateEventDefinition':
    case 'DurationTimerEventDefinition':
    case 'CycleTimerEventDefinition':
    case 'ConditionalEventDefinition':
      out['expression'] = def.expression ?? null;
      break;
    case 'CompensateEventDefinition':
      out['activity_ref'] = def.activityRef ?? null;
      out['wait_for_completion'] = def.waitForCompletion !== false;
      break;
    case 'MultipleEventDefinition':
      out['parallel'] = def.parallel === true;
      out['event_definitions'] = (def.eventDefinitions ?? []).map((d) =>
        eventDefinitionOut(d, conv),
      );
      break;
  }
  conv.writeEventDefinition?.(def, out);
  out['typename'] = def.typename;
  return out;
}

function taskSpecOut(
  spec: BpmnSpec,
  process: WorkflowSpec,
  triggered: readonly string[],
  conv: InteropConverters,
): JsonObject {
  const io = spec.ioSpecification;
  const out: JsonObject = {
    name: spec.name,
    description: spec.description,
    manual: spec.manual,
    lookahead: spec.lookahead,
    inputs: [...spec.inputs],
    outputs:
      spec.typename === 'BpmnStartTask'
        ? [...spec.outputs, ...triggered.filter((n) => !spec.outputs.includes(n))]
        : [...spec.outputs],
    bpmn_id: spec.bpmnId,
    bpmn_name: spec.bpmnName,
    lane: spec.lane,
    documentation: spec.documentation,
    data_input_associations: spec.dataInputAssociations.map(refOut),
    data_output_associations: spec.dataOutputAssociations.map(refOut),
    io_specification: io
      ? {
          data_inputs: io.dataInputs.map(refOut),
          data_outputs: io.dataOutputs.map(refOut),
          typename: 'BpmnIoSpecification',
        }
      : null,
  };
  const t = spec.typename;
  const extensions = { ...spec.extensions };
  const triggers = extensions['triggerSpecs'];
  delete extensions['triggerSpecs'];
  const isLoop = spec.taskSpec !== undefined;
  const internal = spec.bpmnId === null;
  // Collaboration participants are built by the parser, not read from an element: no extensions.
  const participant = t === 'CallActivity' && spec.description === 'BPMN Task';
  if (!internal && !isLoop && !participant) {
    out['extensions'] = JSON.parse(JSON.stringify(extensions)) as Json;
  }
  if (spec.eventDefinition) {
    out['event_definition'] = eventDefinitionOut(spec.eventDefinition, conv);
  }
  if (t === 'BoundaryEvent') out['cancel_activity'] = spec.cancelActivity !== false;
  if (t === 'EventSubprocess' && spec.cancelActivity === false) out['cancel_activity'] = false;
  if (spec.compensationHandler !== undefined)
    out['compensation_handler'] = spec.compensationHandler;
  if (t === 'BpmnStartTask')
    out['trigger_specs'] = Array.isArray(triggers) ? (triggers as Json) : [];
  if (t === 'BoundaryEventJoin' || t === 'StartEventJoin') {
    out['split_task'] = spec.splitTask ?? null;
    out['threshold'] = t === 'StartEventJoin' ? 1 : null;
    out['cancel'] = true;
  }
  if (t === 'ParallelGateway') {
    out['split_task'] = null;
    out['threshold'] = null;
    out['cancel'] = false;
  }
  if (spec.condTaskSpecs) {
    out['choice'] = null;
    out['cond_task_specs'] = spec.condTaskSpecs.map((c) => ({
      condition: c.condition,
      task_spec: c.output,
    }));
    if (t === 'ExclusiveGateway') out['default_task_spec'] = spec.defaultTaskSpec ?? null;
  }
  if (spec.script !== undefined) out['script'] = spec.script;
  if (spec.spec !== undefined) out['spec'] = spec.spec;
  if (isLoop) {
    out['task_spec'] = spec.taskSpec ?? '';
    if (t === 'StandardLoopTask') {
      out['maximum'] = spec.maximum ?? null;
      out['condition'] = spec.condition ?? null;
      out['test_before'] = spec.testBefore === true;
    } else {
      out['cardinality'] = spec.cardinality ?? null;
      out['data_input'] = refOut(spec.dataInput);
      out['data_output'] = refOut(spec.dataOutput);
      out['input_item'] = refOut(spec.inputItem);
      out['output_item'] = refOut(spec.outputItem);
      out['condition'] = spec.condition ?? null;
    }
  }
  // SpiffWorkflow has no typename of its own for an event sub-process: a sub-process its start
  // task lists among the trigger specs.
  out['typename'] = t === 'EventSubprocess' ? 'SubWorkflowTask' : t;
  conv.writeTaskSpec?.(spec, out, process);
  return out;
}

/**
 * Writes a process spec. `triggered` names its event sub-processes that have started in some
 * instance: SpiffWorkflow wires those into the start task's outputs when they start.
 */
function processSpecOut(
  spec: WorkflowSpec,
  triggered: readonly string[],
  conv: InteropConverters,
): JsonObject {
  const info = processInfo(spec);
  const taskSpecs: JsonObject = {};
  for (const [name, ts] of spec.taskSpecs) {
    taskSpecs[name] = taskSpecOut(ts as BpmnSpec, spec, triggered, conv);
  }
  const dataObjects: JsonObject = {};
  for (const id of info.dataObjects) {
    const object = info.dataObjectInfo?.[id] ?? { name: null, extensions: {} };
    const out: JsonObject = { bpmn_id: id, bpmn_name: object.name };
    conv.writeDataObject?.(object, out);
    out['typename'] = 'DataObject';
    dataObjects[id] = out;
  }
  const io = info.ioSpecification;
  return {
    name: spec.name,
    description: spec.description,
    file: spec.file,
    io_specification: io
      ? {
          data_inputs: io.dataInputs.map(refOut),
          data_outputs: io.dataOutputs.map(refOut),
          typename: 'BpmnIoSpecification',
        }
      : null,
    data_objects: dataObjects,
    correlation_keys: JSON.parse(JSON.stringify(info.correlationKeys)) as Json,
    bpmn_start_events: [...spec.taskSpecs.values()]
      .filter((t) => t.typename === 'StartEvent')
      .map((t) => t.name),
    typename: 'BpmnProcessSpec',
    task_specs: taskSpecs,
  };
}

/** A multiple event's caught events as SpiffWorkflow's `BpmnEvent` dicts. */
function seenEventsOut(v: unknown, conv: InteropConverters): Json {
  return list(v).map((e) => {
    const o = obj(e);
    return {
      event_definition: eventDefinitionOut(o['definition'] as EventDefinition, conv),
      payload: valueOut(o['payload'] ?? null),
      correlations: valueOut(o['correlations'] ?? {}),
      typename: 'BpmnEvent',
    };
  });
}

function stateOut(workflow: Workflow, correlations: unknown, conv: InteropConverters): JsonObject {
  const tasks: JsonObject = {};
  for (const task of workflow.tasks.values()) {
    const internal = { ...task.internalData } as Record<string, unknown>;
    // A catching definition SpiffWorkflow names itself (an error or escalation referring to no
    // element) keeps its payload under that name.
    const def = (task.taskSpec as BpmnSpec).eventDefinition;
    const renamed = def && def.name === null ? nameOut(def) : null;
    for (const key of Object.keys(internal)) {
      if (key.startsWith('payload:')) {
        internal[renamed ?? key.slice('payload:'.length)] = internal[key];
        delete internal[key];
      }
    }
    if (Array.isArray(internal['seen_events'])) {
      internal['seen_events'] = seenEventsOut(internal['seen_events'], conv);
    }
    const isRoot = task === workflow.taskTree;
    tasks[task.id] = {
      id: task.id,
      parent: isRoot ? null : (task.parent?.id ?? null),
      children: task.children.filter((c) => c.workflow === workflow).map((c) => c.id),
      last_state_change: task.lastStateChange,
      state: task.state,
      task_spec: task.taskSpec.name,
      triggered: isRoot ? false : task.triggered,
      internal_data: valueOut(JSON.parse(JSON.stringify(internal))),
      data: valueOut(JSON.parse(JSON.stringify(task.peekData()))),
      delta: {},
      typename: 'Task',
    };
  }
  return {
    data: valueOut(JSON.parse(JSON.stringify(workflow.data))),
    correlations: JSON.parse(JSON.stringify(correlations ?? {})) as Json,
    last_task: workflow.lastTask?.id ?? null,
    success: workflow.success,
    completed: workflow.completed,
    tasks,
    root: workflow.taskTree.id,
  };
}

/** For each process spec, the names of its event sub-processes that started in some instance. */
function triggeredEventSubprocesses(workflow: BpmnWorkflow): Map<WorkflowSpec, string[]> {
  const out = new Map<WorkflowSpec, string[]>();
  for (const wf of [workflow, ...workflow.allSubprocesses()]) {
    for (const task of wf.tasks.values()) {
      if (task.taskSpec.typename !== 'EventSubprocess') continue;
      const names = out.get(wf.spec) ?? [];
      if (!names.includes(task.taskSpec.name)) names.push(task.taskSpec.name);
      out.set(wf.spec, names);
    }
  }
  return out;
}

/**
 * Writes a running workflow in the JSON shape SpiffWorkflow's `BpmnWorkflowSerializer` reads
 * (`serializer_version` 1.4): the inverse of {@link fromSpiffWorkflowJson}. Task data is written
 * whole (an empty `delta`, which the reference accepts); `flavour` adds what its serializer
 * config writes (plain BPMN without one).
 */
export function toSpiffWorkflowJson(workflow: BpmnWorkflow, flavour?: BpmnFlavour): JsonObject {
  const conv = flavour?.interop ?? NO_CONVERTERS;
  const triggered = triggeredEventSubprocesses(workflow);
  const specOut = (spec: WorkflowSpec) => processSpecOut(spec, triggered.get(spec) ?? [], conv);
  const subprocessSpecs: JsonObject = {};
  for (const [key, spec] of workflow.subprocessSpecs) subprocessSpecs[key] = specOut(spec);
  const subprocesses: JsonObject = {};
  for (const sub of workflow.allSubprocesses()) {
    const outer = sub.outerTask;
    if (!outer) continue;
    const key =
      [...workflow.subprocessSpecs.entries()].find(([, s]) => s === sub.spec)?.[0] ?? sub.spec.name;
    subprocesses[outer.id] = {
      ...stateOut(sub, workflow.subCorrelations.get(sub), conv),
      parent_task_id: outer.id,
      spec: key,
      typename: 'BpmnSubWorkflow',
    };
  }
  return {
    ...stateOut(workflow, workflow.correlations, conv),
    spec: specOut(workflow.spec),
    subprocess_specs: subprocessSpecs,
    subprocesses,
    bpmn_events: workflow.bpmnEvents.map((e) => ({
      event_definition: eventDefinitionOut(e.definition, conv),
      payload: valueOut(JSON.parse(JSON.stringify(e.payload ?? null))),
      correlations: JSON.parse(JSON.stringify(e.correlations ?? {})) as Json,
      typename: 'BpmnEvent',
    })),
    typename: 'BpmnWorkflow',
    serializer_version: '1.4',
  };
}
