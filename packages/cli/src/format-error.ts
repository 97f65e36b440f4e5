import { ValidationError, WorkflowError, WorkflowTaskError, type SpiffError } from '@spiff-ts/core';

/**
 * One line for an error the library raised on purpose: the file, line and element of a
 * {@link ValidationError} when known, the task a {@link WorkflowError} happened in, then the
 * message and its notes.
 *
 * @example `ValidationError: examples/order.bpmn:98: Sequence flow target 'nope' was not found`
 */
export function formatError(error: SpiffError): string {
  let where = '';
  let element = '';
  if (error instanceof ValidationError) {
    const { file, line, elementId } = error.location;
    if (file !== undefined) where = `${file}${line === undefined ? '' : `:${String(line)}`}: `;
    if (elementId !== undefined && !error.message.includes(`'${elementId}'`)) {
      element = ` (element '${elementId}')`;
    }
  } else if (error instanceof WorkflowError) {
    const task =
      error.specName ?? (error instanceof WorkflowTaskError ? error.taskTrace.at(-1) : undefined);
    if (task !== undefined && !error.message.includes(`'${task}'`)) element = ` (task '${task}')`;
  }
  const notes = error.notes.map((note) => ` (${note})`).join('');
  return `${error.name}: ${where}${error.message}${element}${notes}`.replace(/\s*\n\s*/g, ' ');
}
