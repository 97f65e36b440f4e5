import { readFileSync } from 'node:fs';
import { SpiffError, type DataObject } from '@spiff-ts/core';

/** A message the host delivers when the workflow waits for it. */
export interface MessageAnswer {
  /** The message name (`bpmn:message/@name`). */
  readonly name: string;
  /** Merged into the catching task's data (plain BPMN) when it is an object. */
  readonly payload?: unknown;
  /** Correlation values: key name → property id → value. */
  readonly correlations?: Readonly<Record<string, Readonly<Record<string, unknown>>>>;
}

/**
 * What an answers file says about a run: it plays the people (user and manual tasks) and the
 * outside world (messages, the passing of time).
 *
 * ```json
 * { "startTime": "2026-03-02T09:00:00Z",
 *   "data": { "channel": "web" },
 *   "tasks": { "enter_order": { "customer": "Acme" }, "review": [{ "ok": false }, { "ok": true }] },
 *   "messages": [{ "name": "payment_received", "payload": { "amount": 5 } }],
 *   "advanceClock": "PT1H" }
 * ```
 */
export interface Answers {
  /** Where the answers came from, for error messages. */
  readonly source: string;
  /** The engine clock's start (ISO 8601). */
  readonly startTime?: string;
  /** Initial workflow data. */
  readonly data: DataObject;
  /** Form data to merge, by task id: one object per time the task becomes ready. */
  readonly tasks: Readonly<Record<string, readonly DataObject[]>>;
  /** Messages, each delivered once, when something waits for it. */
  readonly messages: readonly MessageAnswer[];
  /**
   * How far to move the clock each time only timers are left (ISO 8601 duration without years
   * or months); by default the clock jumps just past the earliest due timer.
   */
  readonly advanceClock?: string;
}

/** The answers file is missing, malformed, or has no answer for a task the run reaches. */
export class AnswersError extends SpiffError {
  override readonly name = 'AnswersError';
}

const KEYS = new Set(['$comment', 'startTime', 'data', 'tasks', 'messages', 'advanceClock']);

function isObject(value: unknown): value is DataObject {
  return value !== null && typeof value === 'object' && !Array.isArray(value);
}

/**
 * Checks and normalises an answers document (parsed JSON).
 * @throws {@link AnswersError} naming the source and the offending key
 */
export function parseAnswers(doc: unknown, source = 'answers'): Answers {
  const fail = (message: string): never => {
    throw new AnswersError(`${source}: ${message}`);
  };
  if (!isObject(doc)) return fail('expected a JSON object');
  for (const key of Object.keys(doc)) {
    if (!KEYS.has(key)) fail(`unknown key '${key}' (expected ${[...KEYS].slice(1).join(', ')})`);
  }
  const { startTime, data = {}, tasks = {}, messages = [], advanceClock } = doc;
  if (
    startTime !== undefined &&
    (typeof startTime !== 'string' || Number.isNaN(Date.parse(startTime)))
  ) {
    fail(`'startTime' must be an ISO 8601 date and time, got ${JSON.stringify(startTime)}`);
  }
  if (!isObject(data)) fail("'data' must be an object");
  if (!isObject(tasks)) fail("'tasks' must be an object mapping task ids to form data");
  const byTask: Record<string, DataObject[]> = {};
  for (const [id, answer] of Object.entries(tasks as DataObject)) {
    const list = Array.isArray(answer) ? answer : [answer];
    if (!list.every(isObject)) fail(`'tasks.${id}' must be an object or a list of objects`);
    byTask[id] = list as DataObject[];
  }
  if (!Array.isArray(messages)) return fail("'messages' must be a list");
  const parsedMessages = messages.map((message: unknown, i): MessageAnswer => {
    if (!isObject(message) || typeof message['name'] !== 'string') {
      return fail(`'messages[${String(i)}]' must be an object with a string 'name'`);
    }
    const correlations = message['correlations'];
    if (correlations !== undefined && !isObject(correlations)) {
      fail(`'messages[${String(i)}].correlations' must be an object`);
    }
    return {
      name: message['name'],
      ...('payload' in message ? { payload: message['payload'] } : {}),
      ...(isObject(correlations)
        ? { correlations: correlations as MessageAnswer['correlations'] }
        : {}),
    };
  });
  if (advanceClock !== undefined) {
    if (typeof advanceClock !== 'string') fail("'advanceClock' must be an ISO 8601 duration");
    durationToMs(advanceClock as string, `${source}: 'advanceClock'`);
  }
  return {
    source,
    ...(typeof startTime === 'string' ? { startTime } : {}),
    data: data as DataObject,
    tasks: byTask,
    messages: parsedMessages,
    ...(typeof advanceClock === 'string' ? { advanceClock } : {}),
  };
}

/**
 * Reads an answers file.
 * @throws {@link AnswersError} when it cannot be read, is not JSON, or is not a valid answers file
 */
export function loadAnswersFile(file: string): Answers {
  let doc: unknown;
  try {
    doc = JSON.parse(readText(file));
  } catch (error) {
    if (error instanceof SpiffError) throw error;
    throw new AnswersError(`${file}: not valid JSON (${(error as Error).message})`);
  }
  return parseAnswers(doc, file);
}

/**
 * Reads a text file.
 * @throws {@link SpiffError} naming the file when it cannot be read
 */
export function readText(file: string): string {
  try {
    return readFileSync(file, 'utf8');
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    const why =
      code === 'ENOENT'
        ? 'no such file'
        : code === 'EISDIR'
          ? 'it is a directory'
          : (error as Error).message;
    throw new SpiffError(`Cannot read '${file}': ${why}`, { cause: error });
  }
}

/**
 * Milliseconds in an ISO 8601 duration of weeks, days, hours, minutes and seconds.
 * @throws {@link AnswersError} when the text is not such a duration
 */
export function durationToMs(text: string, what = 'duration'): number {
  const m = /^P(?:(\d+)W)?(?:(\d+)D)?(?:T(?:(\d+)H)?(?:(\d+)M)?(?:(\d+(?:\.\d+)?)S)?)?$/.exec(text);
  const n = (i: number): number => Number(m?.[i] ?? 0);
  const ms = (((n(1) * 7 + n(2)) * 24 + n(3)) * 60 + n(4)) * 60_000 + n(5) * 1000;
  if (!m || text.endsWith('T') || ms <= 0) {
    throw new AnswersError(
      `${what} must be a positive ISO 8601 duration such as PT1H or P1DT30M, got '${text}'`,
    );
  }
  return ms;
}
