import { TaskState, cloneData, type Task, type TaskSpecLayer } from '@spiff-ts/core';
import {
  bpmnLayers,
  bpmnTaskLayer,
  computeCorrelations,
  eventLayers,
  type BpmnSpec,
  type BpmnWorkflow,
  type EventPayloads,
} from '@spiff-ts/bpmn';
import { SCRIPTED_TYPES } from './scripted.js';

const top = (task: Task): BpmnWorkflow => task.workflow.topWorkflow as BpmnWorkflow;

/**
 * SpiffArena's event payloads: a thrown event carries its payload expression's value (a message
 * without one an empty dict, other events `None`), never the task data; a caught payload goes to
 * the variable the event names (`messageVariable`, `variableName`), or nowhere.
 */
export const spiffEventPayloads: EventPayloads = {
  thrown(task, def) {
    const expression = def.payloadExpression;
    if (
      typeof expression === 'string' &&
      (expression !== '' || def.typename === 'MessageEventDefinition')
    ) {
      return top(task).scriptEngine.evaluateToData(task, expression);
    }
    return def.typename === 'MessageEventDefinition' ? {} : null;
  },
  caught(task, def, payload) {
    const variable = def.typename === 'MessageEventDefinition' ? def.messageVar : def.variable;
    if (variable) task.data[variable] = cloneData(payload ?? null);
  },
  // A waiting message event keeps its process correlations up to date with its data.
  waiting(task, def) {
    const props = def.processCorrelations ?? [];
    if (props.length === 0) return;
    const workflow = top(task);
    const values = computeCorrelations(workflow, props, task.peekData());
    Object.assign(workflow.correlationsOf(task.workflow), values);
  },
};

function runScript(task: Task, script: string, where: string): void {
  try {
    top(task).scriptEngine.execute(task, script);
  } catch (error) {
    task.setState(TaskState.ERROR);
    // Matches SpiffWorkflow: the error says which script of the task failed.
    if (error instanceof Error) {
      (error as { notes?: string[] }).notes?.push(`Error occurred in the ${where}`);
    }
    throw error;
  }
}

/**
 * SpiffArena's pre- and post-scripts (SpiffWorkflow's `SpiffBpmnTask`): the pre-script runs when
 * the task becomes ready, after its inputs are read; the post-script when it completes, before
 * its outputs are written. It sits right above the BPMN task layer in the stack of each task type
 * in {@link SCRIPTED_TYPES}.
 */
export const spiffScriptLayer: TaskSpecLayer<BpmnSpec> = {
  update(task, next) {
    const ready = next();
    const pre = task.taskSpec.extensions['preScript'];
    if (typeof pre === 'string' && pre !== '') runScript(task, pre, 'Pre-Script');
    return ready;
  },
  onComplete(task, next) {
    const post = task.taskSpec.extensions['postScript'];
    if (typeof post === 'string' && post !== '') runScript(task, post, 'Post-Script');
    next();
  },
};

type LayerTable = Readonly<Record<string, readonly TaskSpecLayer<BpmnSpec>[]>>;

/** Puts {@link spiffScriptLayer} above the BPMN task layer of each stack that has scripts. */
function withScripts(table: LayerTable): LayerTable {
  return Object.fromEntries(
    Object.entries(table).map(([typename, layers]) => [
      typename,
      SCRIPTED_TYPES.has(typename)
        ? layers.flatMap((layer) => (layer === bpmnTaskLayer ? [spiffScriptLayer, layer] : [layer]))
        : layers,
    ]),
  );
}

/**
 * The spiff flavour's layers: the BPMN stacks, tasks' with {@link spiffScriptLayer}, events' built
 * around {@link spiffEventPayloads}.
 */
export const spiffLayers: LayerTable = withScripts({
  ...bpmnLayers,
  ...eventLayers(spiffEventPayloads),
});
