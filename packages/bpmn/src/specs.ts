import type { TaskSpecData, WorkflowSpec } from '@spiff-ts/core';

/** An event definition, discriminated by SpiffWorkflow's class name. */
export interface EventDefinition {
  readonly typename: string;
  readonly name: string | null;
  /** Error and escalation codes. */
  readonly code?: string | null;
  /** Timer and conditional expressions. */
  readonly expression?: string | null;
  /** Message correlation properties. */
  readonly correlationProperties?: readonly CorrelationProperty[];
  // Fields flavours fill in (their event layers give them meaning).
  /** Expression giving the payload of a thrown event. */
  readonly payloadExpression?: string | null;
  /** spiff: variable receiving a caught message's payload. */
  readonly messageVar?: string | null;
  /** spiff: correlation properties computed from the catching task's data. */
  readonly processCorrelations?: readonly CorrelationProperty[];
  /** spiff: variable receiving a caught signal, error or escalation payload. */
  readonly variable?: string | null;
  /** camunda: where a caught message's payload goes (default `<task id>_Response`). */
  readonly resultVar?: string | null;
  /** Compensation: the activity (its element id) to compensate; null for every one. */
  readonly activityRef?: string | null;
  /** Compensation: whether the throwing event waits for the handlers (default true). */
  readonly waitForCompletion?: boolean;
  /** Multiple event definitions. */
  readonly eventDefinitions?: readonly EventDefinition[];
  readonly parallel?: boolean;
}

/** How a message yields a correlation property value. */
export interface CorrelationProperty {
  readonly name: string;
  readonly retrievalExpression: string;
  readonly correlationKeys: readonly string[];
}

/** A data reference (data object, data store, io-spec variable, multi-instance item). */
export interface DataRef {
  readonly bpmnId: string;
  readonly bpmnName: string | null;
  /** `object`: a data object of the process; `store`: a data store; `task`: a task-data variable. */
  readonly kind: 'object' | 'store' | 'task';
}

/** A conditional outgoing flow of a gateway (`condition` is a Python expression). */
export interface BpmnConditionalOutput {
  readonly condition: string | null;
  readonly output: string;
}

/**
 * The data every BPMN task spec carries, besides the core's {@link TaskSpecData}. Specs are one
 * loose shape: the fields a typename does not use keep their defaults.
 */
export interface BpmnSpec extends TaskSpecData {
  /** The element id on the diagram; null for internal specs (Start, End, EndJoin, splits). */
  readonly bpmnId: string | null;
  readonly bpmnName: string | null;
  readonly lane: string | null;
  readonly documentation: string | null;
  readonly dataInputAssociations: readonly DataRef[];
  readonly dataOutputAssociations: readonly DataRef[];
  readonly ioSpecification: {
    readonly dataInputs: readonly DataRef[];
    readonly dataOutputs: readonly DataRef[];
  } | null;
  /** Flavour extensions (spiff pre/post scripts, camunda forms, properties, …). */
  readonly extensions: Readonly<Record<string, unknown>>;
  readonly eventDefinition?: EventDefinition;
  /** Boundary events, event sub-processes: whether it interrupts (default true). */
  readonly cancelActivity?: boolean;
  /** An activity with a compensation boundary event: the spec name of its handler. */
  readonly compensationHandler?: string;
  readonly script?: string;
  readonly condTaskSpecs?: readonly BpmnConditionalOutput[];
  readonly defaultTaskSpec?: string | null;
  /** Sub-process and call-activity target (a process id). */
  readonly spec?: string;
  /** Loop and multi-instance tasks: the name of the instance spec (`<id> [child]`). */
  readonly taskSpec?: string;
  readonly maximum?: number | null;
  readonly condition?: string | null;
  readonly testBefore?: boolean;
  readonly cardinality?: string | null;
  readonly dataInput?: DataRef | null;
  readonly dataOutput?: DataRef | null;
  readonly inputItem?: DataRef | null;
  readonly outputItem?: DataRef | null;
  /** Structured joins (boundary event / start event joins): the split's spec name. */
  readonly splitTask?: string | null;
  /** Start spec: process-level information (data objects, io specification, …). */
  readonly process?: ProcessInfo;
  /** Service tasks. */
  readonly operatorName?: string;
  readonly operationParams?: Readonly<Record<string, { type: string; value: string }>>;
  readonly resultVariable?: string | null;
  /** Business rule tasks. */
  readonly decisionRef?: string | null;
}

/** A data object of a process: its name, and the fields a flavour reads (spiff: `category`). */
export interface DataObjectInfo {
  readonly name: string | null;
  readonly extensions: Readonly<Record<string, unknown>>;
}

/** Process-level information, kept on the process' Start spec. */
export interface ProcessInfo {
  readonly bpmnId: string;
  readonly dataObjects: readonly string[];
  /** Names and flavour fields of the data objects, by id (absent when there are none). */
  readonly dataObjectInfo?: Readonly<Record<string, DataObjectInfo>>;
  readonly ioSpecification: BpmnSpec['ioSpecification'];
  readonly correlationKeys: Readonly<Record<string, readonly string[]>>;
}

/** A parsed BPMN process: a core {@link WorkflowSpec} made of {@link BpmnSpec}s. */
export type BpmnProcessSpec = WorkflowSpec;

/** Reads the process information of a BPMN process spec. */
export function processInfo(spec: WorkflowSpec): ProcessInfo {
  const start = spec.start as BpmnSpec;
  return (
    start.process ?? {
      bpmnId: spec.name,
      dataObjects: [],
      ioSpecification: null,
      correlationKeys: {},
    }
  );
}

/** Typenames of specs that wait for an event. */
/**
 * The kind of event each event definition type stands for, as SpiffWorkflow names it in the
 * descriptions of event specs (`Message`, `Timer`, …).
 */
export const EVENT_KINDS: Readonly<Record<string, string>> = {
  NoneEventDefinition: 'Default',
  MessageEventDefinition: 'Message',
  SignalEventDefinition: 'Signal',
  ErrorEventDefinition: 'Error',
  EscalationEventDefinition: 'Escalation',
  TimeDateEventDefinition: 'Timer',
  DurationTimerEventDefinition: 'Timer',
  CycleTimerEventDefinition: 'Timer',
  TerminateEventDefinition: 'Terminate',
  CancelEventDefinition: 'Cancel',
  ConditionalEventDefinition: 'Conditional',
  CompensateEventDefinition: 'Compensate',
  MultipleEventDefinition: 'Multiple',
};

export const CATCHING_TYPES: ReadonlySet<string> = new Set([
  'StartEvent',
  'IntermediateCatchEvent',
  'BoundaryEvent',
  'ReceiveTask',
  'EventBasedGateway',
]);

/** Typenames of specs that run a nested workflow. */
export const SUBPROCESS_TYPES: ReadonlySet<string> = new Set([
  'SubWorkflowTask',
  'CallActivity',
  'TransactionSubprocess',
]);

/** Typenames of loop and multi-instance specs. */
export const LOOP_TYPES: ReadonlySet<string> = new Set([
  'StandardLoopTask',
  'ParallelMultiInstanceTask',
  'SequentialMultiInstanceTask',
]);
