import {
  BpmnParser,
  BpmnWorkflow,
  TaskState,
  ValidationError,
  WorkflowError,
  createBpmnRegistry,
  definitionMatches,
  isTimer,
  isoFormat,
  type BpmnFlavour,
  type BpmnSpec,
  type EventDefinition,
} from '@spiff-ts/bpmn';
import { CamundaParser, camundaFlavour } from '@spiff-ts/camunda';
import { SpiffBpmnParser, spiffFlavour } from '@spiff-ts/spiff';
import { cloneData, taskStateName, type DataObject, type Task } from '@spiff-ts/core';
import {
  AnswersError,
  durationToMs,
  readText,
  type Answers,
  type MessageAnswer,
} from './answers.js';

/** Options of {@link runBpmnFiles}. */
export interface BpmnRunOptions {
  /** The process to run; may be left out when the files hold exactly one executable process. */
  readonly process?: string;
  /** Plays the people and the outside world; without it, the run stops at the first user task. */
  readonly answers?: Answers;
  /** Initial data, merged over the answers' `data`. */
  readonly data?: DataObject;
  /** Start of the engine clock (ISO 8601 or epoch ms); default: the answers' `startTime`, else now. */
  readonly startTime?: string | number;
  /** Gives up (with a {@link WorkflowError}) after this many host actions; default 1000. */
  readonly maxActions?: number;
  /** The extensions the models are written with; default plain BPMN. */
  readonly flavour?: FlavourName;
}

/** The flavours the CLI knows: plain BPMN, SpiffArena's and Camunda's. */
export const FLAVOURS = ['bpmn', 'spiff', 'camunda'] as const;
export type FlavourName = (typeof FLAVOURS)[number];

/** The parser and flavour of a flavour name. */
function flavourOf(name: FlavourName): { parser: BpmnParser; flavour?: BpmnFlavour } {
  switch (name) {
    case 'spiff':
      return { parser: new SpiffBpmnParser(), flavour: spiffFlavour };
    case 'camunda':
      return { parser: new CamundaParser(), flavour: camundaFlavour };
    case 'bpmn':
      return { parser: new BpmnParser() };
  }
}

/** One task of the task tree, as the CLI prints it. */
export interface TaskLine {
  /** Depth among the printed tasks (internal helper tasks are left out). */
  readonly depth: number;
  /** The BPMN element id (the spec name for multi-instance children). */
  readonly id: string;
  /** The element's name on the diagram. */
  readonly name: string | null;
  readonly typename: string;
  /** `COMPLETED`, `READY`, `WAITING`, … */
  readonly state: string;
}

/** What running a BPMN process with answers produced. */
export interface BpmnRunResult {
  readonly process: string;
  readonly completed: boolean;
  /** Ids of the completed tasks, in tree order (for one path through the model, the path taken). */
  readonly path: readonly string[];
  /** What the host did: tasks answered, messages delivered, clock moves; and why it stopped. */
  readonly log: readonly string[];
  readonly tree: readonly TaskLine[];
  /** The workflow data at the end. */
  readonly data: DataObject;
  /** The engine clock at the end (epoch ms). */
  readonly clock: number;
  readonly workflow: BpmnWorkflow;
}

/** A BPMN file's text and name (the name goes into error messages). */
export interface BpmnSource {
  readonly text: string;
  readonly file: string;
}

/**
 * Parses BPMN files (plain BPMN unless `flavour` says otherwise) and returns the parser with the
 * process to run.
 * @throws {@link ValidationError} when a file is malformed or the process is not in the files
 */
export function parseBpmn(
  sources: readonly BpmnSource[],
  process?: string,
  flavour: FlavourName = 'bpmn',
): { parser: BpmnParser; process: string } {
  const { parser } = flavourOf(flavour);
  for (const { text, file } of sources) parser.addBpmnXml(text, file);
  const ids = parser.getProcessIds();
  const files = sources.map((s) => s.file).join(', ');
  if (process === undefined) {
    const executable = ids.filter((id) => parser.isExecutable(id));
    if (executable.length === 1) return { parser, process: executable[0] as string };
    throw new ValidationError(
      `Choose a process with --process: ${executable.length === 0 ? 'none is executable' : `one of ${executable.join(', ')}`}`,
      { file: files },
    );
  }
  if (!ids.includes(process)) {
    throw new ValidationError(
      `No process '${process}' (the processes are: ${ids.join(', ') || 'none'})`,
      { file: files },
    );
  }
  return { parser, process };
}

/**
 * Reads BPMN files and runs a process to its end: engine steps run scripts and gateways, READY
 * user and manual tasks get their form data from the answers, messages are delivered when
 * something waits for them, and the injected clock (never the wall clock) moves when only timers
 * are left. Between engine steps it does one thing at a time, in this order: answer the first
 * READY user or manual task (tree order), deliver the first listed message something waits for,
 * move the clock. Stops early when none of these applies.
 *
 * @throws {@link ValidationError} when a file is malformed or the process is unknown
 * @throws {@link AnswersError} when the run reaches a task the answers have no answer for
 * @throws {@link WorkflowError} when the workflow fails (a script error, say)
 * @example
 * ```ts
 * const answers = loadAnswersFile('examples/order.answers.json');
 * const result = runBpmnFiles(['examples/order.bpmn'], { process: 'order', answers });
 * console.log(result.completed, result.path, result.data);
 * ```
 */
export function runBpmnFiles(
  files: readonly string[],
  options: BpmnRunOptions = {},
): BpmnRunResult {
  return runBpmn(
    files.map((file) => ({ file, text: readText(file) })),
    options,
  );
}

/** {@link runBpmnFiles} on texts already read. */
export function runBpmn(
  sources: readonly BpmnSource[],
  options: BpmnRunOptions = {},
): BpmnRunResult {
  const { parser, process } = parseBpmn(sources, options.process, options.flavour);
  const spec = parser.getSpec(process);
  const subprocessSpecs = parser.getSubprocessSpecs(process);
  const answers = options.answers;
  checkAnswerIds(answers, [spec, ...subprocessSpecs.values()], process);

  let now = startTime(options.startTime ?? answers?.startTime);
  const workflow = new BpmnWorkflow(spec, subprocessSpecs, {
    registry: createBpmnRegistry(flavourOf(options.flavour ?? 'bpmn').flavour),
    clock: () => now,
    data: { ...cloneData(answers?.data ?? {}), ...cloneData(options.data ?? {}) },
  });
  const log: string[] = [`started process '${process}' at ${isoFormat(now)}`];
  const used = new Map<string, number>();
  const pending: MessageAnswer[] = [...(answers?.messages ?? [])];
  const step = answers?.advanceClock;
  const stepMs = step === undefined ? undefined : durationToMs(step);
  const maxActions = options.maxActions ?? 1000;

  for (let actions = 0; ; actions++) {
    if (actions >= maxActions) {
      throw new WorkflowError(
        `Gave up after ${String(maxActions)} answers, messages and clock moves`,
      );
    }
    workflow.doEngineSteps();
    if (workflow.isCompleted()) break;

    const manual = workflow.getNextTask({ state: TaskState.READY, manual: true });
    if (manual !== undefined) {
      const answer = answerFor(manual, answers, used);
      manual.setData(cloneData(answer));
      manual.run();
      const fields = Object.keys(answer).join(', ') || 'no fields';
      log.push(`answered ${kindOf(manual)} ${label(manual)}: ${fields}`);
      continue;
    }

    const waiting = workflow.waitingEvents();
    const message = pending.find((m) =>
      waiting.some((w) => catchesMessage(w.task.taskSpec as BpmnSpec, m.name)),
    );
    if (message !== undefined) {
      pending.splice(pending.indexOf(message), 1);
      workflow.sendEvent({
        definition: { typename: 'MessageEventDefinition', name: message.name },
        ...(message.payload === undefined ? {} : { payload: cloneData(message.payload) }),
        ...(message.correlations === undefined ? {} : { correlations: message.correlations }),
      });
      log.push(`delivered message '${message.name}' at ${isoFormat(now)}`);
      continue;
    }

    const timers = waiting.filter((w) => hasTimer((w.task.taskSpec as BpmnSpec).eventDefinition));
    if (timers.length > 0) {
      const before = now;
      const names = timers
        .map((t) => `${label(t.task)}${typeof t.value === 'string' ? `, due ${t.value}` : ''}`)
        .join('; ');
      const fired = (): boolean =>
        timers.some((t) => !t.task.hasState(TaskState.WAITING)) ||
        workflow.getNextTask({ state: TaskState.READY }) !== undefined;
      if (stepMs === undefined) {
        const due = timers
          .map((t) => (typeof t.value === 'string' ? Date.parse(t.value) : NaN))
          .filter((ms) => !Number.isNaN(ms));
        if (due.length === 0) {
          throw new AnswersError(
            `Cannot tell when ${names} is due: set 'advanceClock' in the answers file`,
          );
        }
        // Matches SpiffWorkflow: a timer fires only strictly after its due time.
        now = Math.max(now, Math.floor(Math.min(...due) / 1000) * 1000 + 1000);
        workflow.refreshWaitingTasks();
      } else {
        let moves = 0;
        do {
          now += stepMs;
          moves += 1;
          workflow.refreshWaitingTasks();
        } while (!fired() && moves < maxActions);
      }
      const steps =
        stepMs === undefined
          ? ''
          : ` in ${String(Math.round((now - before) / stepMs))} × ${step ?? ''}`;
      log.push(
        `advanced the clock to ${isoFormat(now)}${steps}: ${fired() ? 'fired' : 'still waiting:'} ${names}`,
      );
      continue;
    }

    const stuck = waiting.map(
      (w) => `${label(w.task)} (${describeEvent(w.task.taskSpec as BpmnSpec)})`,
    );
    log.push(
      stuck.length > 0
        ? `stopped: waiting for ${stuck.join(', ')}, which the answers do not provide`
        : 'stopped: no task is ready or waiting',
    );
    break;
  }
  if (workflow.isCompleted()) log.push(`completed at ${isoFormat(now)}`);
  for (const [id, list] of Object.entries(answers?.tasks ?? {})) {
    const left = list.length - (used.get(id) ?? 0);
    if (left > 0) log.push(`${String(left)} answer(s) for '${id}' were not used`);
  }
  for (const m of pending) log.push(`message '${m.name}' was never waited for`);

  const tree = taskTree(workflow);
  return {
    process,
    completed: workflow.isCompleted(),
    path: tree.filter((t) => t.state === 'COMPLETED').map((t) => t.id),
    log,
    tree,
    data: cloneData(workflow.data),
    clock: now,
    workflow,
  };
}

/**
 * The workflow's task tree, depth first, without the engine's internal helper tasks (the
 * process `Start`, `EndJoin` and `End`, boundary and start event splits and joins); depth counts
 * only the tasks listed.
 */
export function taskTree(workflow: BpmnWorkflow): TaskLine[] {
  const lines: TaskLine[] = [];
  const visit = (task: Task, depth: number): void => {
    const spec = task.taskSpec as BpmnSpec;
    const shown = spec.bpmnId !== null || spec.name.endsWith(' [child]');
    if (shown) {
      lines.push({
        depth,
        id: spec.bpmnId ?? spec.name,
        name: spec.bpmnName,
        typename: spec.typename,
        state: taskStateName(task.state),
      });
    }
    for (const child of task.children) visit(child, shown ? depth + 1 : depth);
  };
  visit(workflow.taskTree, 0);
  return lines;
}

function startTime(value: string | number | undefined): number {
  if (value === undefined) return Math.floor(Date.now() / 1000) * 1000; // whole seconds read better
  const ms = typeof value === 'number' ? value : Date.parse(value);
  if (Number.isNaN(ms)) {
    throw new AnswersError(
      `The start time must be an ISO 8601 date and time, got '${String(value)}'`,
    );
  }
  return ms;
}

function checkAnswerIds(
  answers: Answers | undefined,
  specs: readonly { taskSpecs: ReadonlyMap<string, unknown> }[],
  process: string,
): void {
  if (answers === undefined) return;
  const known = new Set(specs.flatMap((s) => [...s.taskSpecs.keys()]));
  for (const id of Object.keys(answers.tasks)) {
    if (!known.has(id)) {
      throw new AnswersError(
        `${answers.source}: 'tasks.${id}' names no task of process '${process}'`,
      );
    }
  }
}

function answerFor(
  task: Task,
  answers: Answers | undefined,
  used: Map<string, number>,
): DataObject {
  const id = answerId(task);
  if (answers === undefined) {
    throw new AnswersError(
      `The ${kindOf(task)} ${label(task)} is ready and needs an answer: pass --answers <file.json>`,
    );
  }
  const list = answers.tasks[id];
  const count = used.get(id) ?? 0;
  const answer = list?.[count];
  if (answer === undefined) {
    throw new AnswersError(
      list === undefined
        ? `${answers.source} has no answer for the ${kindOf(task)} ${label(task)}: add "tasks": { "${id}": { ... } }`
        : `${answers.source} has ${String(list.length)} answer(s) for the ${kindOf(task)} ${label(task)}, which is ready again`,
    );
  }
  used.set(id, count + 1);
  return answer;
}

/** Multi-instance and loop instances (`<id> [child]`) are answered under their task's id. */
function answerId(task: Task): string {
  const spec = task.taskSpec as BpmnSpec;
  return spec.bpmnId ?? spec.name.replace(/ \[child\]$/, '');
}

function label(task: Task): string {
  const spec = task.taskSpec as BpmnSpec;
  return spec.bpmnName ? `'${spec.name}' (${spec.bpmnName})` : `'${spec.name}'`;
}

function kindOf(task: Task): string {
  switch (task.taskSpec.typename) {
    case 'UserTask':
      return 'user task';
    case 'ManualTask':
      return 'manual task';
    default:
      return 'task';
  }
}

function catchesMessage(spec: BpmnSpec, name: string): boolean {
  const def = spec.eventDefinition;
  return def !== undefined && definitionMatches(def, { typename: 'MessageEventDefinition', name });
}

function hasTimer(def: EventDefinition | undefined): boolean {
  return isTimer(def) || (def?.eventDefinitions ?? []).some((d) => isTimer(d));
}

function describeEvent(spec: BpmnSpec): string {
  const def = spec.eventDefinition;
  if (def === undefined) return 'an event';
  const kind = def.typename.replace(/EventDefinition$/, '').toLowerCase();
  return def.name ? `${kind} '${def.name}'` : kind;
}
