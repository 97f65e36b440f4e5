/**
 * @packageDocumentation
 * The `spiff` command line of spiffworkflow-ts. Its library part runs BPMN processes with an
 * answers file (user tasks, messages, the injected clock) and legacy Spiff XML specs, for other
 * hosts and for tests.
 *
 * @example
 * ```ts
 * import { loadAnswersFile, runBpmnFiles } from '@spiff-ts/cli';
 * const answers = loadAnswersFile('examples/order.answers.json');
 * const { completed, path, data } = runBpmnFiles(['examples/order.bpmn'], { process: 'order', answers });
 * ```
 */
export {
  AnswersError,
  durationToMs,
  loadAnswersFile,
  parseAnswers,
  readText,
  type Answers,
  type MessageAnswer,
} from './answers.js';
export { formatError } from './format-error.js';
export {
  FLAVOURS,
  parseBpmn,
  runBpmn,
  runBpmnFiles,
  taskTree,
  type BpmnRunOptions,
  type BpmnRunResult,
  type BpmnSource,
  type FlavourName,
  type TaskLine,
} from './run-bpmn.js';
export { runSpecFile, type SpecRunResult } from './run-spec.js';
