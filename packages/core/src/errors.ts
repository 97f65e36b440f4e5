/** Base class of every error the library throws on purpose. */
export class SpiffError extends Error {
  override readonly name: string = 'SpiffError';
  /** Hints such as "Did you mean 'amount'?". */
  readonly notes: string[];
  constructor(message: string, options: ErrorOptions & { notes?: readonly string[] } = {}) {
    super(message, { cause: options.cause });
    this.notes = [...(options.notes ?? [])];
  }
  /** Adds a hint (Python 3.11's `add_note`). */
  addNote(note: string): void {
    this.notes.push(note);
  }
}

/** Where a {@link ValidationError} was found. */
export interface ValidationLocation {
  readonly file?: string;
  readonly elementId?: string;
  readonly tag?: string;
  readonly line?: number;
  readonly column?: number;
}

/** The model is invalid. Raised while parsing or building a spec, never while running. */
export class ValidationError extends SpiffError {
  override readonly name: string = 'ValidationError';
  readonly location: ValidationLocation;
  constructor(message: string, location: ValidationLocation = {}, options?: ErrorOptions) {
    super(message, options);
    this.location = location;
  }
}

/** Something went wrong while running a workflow. */
export class WorkflowError extends SpiffError {
  override readonly name: string = 'WorkflowError';
  /** Name of the task spec involved, when there is one. */
  readonly specName: string | undefined;
  constructor(
    message: string,
    options: ErrorOptions & { notes?: readonly string[]; specName?: string } = {},
  ) {
    super(message, options);
    this.specName = options.specName;
  }
}

/** A running task failed; carries the task's id and the trace of spec names leading to it. */
export class WorkflowTaskError extends WorkflowError {
  override readonly name: string = 'WorkflowTaskError';
  readonly taskId: string;
  readonly taskTrace: readonly string[];
  constructor(
    message: string,
    taskId: string,
    taskTrace: readonly string[] = [],
    options: ErrorOptions & { notes?: readonly string[]; specName?: string } = {},
  ) {
    super(message, options);
    this.taskId = taskId;
    this.taskTrace = taskTrace;
  }
}

/** A task's data could not be read or written as the spec requires. */
export class WorkflowDataError extends WorkflowTaskError {
  override readonly name: string = 'WorkflowDataError';
}

/** No task has the given id. */
export class TaskNotFoundError extends WorkflowError {
  override readonly name: string = 'TaskNotFoundError';
}

/** A document could not be serialized or read back (unknown version, typename, shape). */
export class SerializationError extends SpiffError {
  override readonly name: string = 'SerializationError';
}
