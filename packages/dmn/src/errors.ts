import { SpiffError } from '@spiff-ts/core';

/**
 * Evaluating a decision failed: a hit policy was violated, an expression could not be
 * evaluated, an input is outside its allowed values, ...
 */
export class DmnEvaluationError extends SpiffError {
  override readonly name: string = 'DmnEvaluationError';
  /** Id of the DMN element being evaluated (decision, rule, ...), when known. */
  readonly elementId: string | undefined;
  constructor(
    message: string,
    options: ErrorOptions & { notes?: readonly string[]; elementId?: string } = {},
  ) {
    super(message, options);
    this.elementId = options.elementId;
  }
}
