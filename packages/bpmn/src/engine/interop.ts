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
  type DataRef,
  type EventDefinition,
} from '../specs.js';
import type { BpmnWorkflow } from './workflow.js';

type Flavor = 'bpmn' | 'spiff' | 'camunda';
type Obj = Record<string, unknown>;

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

function eventDefinition(v: unknown, flavor: Flavor): EventDefinition {
  const o = obj(v);
  const typename = str(o['typename']) ?? 'NoneEventDefinition';
  const base = { typename, name: str(o['name']) };
  switch (typename) {
    case 'MessageEventDefinition': {
      const def: Record<string, unknown> = {
        ...base,
        correlationProperties: correlationProperties(o['correlation_properties']),
      };
      if (flavor === 'camunda') {
        Object.assign(def, {
          flavor: 'camunda',
          payloadExpression: str(o['expression']),
          resultVar: str(o['result_var']),
        });
      } else if (flavor === 'spiff') {
        Object.assign(def, {
          flavor: 'spiff',
          payloadExpression: str(o['expression']),
          messageVar: str(o['message_var']),
          processCorrelations: correlationProperties(o['process_correlations']),
        });
      }
      return def as unknown as EventDefinition;
    }
    case 'ErrorEventDefinition':
    case 'EscalationEventDefinition':
    case 'SignalEventDefinition': {
      const def: Record<string, unknown> = { ...base };
      if (typename !== 'SignalEventDefinition') def['code'] = str(o['code']);
      if (flavor === 'spiff') {
        Object.assign(def, {
          flavor: 'spiff',
          payloadExpression: str(o['expression']),
          variable: str(o['variable']),
        });
      }
      return def as unknown as EventDefinition;
    }
    case 'TimeDateEventDefinition':
    case 'DurationTimerEventDefinition':
    case 'CycleTimerEventDefinition':
    case 'ConditionalEventDefinition':
      return { ...base, expression: str(o['expression']) };
    case 'MultipleEventDefinition':
      return {
        ...base,
        parallel: o['parallel'] === true,
        eventDefinitions: list(o['event_definitions']).map((d) => eventDefinition(d, flavor)),
      };
    default:
      return base;
  }
}

/** Converts one task spec of SpiffWorkflow's JSON into a {@link BpmnSpec} (as JSON). */
function taskSpec(json: Obj, process: Obj, flavor: Flavor): JsonObject {
  const typename = str(json['typename']) ?? '';
  const extensions = { ...obj(json['extensions']) };
  if (str(json['prescript'])) extensions['preScript'] = json['prescript'];
  if (str(json['postscript'])) extensions['postScript'] = json['postscript'];
  if (typename === 'UserTask' && str(json['variable']))
    extensions['variableName'] = json['variable'];
  const io = json['io_specification'];
  const spec: Record<string, unknown> = {
    typename,
    name: str(json['name']) ?? '',
    description: str(json['description']),
    manual: json['manual'] === true,
    lookahead: typeof json['lookahead'] === 'number' ? json['lookahead'] : 2,
    inputs: list(json['inputs']),
    outputs: list(json['outputs']),
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
    spec['eventDefinition'] = eventDefinition(json['event_definition'], flavor);
  }
  if (typename === 'BoundaryEvent') spec['cancelActivity'] = json['cancel_activity'] !== false;
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
    if (flavor === 'camunda' && spec['cardinality'] === null && spec['dataInput'] === null) {
      // The camunda flavour fills these in when the task starts: the collection is both.
      spec['dataInput'] = spec['dataOutput'];
      spec['inputItem'] = spec['outputItem'];
    }
  }
  if (typeof json['split_task'] === 'string') spec['splitTask'] = json['split_task'];
  const operator = obj(extensions['serviceTaskOperator']);
  if (typename === 'ServiceTask') {
    spec['operatorName'] = str(json['operation_name']) ?? str(operator['name']);
    spec['operationParams'] = json['operation_params'] ?? operator['parameters'] ?? {};
    spec['resultVariable'] =
      str(json['result_variable']) ??
      str(operator['resultVariable']) ??
      `spiff__${String(json['name']).replace(/-/g, '_')}_result`;
  }
  if (typename === 'BusinessRuleTask') {
    spec['decisionRef'] =
      str(extensions['calledDecisionId']) ?? str(obj(json['decision_table'])['id']);
  }
  if (typename === 'BpmnStartTask') {
    const triggers = list(json['trigger_specs']);
    if (triggers.length > 0) extensions['triggerSpecs'] = triggers;
    const pio = process['io_specification'];
    spec['process'] = {
      bpmnId: str(process['name']) ?? '',
      dataObjects: Object.keys(obj(process['data_objects'])),
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
  return JSON.parse(JSON.stringify(spec)) as JsonObject;
}

function processSpec(json: Obj, flavor: Flavor): JsonObject {
  const taskSpecs: JsonObject = {};
  for (const [name, ts] of Object.entries(obj(json['task_specs']))) {
    taskSpecs[name] = taskSpec(obj(ts), json, flavor);
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
): JsonObject {
  const tasks = obj(state['tasks']) as Record<string, Obj>;
  const root = String(state['root']);
  const data = materialize(tasks, root);
  const out: JsonObject = {};
  for (const [id, t] of Object.entries(tasks)) {
    const children = list(t['children']).map(String);
    const subRoot = subRoots.get(id);
    const internal = { ...obj(t['internal_data']) } as JsonObject;
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
      data: data.get(id) ?? {},
      typename: 'Task',
    };
  }
  return {
    typename: 'BpmnWorkflow',
    data: obj(state['data']) as JsonObject,
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
 * `flavor` says which typename registry wrote it (payload conventions differ).
 * @throws {@link SerializationError} for other versions or shapes
 */
export function fromSpiffWorkflowJson(doc: JsonObject, flavor: Flavor = 'bpmn'): JsonObject {
  if (doc['serializer_version'] !== '1.4') {
    throw new SerializationError(
      `Cannot read version ${JSON.stringify(doc['serializer_version'])}`,
    );
  }
  const top = processSpec(obj(doc['spec']), flavor);
  const library: JsonObject = {};
  for (const [key, sp] of Object.entries(obj(doc['subprocess_specs']))) {
    library[key] = processSpec(obj(sp), flavor);
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
    ...convertState(doc, specsOf(top), subRoots),
  };
  const subprocesses: JsonObject = {};
  const subCorrelations: JsonObject = {};
  for (const [taskId, sub] of Object.entries(subs)) {
    const key = String(sub['spec']);
    const spec = obj(library[key]) as JsonObject;
    const converted = convertState(sub, specsOf(spec), subRoots);
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
      definition: eventDefinition(o['event_definition'], flavor) as unknown as Json,
      payload: (o['payload'] ?? null) as Json,
      correlations: obj(o['correlations']) as JsonObject,
    };
  });
  return out;
}

// --- writing ------------------------------------------------------------------------------------

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

function eventDefinitionOut(def: EventDefinition): JsonObject {
  const flavored = def.flavor !== undefined && def.typename !== 'SignalEventDefinition';
  const out: JsonObject = {
    description: flavored ? null : (EVENT_KINDS[def.typename] ?? null),
    name: def.name,
  };
  switch (def.typename) {
    case 'MessageEventDefinition':
      out['correlation_properties'] = correlationsOut(def.correlationProperties);
      if (def.flavor === 'camunda') {
        out['expression'] = def.payloadExpression ?? null;
        out['result_var'] = def.resultVar ?? null;
      } else if (def.flavor === 'spiff') {
        out['expression'] = def.payloadExpression ?? null;
        out['message_var'] = def.messageVar ?? null;
        out['process_correlations'] = correlationsOut(def.processCorrelations);
      }
      break;
    case 'ErrorEventDefinition':
    case 'EscalationEventDefinition':
    case 'SignalEventDefinition':
      if (def.typename !== 'SignalEventDefinition') out['code'] = def.code ?? null;
      if (def.flavor === 'spiff') {
        out['expression'] = def.payloadExpression ?? null;
        out['variable'] = def.variable ?? null;
      }
      break;
    case 'TimeDateEventDefinition':
    case 'DurationTimerEventDefinition':
    case 'CycleTimerEventDefinition':
    case 'ConditionalEventDefinition':
      out['expression'] = def.expression ?? null;
      break;
    case 'MultipleEventDefinition':
      out['parallel'] = def.parallel === true;
      out['event_definitions'] = (def.eventDefinitions ?? []).map(eventDefinitionOut);
      break;
  }
  out['typename'] = def.typename;
  return out;
}

const SCRIPTED = new Set([
  'NoneTask',
  'UserTask',
  'ManualTask',
  'ScriptTask',
  'ServiceTask',
  'BusinessRuleTask',
  'CallActivity',
  'SubWorkflowTask',
  'TransactionSubprocess',
  'SendTask',
  'ReceiveTask',
  'ParallelMultiInstanceTask',
  'SequentialMultiInstanceTask',
  'StandardLoopTask',
]);

function taskSpecOut(spec: BpmnSpec, flavor: Flavor): JsonObject {
  const io = spec.ioSpecification;
  const out: JsonObject = {
    name: spec.name,
    description: spec.description,
    manual: spec.manual,
    lookahead: spec.lookahead,
    inputs: [...spec.inputs],
    outputs: [...spec.outputs],
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
  const prescript = extensions['preScript'];
  const postscript = extensions['postScript'];
  const variable = extensions['variableName'];
  const triggers = extensions['triggerSpecs'];
  if (flavor === 'spiff') {
    delete extensions['preScript'];
    delete extensions['postScript'];
  }
  delete extensions['triggerSpecs'];
  if (
    t === 'BusinessRuleTask' &&
    spec.decisionRef &&
    extensions['calledDecisionId'] === undefined
  ) {
    // The reference writes the decision table itself (camunda); the decision's id is enough here.
    extensions['calledDecisionId'] = spec.decisionRef;
  }
  const isLoop = spec.taskSpec !== undefined;
  const internal = spec.bpmnId === null;
  // Collaboration participants are built by the parser, not read from an element: no extensions.
  const participant = t === 'CallActivity' && spec.description === 'BPMN Task';
  if (!internal && !isLoop && !participant) {
    out['extensions'] = JSON.parse(JSON.stringify(extensions)) as Json;
  }
  if (spec.eventDefinition) out['event_definition'] = eventDefinitionOut(spec.eventDefinition);
  if (t === 'BoundaryEvent') out['cancel_activity'] = spec.cancelActivity !== false;
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
      out['data_input'] =
        flavor === 'camunda' && spec.cardinality === null ? null : refOut(spec.dataInput);
      out['data_output'] = refOut(spec.dataOutput);
      out['input_item'] =
        flavor === 'camunda' && spec.cardinality === null ? null : refOut(spec.inputItem);
      out['output_item'] = refOut(spec.outputItem);
      out['condition'] = spec.condition ?? null;
    }
  }
  if (t === 'ServiceTask') {
    out['operation_name'] = spec.operatorName ?? null;
    out['operation_params'] = JSON.parse(JSON.stringify(spec.operationParams ?? {})) as Json;
    out['result_variable'] = spec.resultVariable ?? null;
    out['retries'] = null;
  }
  if (flavor === 'spiff' && SCRIPTED.has(t)) {
    out['prescript'] = typeof prescript === 'string' ? prescript : null;
    out['postscript'] = typeof postscript === 'string' ? postscript : null;
    if (t === 'UserTask') out['variable'] = typeof variable === 'string' ? variable : null;
  }
  out['typename'] = t;
  return out;
}

function processSpecOut(spec: WorkflowSpec, flavor: Flavor): JsonObject {
  const info = processInfo(spec);
  const taskSpecs: JsonObject = {};
  for (const [name, ts] of spec.taskSpecs) taskSpecs[name] = taskSpecOut(ts as BpmnSpec, flavor);
  const dataObjects: JsonObject = {};
  for (const id of info.dataObjects) {
    dataObjects[id] = { bpmn_id: id, bpmn_name: null, typename: 'DataObject' };
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

function stateOut(workflow: Workflow, correlations: unknown): JsonObject {
  const tasks: JsonObject = {};
  for (const task of workflow.tasks.values()) {
    const internal = { ...task.internalData } as Record<string, unknown>;
    for (const key of Object.keys(internal)) {
      if (key.startsWith('payload:')) {
        internal[key.slice('payload:'.length)] = internal[key];
        delete internal[key];
      }
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
      internal_data: JSON.parse(JSON.stringify(internal)) as Json,
      data: JSON.parse(JSON.stringify(task.peekData())) as Json,
      delta: {},
      typename: 'Task',
    };
  }
  return {
    data: JSON.parse(JSON.stringify(workflow.data)) as Json,
    correlations: JSON.parse(JSON.stringify(correlations ?? {})) as Json,
    last_task: workflow.lastTask?.id ?? null,
    success: workflow.success,
    completed: workflow.completed,
    tasks,
    root: workflow.taskTree.id,
  };
}

/**
 * Writes a running workflow in the JSON shape SpiffWorkflow's `BpmnWorkflowSerializer` reads
 * (`serializer_version` 1.4): the inverse of {@link fromSpiffWorkflowJson}. Task data is written
 * whole (an empty `delta`, which the reference accepts); `flavor` picks the event fields.
 */
export function toSpiffWorkflowJson(workflow: BpmnWorkflow, flavor: Flavor = 'bpmn'): JsonObject {
  const subprocessSpecs: JsonObject = {};
  for (const [key, spec] of workflow.subprocessSpecs) {
    subprocessSpecs[key] = processSpecOut(spec, flavor);
  }
  const subprocesses: JsonObject = {};
  for (const sub of workflow.allSubprocesses()) {
    const outer = sub.outerTask;
    if (!outer) continue;
    const key =
      [...workflow.subprocessSpecs.entries()].find(([, s]) => s === sub.spec)?.[0] ?? sub.spec.name;
    subprocesses[outer.id] = {
      ...stateOut(sub, workflow.subCorrelations.get(sub)),
      parent_task_id: outer.id,
      spec: key,
      typename: 'BpmnSubWorkflow',
    };
  }
  return {
    ...stateOut(workflow, workflow.correlations),
    spec: processSpecOut(workflow.spec, flavor),
    subprocess_specs: subprocessSpecs,
    subprocesses,
    bpmn_events: workflow.bpmnEvents.map((e) => ({
      event_definition: eventDefinitionOut(e.definition),
      payload: JSON.parse(JSON.stringify(e.payload ?? null)) as Json,
      correlations: JSON.parse(JSON.stringify(e.correlations ?? {})) as Json,
      typename: 'BpmnEvent',
    })),
    typename: 'BpmnWorkflow',
    serializer_version: '1.4',
  };
}
