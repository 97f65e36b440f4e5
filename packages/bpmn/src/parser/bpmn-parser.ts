import { ValidationError, WorkflowSpec, baseSpecFields } from '@spiff-ts/core';
import {
  EVENT_KINDS,
  type BpmnConditionalOutput,
  type BpmnSpec,
  type CorrelationProperty,
  type DataRef,
  type EventDefinition,
  type ProcessInfo,
} from '../specs.js';
import { recordFlavour, type BpmnFlavour } from '../flavour.js';
import { childOf, childrenOf, descendants, readXmlTree, type XmlElement } from './dom.js';
import { PROCESS_FLOW_NODES } from './flow-nodes.js';
import { readBpmnTree, type XmlWarning } from './read-xml.js';

type Mutable<T> = { -readonly [K in keyof T]: T[K] };
/** A spec while it is being built. */
export type SpecDraft = Mutable<BpmnSpec> & { inputs: string[]; outputs: string[] };

/** What an element parser sees: the process being built and lookups across loaded files. */
export interface ParseContext {
  readonly parser: BpmnParser;
  readonly file: string | undefined;
  /** The process (or embedded sub-process) element being parsed. */
  readonly process: XmlElement;
  /** Specs built so far, by name. */
  readonly specs: Map<string, SpecDraft>;
  /** Builds a spec with the base BPMN fields for an element. */
  newSpec(typename: string, node: XmlElement, name?: string): SpecDraft;
  /** Raises a {@link ValidationError} at an element. */
  fail(message: string, node: XmlElement): never;
  /** The condition text of a sequence flow, if any. */
  flowCondition(flow: XmlElement): string | null;
}

/**
 * Parses one element type into a spec. `create` returns the spec for the element;
 * `connectOutgoing` (optional) connects it to the spec of one outgoing flow's target.
 */
export interface ElementParser {
  create(ctx: ParseContext, node: XmlElement): SpecDraft;
  connectOutgoing?(
    ctx: ParseContext,
    spec: SpecDraft,
    flow: XmlElement,
    target: SpecDraft,
    isDefault: boolean,
  ): void;
  /** Whether the element may have several outgoing flows (gateways). */
  readonly multipleOutgoing?: boolean;
}

/** Options of a {@link BpmnParser}. */
export interface BpmnParserOptions {
  /**
   * Check each file with the moddle reader (duplicate ids; unknown elements and attributes,
   * invalid ids and dangling references become {@link BpmnParser.warnings}); default true.
   */
  readonly validate?: boolean;
  /** Element parsers by normalised tag (`bpmn:userTask`), over the defaults and the flavour's. */
  readonly parsers?: Readonly<Record<string, ElementParser>>;
  /** A vendor's extensions (`@spiff-ts/spiff`, `@spiff-ts/camunda`); plain BPMN without one. */
  readonly flavour?: BpmnFlavour;
  /** Names of data stores the host provides; a `dataStore` not listed fails to load. */
  readonly dataStores?: readonly string[];
}

interface LoadedFile {
  readonly file: string | undefined;
  readonly root: XmlElement;
  readonly positions: ReadonlyMap<string, number>;
}

interface ProcessEntry {
  readonly node: XmlElement;
  readonly file: LoadedFile;
  /** The containing process id, for embedded sub-processes. */
  readonly lanes: ReadonlyMap<string, string | null>;
}

const base = (typename: string) => ({
  create: (ctx: ParseContext, node: XmlElement) => ctx.newSpec(typename, node),
});

/** Adds conditional flows to a gateway; a flow without condition must be the default. */
export const conditionalGateway = (typename: string): ElementParser => ({
  multipleOutgoing: true,
  create: (ctx, node) => {
    const spec = ctx.newSpec(typename, node);
    spec.condTaskSpecs = [];
    spec.defaultTaskSpec = null;
    return spec;
  },
  connectOutgoing(ctx, spec, flow, target, isDefault) {
    connect(spec, target);
    if (isDefault) {
      spec.defaultTaskSpec = target.name;
      (spec.condTaskSpecs as BpmnConditionalOutput[]).push({
        condition: null,
        output: target.name,
      });
      return;
    }
    const condition = ctx.flowCondition(flow);
    if (condition === null) {
      ctx.fail('Non-default exclusive outgoing sequence flow without condition', flow);
    }
    (spec.condTaskSpecs as BpmnConditionalOutput[]).push({ condition, output: target.name });
  },
});

/** The corpus' `choice-conditions` convention: an unconditional flow gets `choice == '<name>'`. */
export const choiceConditionGateway: ElementParser = {
  ...conditionalGateway('ExclusiveGateway'),
  connectOutgoing(ctx, spec, flow, target, isDefault) {
    connect(spec, target);
    if (isDefault) {
      spec.defaultTaskSpec = target.name;
      (spec.condTaskSpecs as BpmnConditionalOutput[]).push({
        condition: null,
        output: target.name,
      });
      return;
    }
    const condition = ctx.flowCondition(flow) ?? `choice == '${flow.attrs['name'] ?? ''}'`;
    (spec.condTaskSpecs as BpmnConditionalOutput[]).push({ condition, output: target.name });
  },
};

function connect(from: SpecDraft, to: SpecDraft): void {
  from.outputs.push(to.name);
  to.inputs.push(from.name);
}

/** The default element parsers of plain BPMN, by normalised tag. */
export const DEFAULT_PARSERS: Readonly<Record<string, ElementParser>> = {
  'bpmn:task': base('NoneTask'),
  'bpmn:userTask': base('UserTask'),
  'bpmn:manualTask': base('ManualTask'),
  'bpmn:scriptTask': {
    create: (ctx, node) => {
      const spec = ctx.newSpec('ScriptTask', node);
      spec.script = childOf(node, 'bpmn:script')?.text ?? '';
      return spec;
    },
  },
  'bpmn:serviceTask': base('ServiceTask'),
  // Plain BPMN has no way to name a decision: flavours read it (or the host sets it).
  'bpmn:businessRuleTask': {
    create: (ctx, node) => {
      const spec = ctx.newSpec('BusinessRuleTask', node);
      spec.decisionRef = null;
      return spec;
    },
  },
  'bpmn:sendTask': eventParser('SendTask'),
  'bpmn:receiveTask': eventParser('ReceiveTask'),
  'bpmn:startEvent': eventParser('StartEvent'),
  'bpmn:endEvent': eventParser('EndEvent'),
  'bpmn:intermediateCatchEvent': eventParser('IntermediateCatchEvent'),
  'bpmn:intermediateThrowEvent': eventParser('IntermediateThrowEvent'),
  'bpmn:boundaryEvent': {
    create: (ctx, node) => {
      const spec = eventParser('BoundaryEvent').create(ctx, node);
      spec.cancelActivity = node.attrs['cancelActivity'] !== 'false';
      return spec;
    },
  },
  'bpmn:eventBasedGateway': {
    multipleOutgoing: true,
    create: (ctx, node) => {
      const spec = ctx.newSpec('EventBasedGateway', node);
      spec.eventDefinition = {
        typename: 'MultipleEventDefinition',
        name: null,
        eventDefinitions: [],
        parallel: false,
      };
      return spec;
    },
    // The gateway waits for any of the events its targets catch.
    connectOutgoing(_ctx, spec, _flow, target) {
      connect(spec, target);
      const def = spec.eventDefinition as EventDefinition;
      spec.eventDefinition = {
        ...def,
        eventDefinitions: [
          ...(def.eventDefinitions ?? []),
          target.eventDefinition ?? { typename: 'NoneEventDefinition', name: null },
        ],
      };
    },
  },
  'bpmn:exclusiveGateway': conditionalGateway('ExclusiveGateway'),
  'bpmn:inclusiveGateway': conditionalGateway('InclusiveGateway'),
  'bpmn:parallelGateway': { ...base('ParallelGateway'), multipleOutgoing: true },
  'bpmn:subProcess': {
    create: (ctx, node) => {
      const triggered = node.attrs['triggeredByEvent'] === 'true';
      const spec = ctx.newSpec(triggered ? 'EventSubprocess' : 'SubWorkflowTask', node);
      spec.spec = node.attrs['id'] ?? '';
      if (triggered) spec.cancelActivity = eventSubprocessInterrupts(ctx, node);
      return spec;
    },
  },
  'bpmn:transaction': {
    create: (ctx, node) => {
      const spec = ctx.newSpec('TransactionSubprocess', node);
      spec.spec = node.attrs['id'] ?? '';
      return spec;
    },
  },
  'bpmn:callActivity': {
    create: (ctx, node) => {
      const called = node.attrs['calledElement'];
      if (called === undefined) ctx.fail('No "calledElement" attribute for Call Activity', node);
      const spec = ctx.newSpec('CallActivity', node);
      spec.spec = called;
      return spec;
    },
  },
};

/**
 * Whether an event sub-process interrupts its enclosing (sub-)process: its start event's
 * `isInterrupting`, true by default. Error start events always interrupt (BPMN 2.0, 10.5.2).
 */
function eventSubprocessInterrupts(ctx: ParseContext, node: XmlElement): boolean {
  const starts = childrenOf(node, 'bpmn:startEvent');
  const interrupting = starts.every((e) => e.attrs['isInterrupting'] !== 'false');
  for (const start of starts) {
    if (!interrupting && childOf(start, 'bpmn:errorEventDefinition')) {
      ctx.fail('An error start event of an event sub-process must be interrupting', start);
    }
  }
  return interrupting;
}

function eventParser(typename: string): ElementParser {
  return {
    create: (ctx, node) => {
      const spec = ctx.newSpec(typename, node);
      spec.eventDefinition = ctx.parser.parseEventDefinitions(ctx, node);
      return spec;
    },
  };
}

const EVENT_DEFINITION_TAGS = [
  'messageEventDefinition',
  'signalEventDefinition',
  'errorEventDefinition',
  'escalationEventDefinition',
  'timerEventDefinition',
  'terminateEventDefinition',
  'cancelEventDefinition',
  'conditionalEventDefinition',
];

/** The events that throw a compensation. */
const COMPENSATE_THROW_LOCALS: ReadonlySet<string> = new Set([
  'intermediateThrowEvent',
  'endEvent',
]);
/** The events a compensate event definition may sit on (compensation start events are not run). */
const COMPENSATE_LOCALS: ReadonlySet<string> = new Set([
  ...COMPENSATE_THROW_LOCALS,
  'boundaryEvent',
]);

/** The events a link event definition may sit on: a throw (the goto) and a catch (its label). */
const LINK_EVENT_LOCALS: ReadonlySet<string> = new Set([
  'intermediateThrowEvent',
  'intermediateCatchEvent',
]);

/**
 * The link name of an intermediate link event (its definition's `name`, else the event's), or
 * undefined when the node is not one.
 */
function linkName(node: XmlElement): string | undefined {
  if (!LINK_EVENT_LOCALS.has(node.local)) return undefined;
  const def = childOf(node, 'bpmn:linkEventDefinition');
  if (!def) return undefined;
  const name = def.attrs['name'];
  return name !== undefined && name !== '' ? name : (node.attrs['name'] ?? '');
}

/** Event sub-processes whose start event has only these are armed when their scope starts. */
const ARMED_EVENT_DEFINITIONS: ReadonlySet<string> = new Set([
  'timerEventDefinition',
  'conditionalEventDefinition',
]);

/** Local names of the BPMN flow nodes a process or sub-process may contain. */
const FLOW_NODE_LOCALS: ReadonlySet<string> = new Set([
  ...PROCESS_FLOW_NODES,
  'callChoreography',
  'choreographyTask',
  'subChoreography',
]);
const PROCESS_LOCALS: ReadonlySet<string> = new Set([
  'process',
  'subProcess',
  'adHocSubProcess',
  'transaction',
]);

/** A spec draft of `typename` with every BPMN field at its default, then `extra`. */
function specDraft(typename: string, name: string, extra: Partial<SpecDraft> = {}): SpecDraft {
  // Object.assign rather than spreads, for speed (see ProcessBuilder.newSpec).
  const spec: SpecDraft = Object.assign(baseSpecFields(name), {
    description: 'BPMN Task',
    typename,
    inputs: [],
    outputs: [],
    bpmnId: null,
    bpmnName: null,
    lane: null,
    documentation: null,
    dataInputAssociations: [],
    dataOutputAssociations: [],
    ioSpecification: null,
    extensions: {},
  });
  return Object.assign(spec, extra);
}

/**
 * Parses BPMN files into process specs (SpiffWorkflow's `BpmnParser`). Files are added as XML
 * text; call activities are resolved across every loaded file.
 *
 * @example
 * ```ts
 * const parser = new BpmnParser();
 * parser.addBpmnXml(xmlText, 'order.bpmn');
 * const spec = parser.getSpec('order');
 * const subprocesses = parser.getSubprocessSpecs('order');
 * ```
 */
export class BpmnParser {
  readonly #options: BpmnParserOptions;
  readonly #parsers: Record<string, ElementParser>;
  readonly #processes = new Map<string, ProcessEntry>();
  readonly #collaborations = new Map<string, { node: XmlElement; file: LoadedFile }>();
  readonly #byId = new Map<string, { node: XmlElement; file: LoadedFile }>();
  readonly #specs = new Map<string, WorkflowSpec>();
  readonly #files: LoadedFile[] = [];
  readonly #warnings: XmlWarning[] = [];

  constructor(options: BpmnParserOptions = {}) {
    this.#options = options;
    this.#parsers = {
      ...DEFAULT_PARSERS,
      ...(options.flavour?.parsers ?? {}),
      ...(options.parsers ?? {}),
    };
  }

  /** The flavour the parser reads, if any. */
  get flavour(): BpmnFlavour | undefined {
    return this.#options.flavour;
  }

  /** Replaces the parser of one element type (e.g. `bpmn:exclusiveGateway`). */
  setParser(tag: string, parser: ElementParser): this {
    this.#parsers[tag] = parser;
    return this;
  }

  /**
   * What the loaded files do that the parser tolerates (vendor elements and attributes, HTML in
   * documentation, ids that are not valid `xs:ID`s, references to missing ids, ids repeated where
   * the engine never resolves them), each with its
   * file, element id and line, in load order. Empty when `validate` is false.
   */
  get warnings(): readonly XmlWarning[] {
    return this.#warnings;
  }

  /**
   * Adds one BPMN file's text. Problems that do not affect execution are recorded in
   * {@link BpmnParser.warnings}.
   * @throws {@link ValidationError} when the file is not well-formed XML, has a DTD, uses an id
   *   twice where execution could resolve either element, or is not a BPMN `definitions` document
   */
  addBpmnXml(text: string, file?: string): void {
    const xml = text.charCodeAt(0) === 0xfeff ? text.slice(1) : text;
    const moddle = this.#options.flavour?.moddle;
    const tree = readXmlTree(xml, file, moddle);
    const warnings =
      (this.#options.validate ?? true)
        ? readBpmnTree(xml, tree, file === undefined ? { moddle } : { file, moddle }).warnings
        : [];
    const root = tree.root;
    if (root.tag !== 'bpmn:definitions') {
      throw new ValidationError(`Expected bpmn:definitions, found ${root.tag}`, { file });
    }
    const positions = new Map<string, number>();
    for (const e of descendants(root)) {
      if (e.tag === 'bpmndi:BPMNShape') {
        const bounds = childOf(e, 'dc:Bounds');
        const ref = e.attrs['bpmnElement'];
        if (bounds && ref !== undefined) positions.set(ref, Number(bounds.attrs['y'] ?? 0));
      }
    }
    const loaded: LoadedFile = { file, root, positions };
    this.#files.push(loaded);
    this.#warnings.push(...warnings);
    for (const e of [root, ...descendants(root)]) {
      const id = e.attrs['id'];
      if (id !== undefined && !this.#byId.has(id)) this.#byId.set(id, { node: e, file: loaded });
    }
    for (const node of root.children) {
      if (node.tag === 'bpmn:process') this.#addProcess(node, loaded, new Map());
      else if (node.tag === 'bpmn:collaboration') {
        const id = node.attrs['id'];
        if (id !== undefined) this.#collaborations.set(id, { node, file: loaded });
      } else if (node.tag === 'bpmn:dataStore' && this.#options.dataStores !== undefined) {
        const name = node.attrs['name'] ?? node.attrs['id'] ?? '';
        const id = node.attrs['id'] ?? '';
        if (!this.#options.dataStores.includes(name) && !this.#options.dataStores.includes(id)) {
          throw new ValidationError(`Unknown data store '${name}'`, {
            file,
            elementId: id,
            line: node.line,
          });
        }
      }
    }
  }

  #addProcess(
    node: XmlElement,
    file: LoadedFile,
    inherited: ReadonlyMap<string, string | null>,
  ): void {
    const id = node.attrs['id'];
    if (id === undefined) return;
    const lanes = new Map(inherited);
    for (const lane of descendants(node).filter((e) => e.tag === 'bpmn:lane')) {
      for (const ref of childrenOf(lane, 'bpmn:flowNodeRef')) {
        // An unnamed lane has no name (None in SpiffWorkflow), not an empty one.
        lanes.set(ref.text.trim(), lane.attrs['name'] ?? null);
      }
    }
    this.#processes.set(id, { node, file, lanes });
    for (const child of node.children) {
      if (['bpmn:subProcess', 'bpmn:transaction'].includes(child.tag)) {
        const subLanes = new Map(lanes);
        const lane = lanes.get(child.attrs['id'] ?? '');
        if (lane !== undefined) {
          for (const e of descendants(child)) if (e.attrs['id']) subLanes.set(e.attrs['id'], lane);
        }
        this.#addProcess(child, file, subLanes);
      }
    }
  }

  /**
   * The elements of every loaded process (executable or not) that the engine cannot execute:
   * flow nodes without an element parser (`complexGateway`, `adHocSubProcess`, …) and event
   * definitions it does not implement (`eventDefinitionRef`, link events other than
   * intermediate throw and catch events, compensation start and catch events), each with its
   * tag, id (the event's when the definition has none), file and line. An inventory, not an error: building an executable process that uses one of them
   * fails in {@link BpmnParser.getSpec}.
   */
  unsupportedElements(): XmlWarning[] {
    const out: XmlWarning[] = [];
    for (const loaded of this.#files) {
      for (const e of descendants(loaded.root)) {
        const parent = e.parent;
        if (!e.tag.startsWith('bpmn:') || parent === undefined) continue;
        let message: string | undefined;
        if (
          FLOW_NODE_LOCALS.has(e.local) &&
          PROCESS_LOCALS.has(parent.local) &&
          this.#parsers[e.tag] === undefined
        ) {
          message = `There is no support implemented for this task type: '${e.local}'`;
        } else if (
          parent.local.endsWith('Event') &&
          (e.local === 'eventDefinitionRef' ||
            (e.local.endsWith('EventDefinition') &&
              !EVENT_DEFINITION_TAGS.includes(e.local) &&
              !(e.local === 'linkEventDefinition' && LINK_EVENT_LOCALS.has(parent.local)) &&
              !(e.local === 'compensateEventDefinition' && COMPENSATE_LOCALS.has(parent.local))))
        ) {
          message = `Unsupported event definition '${e.local}'`;
        }
        if (message === undefined) continue;
        const elementId = e.attrs['id'] ?? parent.attrs['id'];
        out.push({
          message,
          file: loaded.file,
          ...(elementId === undefined ? {} : { elementId }),
          tag: e.tag,
          line: e.line,
        });
      }
    }
    return out;
  }

  /** Whether a loaded process is executable (`isExecutable` is not `false`). */
  isExecutable(processId: string): boolean {
    const entry = this.#processes.get(processId);
    return entry !== undefined && entry.node.attrs['isExecutable'] !== 'false';
  }

  /** Ids of the loaded top-level processes. */
  getProcessIds(): string[] {
    return [...this.#processes.entries()]
      .filter(([, p]) => p.node.tag === 'bpmn:process')
      .map(([id]) => id);
  }

  /** Every top-level process spec, by id. */
  findAllSpecs(): Map<string, WorkflowSpec> {
    const out = new Map<string, WorkflowSpec>();
    for (const id of this.getProcessIds()) out.set(id, this.getSpec(id));
    return out;
  }

  /**
   * The spec of a process (or embedded sub-process) by id.
   * @throws {@link ValidationError} when it is not loaded or not valid
   */
  getSpec(processId: string): WorkflowSpec {
    const cached = this.#specs.get(processId);
    if (cached) return cached;
    const entry = this.#processes.get(processId);
    if (!entry) {
      throw new ValidationError(
        `The process '${processId}' was not found. Did you mean one of the following: ${[...this.#processes.keys()].join(', ')}?`,
        {},
      );
    }
    const spec = new ProcessBuilder(this, entry, this.#parsers).build();
    this.#specs.set(processId, spec);
    return spec;
  }

  /**
   * The specs of every process a process calls (call activities and embedded sub-processes,
   * transitively), by id. With `requireCalled` false, missing called processes are skipped.
   * @throws {@link ValidationError} when a called process is not loaded
   */
  getSubprocessSpecs(processId: string, requireCalled = true): Map<string, WorkflowSpec> {
    const out = new Map<string, WorkflowSpec>();
    const queue = [this.getSpec(processId)];
    while (queue.length > 0) {
      const spec = queue.shift() as WorkflowSpec;
      for (const ts of spec.taskSpecs.values()) {
        const target = (ts as BpmnSpec).spec;
        if (target === undefined || out.has(target)) continue;
        if (!this.#processes.has(target)) {
          if (!requireCalled) continue;
          const where = this.#byId.get((ts as BpmnSpec).bpmnId ?? '');
          throw new ValidationError(
            `The process '${target}' was not found. Did you mean one of the following: ${[...this.#processes.keys()].join(', ')}?`,
            {
              file: where?.file.file,
              elementId: (ts as BpmnSpec).bpmnId ?? ts.name,
              ...(where ? { line: where.node.line } : {}),
            },
          );
        }
        const sub = this.getSpec(target);
        out.set(target, sub);
        queue.push(sub);
      }
    }
    return out;
  }

  /**
   * A collaboration: the ids of its participants' executable processes and its message flows.
   * @throws {@link ValidationError} when it is not loaded
   */
  getCollaboration(id: string): { processes: string[]; messageFlows: [string, string][] } {
    const entry = this.#collaborations.get(id);
    if (!entry) throw new ValidationError(`The collaboration '${id}' was not found`, {});
    const processes: string[] = [];
    for (const participant of childrenOf(entry.node, 'bpmn:participant')) {
      const ref = participant.attrs['processRef'];
      const proc = ref === undefined ? undefined : this.#processes.get(ref);
      if (ref !== undefined && proc && proc.node.attrs['isExecutable'] !== 'false') {
        processes.push(ref);
      }
    }
    const messageFlows = childrenOf(entry.node, 'bpmn:messageFlow').map((f): [string, string] => [
      f.attrs['sourceRef'] ?? '',
      f.attrs['targetRef'] ?? '',
    ]);
    return { processes, messageFlows };
  }

  /**
   * A collaboration as a process of its own (SpiffWorkflow's `get_collaboration`): each executable
   * participant's process runs as a call activity; participants whose start events all wait for
   * messages or signals are started when such an event arrives.
   * @throws {@link ValidationError} when it is not loaded or a participant is not valid
   */
  getCollaborationSpec(id: string): {
    spec: WorkflowSpec;
    subprocessSpecs: Map<string, WorkflowSpec>;
  } {
    const { processes } = this.getCollaboration(id);
    const subprocessSpecs = new Map<string, WorkflowSpec>();
    const triggers: string[] = [];
    const start = specDraft('BpmnStartTask', 'Start', {
      process: { bpmnId: id, dataObjects: [], ioSpecification: null, correlationKeys: {} },
    });
    const endJoin = specDraft('_EndJoin', `${id}.EndJoin`);
    const end = specDraft('SimpleBpmnTask', 'End');
    connect(endJoin, end);
    const participants: SpecDraft[] = [];
    for (const processId of processes) {
      const sub = this.getSpec(processId);
      subprocessSpecs.set(processId, sub);
      for (const [k, v] of this.getSubprocessSpecs(processId)) subprocessSpecs.set(k, v);
      const participant = specDraft('CallActivity', processId, {
        bpmnId: processId,
        spec: processId,
        description: 'BPMN Task',
      });
      participants.push(participant);
      const startEvents = [...sub.taskSpecs.values()].filter(
        (t) =>
          (t.typename === 'StartEvent' && t.inputs.includes('Start')) ||
          (t.typename === 'StartEvent' && sub.start.outputs.includes('StartEventSplit')),
      ) as BpmnSpec[];
      const direct = startEvents.some((t) =>
        [
          'NoneEventDefinition',
          'TimeDateEventDefinition',
          'DurationTimerEventDefinition',
          'CycleTimerEventDefinition',
        ].includes(t.eventDefinition?.typename ?? 'NoneEventDefinition'),
      );
      if (direct || startEvents.length === 0) {
        connect(start, participant);
      } else {
        participant.inputs.push('Start');
        triggers.push(processId);
      }
      connect(participant, endJoin);
    }
    start.extensions = { triggerSpecs: triggers };
    const spec = new WorkflowSpec({
      name: id,
      description: id,
      file: this.#collaborations.get(id)?.file.file ?? null,
      taskSpecs: [start, endJoin, end, ...participants],
      start: 'Start',
    });
    recordFlavour(spec, this.#options.flavour);
    return { spec, subprocessSpecs };
  }

  /** An element of any loaded file by id. */
  element(id: string): XmlElement | undefined {
    return this.#byId.get(id)?.node;
  }

  /** Parses the event definitions of an event node. @internal */
  parseEventDefinitions(ctx: ParseContext, node: XmlElement): EventDefinition {
    const defs: EventDefinition[] = [];
    const link = linkName(node);
    for (const child of node.children) {
      if (!child.tag.startsWith('bpmn:')) continue;
      if (link !== undefined && child.local === 'linkEventDefinition') continue;
      if (child.local === 'compensateEventDefinition' && COMPENSATE_THROW_LOCALS.has(node.local)) {
        defs.push({
          typename: 'CompensateEventDefinition',
          name: node.attrs['name'] ?? null,
          activityRef: child.attrs['activityRef'] ?? null,
          waitForCompletion: child.attrs['waitForCompletion'] !== 'false',
        });
      } else if (EVENT_DEFINITION_TAGS.includes(child.local)) {
        defs.push(this.#eventDefinition(ctx, node, child));
      } else if (child.local.endsWith('EventDefinition') || child.local === 'eventDefinitionRef') {
        // Never run an event we cannot honour as some other kind of event (e.g. a none event).
        return ctx.fail(`Unsupported event definition '${child.tag}'`, child);
      }
    }
    if (link !== undefined && defs.length > 0) {
      return ctx.fail('A link event has no other event definitions', node);
    }
    const messageRef = node.attrs['messageRef'];
    if (
      defs.length === 0 &&
      messageRef !== undefined &&
      ['sendTask', 'receiveTask'].includes(node.local)
    ) {
      // Send and receive tasks name their message on the task itself.
      return this.#messageDefinition(node, node, node.attrs['name'] ?? null);
    }
    if (defs.length === 0) return { typename: 'NoneEventDefinition', name: null };
    if (defs.length === 1) return defs[0] as EventDefinition;
    return {
      typename: 'MultipleEventDefinition',
      name: node.attrs['name'] ?? null,
      eventDefinitions: defs,
      parallel: node.attrs['parallelMultiple'] === 'true',
    };
  }

  #eventDefinition(ctx: ParseContext, event: XmlElement, def: XmlElement): EventDefinition {
    const label = event.attrs['name'] ?? null;
    const ref = (attr: string) => {
      const id = def.attrs[attr];
      return id === undefined ? undefined : this.element(id);
    };
    switch (def.local) {
      case 'messageEventDefinition':
        return this.#messageDefinition(event, def, label);
      case 'signalEventDefinition': {
        const signal = ref('signalRef');
        const built: EventDefinition = {
          typename: 'SignalEventDefinition',
          name: signal?.attrs['name'] ?? def.attrs['signalRef'] ?? label,
        };
        return this.#refine(built, event, def, signal);
      }
      case 'errorEventDefinition':
      case 'escalationEventDefinition': {
        // An error or escalation: named by the element it refers to, with that element's code.
        const kind = def.local === 'errorEventDefinition' ? 'error' : 'escalation';
        const target = ref(`${kind}Ref`);
        const built: EventDefinition = {
          typename: kind === 'error' ? 'ErrorEventDefinition' : 'EscalationEventDefinition',
          name: target?.attrs['name'] ?? def.attrs[`${kind}Ref`] ?? label,
          code: target?.attrs[`${kind}Code`] ?? null,
        };
        return this.#refine(built, event, def, target);
      }
      case 'timerEventDefinition': {
        for (const [tag, typename] of [
          ['bpmn:timeDate', 'TimeDateEventDefinition'],
          ['bpmn:timeDuration', 'DurationTimerEventDefinition'],
          ['bpmn:timeCycle', 'CycleTimerEventDefinition'],
        ] as const) {
          const e = childOf(def, tag);
          // Timers are named by their event's name, else its id.
          const name = label ?? event.attrs['id'] ?? null;
          if (e) return { typename, name, expression: e.text.trim() };
        }
        return ctx.fail('Unknown timer definition', def);
      }
      case 'terminateEventDefinition':
        return { typename: 'TerminateEventDefinition', name: label };
      case 'cancelEventDefinition':
        return { typename: 'CancelEventDefinition', name: label };
      case 'conditionalEventDefinition': {
        const condition = childOf(def, 'bpmn:condition');
        if (!condition) return ctx.fail('Conditional event definition with no condition', def);
        return {
          typename: 'ConditionalEventDefinition',
          name: label,
          expression: condition.text.trim(),
        };
      }
      default:
        return ctx.fail(`Unsupported event definition '${def.local}'`, def);
    }
  }

  #messageDefinition(event: XmlElement, def: XmlElement, label: string | null): EventDefinition {
    const refId = def.attrs['messageRef'];
    const message = refId === undefined ? undefined : this.element(refId);
    return this.#refine(
      {
        typename: 'MessageEventDefinition',
        name: message?.attrs['name'] ?? def.attrs['messageRef'] ?? label,
        correlationProperties: this.#correlationProperties(message),
      },
      event,
      def,
      message,
    );
  }

  /** Lets the flavour add its fields to a definition read from `def`. */
  #refine(
    built: EventDefinition,
    event: XmlElement,
    definition: XmlElement,
    referenced: XmlElement | undefined,
  ): EventDefinition {
    const hook = this.#options.flavour?.parse?.eventDefinition;
    return hook ? hook(built, { parser: this, event, definition, referenced }) : built;
  }

  /**
   * Names of the correlation keys (in every loaded file) that list a correlation property.
   */
  correlationKeysOf(propertyId: string): string[] {
    const out: string[] = [];
    for (const file of this.#files) {
      for (const ref of descendants(file.root)) {
        if (
          ref.tag === 'bpmn:correlationPropertyRef' &&
          ref.text.trim() === propertyId &&
          ref.parent
        ) {
          out.push(ref.parent.attrs['name'] ?? '');
        }
      }
    }
    return out;
  }

  #correlationProperties(message: XmlElement | undefined): CorrelationProperty[] {
    if (!message) return [];
    const messageId = message.attrs['id'];
    const out: CorrelationProperty[] = [];
    for (const file of this.#files) {
      const keys = new Map<string, string[]>();
      for (const key of descendants(file.root).filter((e) => e.tag === 'bpmn:correlationKey')) {
        for (const ref of childrenOf(key, 'bpmn:correlationPropertyRef')) {
          const list = keys.get(ref.text.trim()) ?? [];
          list.push(key.attrs['name'] ?? key.attrs['id'] ?? '');
          keys.set(ref.text.trim(), list);
        }
      }
      for (const prop of childrenOf(file.root, 'bpmn:correlationProperty')) {
        for (const rex of childrenOf(prop, 'bpmn:correlationPropertyRetrievalExpression')) {
          if (rex.attrs['messageRef'] !== messageId) continue;
          const path =
            childOf(rex, 'bpmn:messagePath') ?? childOf(rex, 'bpmn:formalExpression') ?? rex;
          const id = prop.attrs['id'] ?? '';
          out.push({
            name: id,
            retrievalExpression: path.text.trim(),
            correlationKeys: keys.get(id) ?? [],
          });
        }
      }
    }
    return out;
  }

  /** Correlation keys (name → property ids) declared in the file of a process. @internal */
  correlationKeys(process: XmlElement): Record<string, string[]> {
    let root = process;
    while (root.parent) root = root.parent;
    const out: Record<string, string[]> = {};
    for (const key of descendants(root).filter((e) => e.tag === 'bpmn:correlationKey')) {
      out[key.attrs['name'] ?? key.attrs['id'] ?? ''] = childrenOf(
        key,
        'bpmn:correlationPropertyRef',
      ).map((r) => r.text.trim());
    }
    return out;
  }
}

const ELEMENT_DESCRIPTIONS: Readonly<Record<string, string>> = {
  NoneTask: 'Task',
  UserTask: 'User Task',
  ManualTask: 'Manual Task',
  ScriptTask: 'Script Task',
  ServiceTask: 'Service Task',
  BusinessRuleTask: 'BPMN Task',
  ExclusiveGateway: 'Exclusive Gateway',
  ParallelGateway: 'Parallel Gateway',
  InclusiveGateway: 'Inclusive Gateway',
  EventBasedGateway: 'Event Based Gateway',
  SubWorkflowTask: 'Subprocess',
  EventSubprocess: 'Subprocess',
  CallActivity: 'Call Activity',
  TransactionSubprocess: 'Transaction',
  StartEvent: 'Start Event',
  EndEvent: 'End Event',
  IntermediateCatchEvent: 'Intermediate Catch Event',
  IntermediateThrowEvent: 'Intermediate Throw Event',
  BoundaryEvent: 'Boundary Event',
  SendTask: 'Send Task',
  ReceiveTask: 'Receive Task',
};

/** The description SpiffWorkflow gives a spec ("User Task", "Interrupting Timer Boundary Event"). */
function describe(spec: SpecDraft): string {
  const element = ELEMENT_DESCRIPTIONS[spec.typename] ?? 'BPMN Task';
  const def = spec.eventDefinition;
  if (!def || spec.typename === 'EventBasedGateway') return element;
  const kind = EVENT_KINDS[def.typename] ?? 'Default';
  if (spec.typename === 'BoundaryEvent') {
    return `${spec.cancelActivity === false ? 'Non-Interrupting' : 'Interrupting'} ${kind} ${element}`;
  }
  return `${kind} ${element}`;
}

/** Builds the spec of one process or embedded sub-process. */
class ProcessBuilder implements ParseContext {
  readonly parser: BpmnParser;
  readonly file: string | undefined;
  readonly process: XmlElement;
  readonly specs = new Map<string, SpecDraft>();
  readonly #entry: ProcessEntry;
  readonly #parsers: Record<string, ElementParser>;
  readonly #nodes = new Map<string, XmlElement>();
  readonly #outgoing = new Map<string, XmlElement[]>();
  readonly #boundary = new Map<string, XmlElement[]>();
  readonly #dataRefs = new Map<string, DataRef>();
  readonly #order: string[] = [];
  /** Activity id → its compensation boundary event. */
  readonly #compensations = new Map<string, XmlElement>();
  /** Link throw event id → the link catch event of the same name (a goto). */
  readonly #links = new Map<string, XmlElement>();

  constructor(parser: BpmnParser, entry: ProcessEntry, parsers: Record<string, ElementParser>) {
    this.parser = parser;
    this.#entry = entry;
    this.file = entry.file.file;
    this.process = entry.node;
    this.#parsers = parsers;
    for (const node of entry.node.children) {
      const id = node.attrs['id'];
      if (id !== undefined) this.#nodes.set(id, node);
      if (node.tag === 'bpmn:sequenceFlow') {
        const source = node.attrs['sourceRef'] ?? '';
        const list = this.#outgoing.get(source) ?? [];
        list.push(node);
        this.#outgoing.set(source, list);
      } else if (node.tag === 'bpmn:boundaryEvent') {
        const attached = node.attrs['attachedToRef'] ?? '';
        if (childOf(node, 'bpmn:compensateEventDefinition')) {
          // Not a boundary event that waits: it names the activity's compensation handler.
          this.#compensations.set(attached, node);
          continue;
        }
        const list = this.#boundary.get(attached) ?? [];
        list.push(node);
        this.#boundary.set(attached, list);
      } else if (node.tag === 'bpmn:dataObjectReference') {
        const objectId = node.attrs['dataObjectRef'] ?? id ?? '';
        this.#dataRefs.set(id ?? '', {
          bpmnId: objectId,
          bpmnName: node.attrs['name'] ?? null,
          kind: 'object',
        });
      } else if (node.tag === 'bpmn:dataStoreReference') {
        const storeId = node.attrs['dataStoreRef'] ?? id ?? '';
        this.#dataRefs.set(id ?? '', {
          bpmnId: storeId,
          bpmnName: node.attrs['name'] ?? null,
          kind: 'store',
        });
      }
    }
    this.#readLinks();
    // Data object references inside embedded sub-processes may point at outer data objects.
    for (let p = entry.node.parent; p; p = p.parent) {
      for (const node of p.children) {
        const id = node.attrs['id'];
        if (id === undefined || this.#dataRefs.has(id)) continue;
        if (node.tag === 'bpmn:dataObjectReference') {
          this.#dataRefs.set(id, {
            bpmnId: node.attrs['dataObjectRef'] ?? id,
            bpmnName: node.attrs['name'] ?? null,
            kind: 'object',
          });
        }
      }
    }
  }

  fail(message: string, node: XmlElement): never {
    throw new ValidationError(message, {
      file: this.file,
      elementId: node.attrs['id'] ?? this.process.attrs['id'],
      line: node.line,
    });
  }

  flowCondition(flow: XmlElement): string | null {
    const c = childOf(flow, 'bpmn:conditionExpression');
    if (!c) return null;
    const text = c.text.trim();
    return text === '' ? null : text;
  }

  newSpec(typename: string, node: XmlElement, name?: string): SpecDraft {
    const id = node.attrs['id'] ?? '';
    const documentation = childOf(node, 'bpmn:documentation')?.text ?? null;
    // Object.assign, not `{ ...baseSpecFields(), more }`: on Node 20 a spread followed by more
    // properties builds each object some 20-50 times slower, and this runs for every element.
    const spec: SpecDraft = Object.assign(baseSpecFields(name ?? id), {
      typename,
      description: node.attrs['name'] ?? null,
      manual: ['NoneTask', 'UserTask', 'ManualTask'].includes(typename),
      inputs: [],
      outputs: [],
      bpmnId: id,
      bpmnName: node.attrs['name'] ?? null,
      lane: this.#entry.lanes.get(id) ?? null,
      documentation,
      dataInputAssociations: [],
      dataOutputAssociations: [],
      ioSpecification: null,
      extensions: {},
    });
    return spec;
  }

  #internal(typename: string, name: string, extra: Partial<SpecDraft> = {}): SpecDraft {
    const spec = specDraft(typename, name, extra);
    this.#add(spec);
    return spec;
  }

  #add(spec: SpecDraft): void {
    if (!this.specs.has(spec.name)) this.#order.push(spec.name);
    this.specs.set(spec.name, spec);
  }

  build(): WorkflowSpec {
    const node = this.process;
    const id = node.attrs['id'] ?? '';
    const starts = childrenOf(node, 'bpmn:startEvent');
    const executable = node.attrs['isExecutable'] !== 'false';
    if (node.tag === 'bpmn:process' && !executable) {
      this.fail(`Process ${id} is not executable.`, node);
    }
    if (starts.length === 0 && node.attrs['triggeredByEvent'] !== 'true') {
      this.fail('No start event found', node);
    }
    const objects = childrenOf(node, 'bpmn:dataObject');
    const readObject = this.parser.flavour?.parse?.dataObject;
    const info: ProcessInfo = {
      bpmnId: id,
      dataObjects: objects.map((d) => d.attrs['id'] ?? ''),
      ...(objects.length > 0
        ? {
            dataObjectInfo: Object.fromEntries(
              objects.map((d) => [
                d.attrs['id'] ?? '',
                { name: d.attrs['name'] ?? null, extensions: readObject ? readObject(d) : {} },
              ]),
            ),
          }
        : {}),
      ioSpecification: this.#ioSpec(node),
      correlationKeys: this.parser.correlationKeys(node),
    };
    const start = this.#internal('BpmnStartTask', 'Start', { process: info });
    const endJoin = this.#internal('_EndJoin', `${id}.EndJoin`);
    const end = this.#internal('SimpleBpmnTask', 'End');
    connect(endJoin, end);
    const startSpecs = starts.map((s) => this.parseNode(s));
    if (startSpecs.length > 1) {
      const split = this.#internal('StartEventSplit', 'StartEventSplit');
      const join = this.#internal('StartEventJoin', 'StartEventJoin', { splitTask: split.name });
      connect(start, split);
      for (const s of startSpecs) {
        connect(split, s);
        // The join sits after each start event, before whatever followed it.
        const outputs = [...s.outputs];
        s.outputs = [join.name];
        join.inputs.push(s.name);
        for (const o of outputs) {
          const target = this.specs.get(o) as SpecDraft;
          target.inputs = target.inputs.filter((i) => i !== s.name);
          if (!join.outputs.includes(o)) {
            join.outputs.push(o);
            target.inputs.push(join.name);
          }
        }
      }
    } else {
      for (const s of startSpecs) connect(start, s);
    }
    const triggers: string[] = [];
    for (const child of node.children) {
      if (child.tag === 'bpmn:subProcess' && child.attrs['triggeredByEvent'] === 'true') {
        const spec = this.parseNode(child);
        // Armed with the (sub-)process when a start event waits for nothing, a timer or a
        // condition; otherwise started by the workflow when an event its start event catches
        // arrives. Either way it is disarmed when the rest of the (sub-)process ends.
        const startsNow = childrenOf(child, 'bpmn:startEvent').some((e) => {
          const defs = e.children.filter((d) => d.local.endsWith('EventDefinition'));
          return defs.length === 0 || defs.every((d) => ARMED_EVENT_DEFINITIONS.has(d.local));
        });
        if (startsNow) {
          connect(start, spec);
        } else {
          spec.inputs.push(start.name);
          triggers.push(spec.name);
        }
        connect(spec, endJoin);
      }
    }
    if (triggers.length > 0) start.extensions = { ...start.extensions, triggerSpecs: triggers };
    const specs = this.#order.map((name) => this.specs.get(name) as SpecDraft);
    const spec = new WorkflowSpec({
      name: id,
      description: node.attrs['name'] ?? id,
      file: this.file ?? null,
      taskSpecs: specs,
      start: 'Start',
    });
    recordFlavour(spec, this.parser.flavour);
    return spec;
  }

  /** Parses a flow node and (recursively) everything after it; returns the spec to connect to. */
  parseNode(node: XmlElement): SpecDraft {
    const id = node.attrs['id'] ?? '';
    const existing = this.specs.get(`${id}.BoundaryEventSplit`) ?? this.specs.get(id);
    if (existing) return existing;
    const parser = this.#parsers[node.tag];
    if (!parser) {
      this.fail(`There is no support implemented for this task type: '${node.local}'`, node);
    }
    let spec = parser.create(this, node);
    spec.description = describe(spec);
    if (linkName(node) !== undefined) {
      spec.description = `Link ${ELEMENT_DESCRIPTIONS[spec.typename] ?? 'BPMN Task'}`;
    }
    this.#add(spec);
    if (spec.typename === 'EndEvent') {
      const endJoin = this.specs.get(`${this.process.attrs['id'] ?? ''}.EndJoin`);
      if (endJoin) connect(spec, endJoin);
      if (spec.eventDefinition?.typename === 'CancelEventDefinition') this.#checkCancel(node);
    }
    this.#readCommon(spec, node);
    const loop = childOf(node, 'bpmn:standardLoopCharacteristics');
    if (loop) spec = this.#loopTask(spec, node, loop);
    const mi = childOf(node, 'bpmn:multiInstanceLoopCharacteristics');
    if (mi) spec = this.#multiInstance(spec, node, mi);
    const compensation = this.#compensations.get(id);
    if (compensation) spec.compensationHandler = this.#compensationHandler(compensation).name;
    const boundary = this.#boundary.get(id) ?? [];
    let entry = spec;
    if (boundary.length > 0) {
      const split = this.#internal('BoundaryEventSplit', `${id}.BoundaryEventSplit`, {
        lane: spec.lane,
      });
      const join = this.#internal('BoundaryEventJoin', `${id}.BoundaryEventJoin`, {
        lane: spec.lane,
        splitTask: split.name,
      });
      connect(split, spec);
      connect(spec, join);
      for (const event of boundary) {
        const child = this.parseNode(event);
        if (
          child.eventDefinition?.typename === 'CancelEventDefinition' &&
          spec.typename !== 'TransactionSubprocess'
        ) {
          this.fail('Cancel Events may only be used with transactions.', event);
        }
        connect(split, child);
        connect(child, join);
      }
      entry = split;
    }
    const outgoing = this.#outgoing.get(id) ?? [];
    if (outgoing.length > 1 && !parser.multipleOutgoing && entry === spec) {
      // SpiffWorkflow rejects several outgoing flows on non-gateways; they are parallel here too.
    }
    const children: { y: number; spec: SpecDraft; flow: XmlElement; index: number }[] = [];
    outgoing.forEach((flow, index) => {
      const targetRef = flow.attrs['targetRef'] ?? '';
      const target = this.#nodes.get(targetRef);
      if (!target) this.fail(`Sequence flow target '${targetRef}' was not found`, flow);
      const targetSpec = this.parseNode(target);
      const y = this.#entry.file.positions.get(targetRef) ?? 0;
      children.push({ y, spec: targetSpec, flow, index });
    });
    const link = this.#links.get(id);
    if (link) {
      children.push({ y: 0, spec: this.parseNode(link), flow: link, index: children.length });
    }
    children.sort((a, b) => a.y - b.y || a.index - b.index);
    let defaultFlow = node.attrs['default'];
    if (
      children.length === 1 &&
      ['ExclusiveGateway', 'InclusiveGateway'].includes(spec.typename) &&
      this.flowCondition((children[0] as { flow: XmlElement }).flow) === null
    ) {
      defaultFlow = (children[0] as { flow: XmlElement }).flow.attrs['id'];
    }
    for (const c of children) {
      const isDefault = c.flow.attrs['id'] === defaultFlow;
      if (parser.connectOutgoing) parser.connectOutgoing(this, spec, c.flow, c.spec, isDefault);
      else connect(spec, c.spec);
    }
    return entry;
  }

  /**
   * The handler of a compensation boundary event: the activity its association leads to
   * (BPMN 2.0, 10.6.5: `isForCompensation`, no sequence flows), parsed as a spec of its own.
   */
  #compensationHandler(boundary: XmlElement): SpecDraft {
    const id = boundary.attrs['id'];
    for (const node of this.process.children) {
      if (node.tag !== 'bpmn:association') continue;
      const source = node.attrs['sourceRef'];
      const target = node.attrs['targetRef'];
      const other = source === id ? target : target === id ? source : undefined;
      const handler = other === undefined ? undefined : this.#nodes.get(other);
      if (handler && handler.tag !== 'bpmn:boundaryEvent') return this.parseNode(handler);
    }
    return this.fail(
      'A compensation boundary event has no associated compensation handler',
      boundary,
    );
  }

  /**
   * Pairs each link throw event of this (sub-)process with the link catch event of the same
   * name (BPMN 2.0, 10.5.4: a goto within one process level). Beyond SpiffWorkflow 3.1.2, which
   * has no link events; the pair runs as none events joined by a sequence flow.
   */
  #readLinks(): void {
    const catches = new Map<string, XmlElement[]>();
    const byDefinition = new Map<string, XmlElement>();
    const throws: [XmlElement, string][] = [];
    for (const node of this.process.children) {
      const name = linkName(node);
      if (name === undefined) continue;
      if (node.local === 'intermediateThrowEvent') {
        throws.push([node, name]);
        continue;
      }
      catches.set(name, [...(catches.get(name) ?? []), node]);
      const defId = childOf(node, 'bpmn:linkEventDefinition')?.attrs['id'];
      if (defId !== undefined) byDefinition.set(defId, node);
    }
    for (const [node, name] of throws) {
      // The definition's `target` (the catching definition's id) wins over the name.
      const ref = childOf(childOf(node, 'bpmn:linkEventDefinition') ?? node, 'bpmn:target');
      const candidates = catches.get(name) ?? [];
      const target = (ref ? byDefinition.get(ref.text.trim()) : undefined) ?? candidates[0];
      if (!target) {
        this.fail(`No link catch event named '${name}' for this link throw event`, node);
      }
      if (target === candidates[0] && candidates.length > 1) {
        this.fail(`Two link catch events are named '${name}'`, candidates[1] as XmlElement);
      }
      if ((this.#outgoing.get(node.attrs['id'] ?? '') ?? []).length > 0) {
        this.fail('A link throw event has no outgoing sequence flows', node);
      }
      this.#links.set(node.attrs['id'] ?? '', target);
    }
  }

  /**
   * A cancel end event ends the transaction around it (BPMN 2.0, 10.5.3), which must have a
   * cancel boundary event to leave through; SpiffWorkflow checks only the boundary side.
   */
  #checkCancel(event: XmlElement): void {
    let transaction = event.parent;
    while (transaction && transaction.tag !== 'bpmn:transaction') {
      if (transaction.tag === 'bpmn:process') transaction = undefined;
      else transaction = transaction.parent;
    }
    if (!transaction) {
      this.fail('Cancel end events may only be used inside a transaction.', event);
    }
    const id = transaction.attrs['id'];
    const caught = (transaction.parent?.children ?? []).some(
      (e) =>
        e.tag === 'bpmn:boundaryEvent' &&
        e.attrs['attachedToRef'] === id &&
        childOf(e, 'bpmn:cancelEventDefinition') !== undefined,
    );
    if (!caught) {
      this.fail(`The transaction '${id ?? ''}' it cancels has no cancel boundary event.`, event);
    }
  }

  #readCommon(spec: SpecDraft, node: XmlElement): void {
    const extensions = this.parser.flavour?.parse?.extensions;
    if (extensions) spec.extensions = { ...spec.extensions, ...extensions(node) };
    const io = this.#ioSpec(node);
    if (io) spec.ioSpecification = io;
    for (const assoc of childrenOf(node, 'bpmn:dataInputAssociation')) {
      for (const src of childrenOf(assoc, 'bpmn:sourceRef')) {
        const ref = this.#dataRefs.get(src.text.trim());
        if (ref) (spec.dataInputAssociations as DataRef[]).push(ref);
      }
    }
    for (const assoc of childrenOf(node, 'bpmn:dataOutputAssociation')) {
      for (const tgt of childrenOf(assoc, 'bpmn:targetRef')) {
        const ref = this.#dataRefs.get(tgt.text.trim());
        if (ref) (spec.dataOutputAssociations as DataRef[]).push(ref);
      }
    }
  }

  #ioSpec(node: XmlElement): BpmnSpec['ioSpecification'] {
    const io = childOf(node, 'bpmn:ioSpecification');
    if (!io) return null;
    const ref = (e: XmlElement): DataRef => ({
      bpmnId: e.attrs['id'] ?? '',
      bpmnName: e.attrs['name'] ?? null,
      kind: 'task',
    });
    return {
      dataInputs: childrenOf(io, 'bpmn:dataInput').map(ref),
      dataOutputs: childrenOf(io, 'bpmn:dataOutput').map(ref),
    };
  }

  /** Moves the element's spec to `<id> [child]` and puts a loop spec in its place. */
  #wrap(original: SpecDraft, typename: string, extra: Partial<SpecDraft>): SpecDraft {
    const loop: SpecDraft = {
      ...original,
      // As in SpiffWorkflow, the loop task carries the element's id but not its name.
      bpmnName: null,
      typename,
      manual: false,
      inputs: original.inputs,
      outputs: original.outputs,
      taskSpec: `${original.name} [child]`,
      ...extra,
    };
    const loopNode = this.#current;
    const split = this.parser.flavour?.parse?.loopExtensions;
    const parts =
      split && loopNode
        ? split(loopNode, original.extensions)
        : { loop: { ...original.extensions }, instance: { ...original.extensions } };
    loop.extensions = parts.loop;
    const child: SpecDraft = {
      ...original,
      extensions: parts.instance,
      name: `${original.name} [child]`,
      inputs: [original.name],
      outputs: [],
      ioSpecification: null,
      dataInputAssociations: [],
      dataOutputAssociations: [],
    };
    loop.eventDefinition = undefined;
    delete loop.eventDefinition;
    delete loop.script;
    this.specs.delete(original.name);
    this.#order.splice(this.#order.indexOf(original.name), 1);
    this.#add(loop);
    this.#add(child);
    return loop;
  }

  #current: XmlElement | undefined;

  #loopTask(spec: SpecDraft, node: XmlElement, loop: XmlElement): SpecDraft {
    this.#current = loop;
    const maximum = loop.attrs['loopMaximum'];
    const condition = childOf(loop, 'bpmn:loopCondition')?.text.trim() ?? null;
    if (maximum === undefined && condition === null) {
      this.fail('A loopMaximum or loopCondition must be specified for Loop Tasks.', node);
    }
    return this.#wrap(spec, 'StandardLoopTask', {
      description: 'Loop Task',
      maximum: maximum === undefined ? null : Number(maximum),
      condition,
      testBefore: loop.attrs['testBefore'] === 'true',
    });
  }

  #multiInstance(spec: SpecDraft, node: XmlElement, mi: XmlElement): SpecDraft {
    this.#current = mi;
    const text = (tag: string) => {
      const e = childOf(mi, tag);
      return e ? e.text.trim() : null;
    };
    const cardinality = text('bpmn:loopCardinality');
    const loopInput = text('bpmn:loopDataInputRef');
    const flavoured = this.parser.flavour?.parse?.multiInstance?.(this, spec, mi);
    if (flavoured)
      return this.#wrap(spec, flavoured.typename ?? 'ParallelMultiInstanceTask', flavoured);
    if (cardinality === null && loopInput === null) {
      this.fail(
        'A multiinstance task must specify a cardinality or a loop input data reference',
        node,
      );
    }
    if (cardinality !== null && loopInput !== null) {
      this.fail(
        'A multiinstance task must specify exactly one of cardinality or loop input data reference',
        node,
      );
    }
    const ioRefs = [
      ...(spec.ioSpecification?.dataInputs ?? []),
      ...(spec.ioSpecification?.dataOutputs ?? []),
    ];
    const varRef = (name: string | null): DataRef | null => {
      if (name === null) return null;
      const io = ioRefs.find((r) => r.bpmnName === name || r.bpmnId === name);
      if (io) return io;
      return { bpmnId: name, bpmnName: null, kind: 'task' };
    };
    const item = (tag: string): DataRef | null => {
      const e = childOf(mi, tag);
      if (!e) return null;
      return { bpmnId: e.attrs['id'] ?? '', bpmnName: e.attrs['name'] ?? null, kind: 'task' };
    };
    const sequential = mi.attrs['isSequential'] === 'true';
    return this.#wrap(
      spec,
      sequential ? 'SequentialMultiInstanceTask' : 'ParallelMultiInstanceTask',
      {
        description: sequential ? 'Sequential MultiInstance' : 'Parallel MultiInstance',
        cardinality,
        dataInput: varRef(loopInput),
        dataOutput: varRef(text('bpmn:loopDataOutputRef')),
        inputItem: item('bpmn:inputDataItem'),
        outputItem: item('bpmn:outputDataItem'),
        condition: text('bpmn:completionCondition'),
      },
    );
  }
}
