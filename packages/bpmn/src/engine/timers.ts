import { TaskState, WorkflowTaskError, type Task } from '@spiff-ts/core';
import type { BpmnSpec, EventDefinition } from '../specs.js';
import type { BpmnWorkflow } from './workflow.js';

const top = (task: Task): BpmnWorkflow => task.workflow.topWorkflow as BpmnWorkflow;

interface Duration {
  years: number;
  months: number;
  weeks: number;
  days: number;
  hours: number;
  minutes: number;
  seconds: number;
}

/**
 * Parses an ISO 8601 duration (`P1Y2M3DT4H5M6.5S`, `P2W`).
 * @throws Error when the text is not a duration
 */
export function parseIsoDuration(text: string): Duration {
  const m =
    /^P(?:(\d+(?:[.,]\d+)?)Y)?(?:(\d+(?:[.,]\d+)?)M)?(?:(\d+(?:[.,]\d+)?)W)?(?:(\d+(?:[.,]\d+)?)D)?(?:T(?:(\d+(?:[.,]\d+)?)H)?(?:(\d+(?:[.,]\d+)?)M)?(?:(\d+(?:[.,]\d+)?)S)?)?$/i.exec(
      text.trim(),
    );
  if (!m || text.trim().toUpperCase() === 'P' || /T$/i.test(text.trim())) {
    throw new Error('Invalid duration');
  }
  const n = (i: number) => Number((m[i] ?? '0').replace(',', '.'));
  return {
    years: n(1),
    months: n(2),
    weeks: n(3),
    days: n(4),
    hours: n(5),
    minutes: n(6),
    seconds: n(7),
  };
}

function daysInMonth(year: number, month0: number): number {
  return new Date(Date.UTC(year, month0 + 1, 0)).getUTCDate();
}

/** Milliseconds a duration lasts when it starts at `start` (months have their calendar length). */
export function durationMs(d: Duration, start: number): number {
  let days = d.days + d.weeks * 7;
  const months = d.months + d.years * 12;
  const s = new Date(start);
  for (let i = 0; i < Math.floor(months); i++) {
    const total = s.getUTCMonth() + i;
    days += daysInMonth(s.getUTCFullYear() + Math.floor(total / 12), total % 12);
  }
  const frac = months - Math.floor(months);
  if (frac > 0) {
    const total = s.getUTCMonth() + Math.floor(months);
    days += frac * daysInMonth(s.getUTCFullYear() + Math.floor(total / 12), total % 12);
  }
  return Math.round(((days * 24 + d.hours) * 60 + d.minutes) * 60_000 + d.seconds * 1000);
}

/** Parses an ISO datetime; a value without offset is taken as UTC. */
export function parseIsoDate(text: string): number {
  let t = text.trim();
  if (/^\d{4}-\d{2}-\d{2}$/.test(t)) t += 'T00:00:00';
  if (!/(Z|[+-]\d{2}:?\d{2})$/i.test(t)) t += 'Z';
  const ms = Date.parse(t);
  if (Number.isNaN(ms)) throw new Error(`Invalid datetime '${text}'`);
  return ms;
}

/** Python's `datetime.isoformat()` of a UTC instant. */
export function isoFormat(ms: number): string {
  const d = new Date(ms);
  const pad = (n: number, w = 2) => String(n).padStart(w, '0');
  const base = `${pad(d.getUTCFullYear(), 4)}-${pad(d.getUTCMonth() + 1)}-${pad(d.getUTCDate())}T${pad(d.getUTCHours())}:${pad(d.getUTCMinutes())}:${pad(d.getUTCSeconds())}`;
  const micro = d.getUTCMilliseconds() * 1000;
  return `${base}${micro === 0 ? '' : `.${pad(micro, 6)}`}+00:00`;
}

function evaluateText(task: Task, expression: string): string {
  const value = top(task).scriptEngine.evaluateToData(task, expression);
  if (typeof value === 'string') return value;
  if (value !== null && typeof value === 'object' && 'value' in value) {
    const v = (value as { value: unknown }).value;
    if (typeof v === 'string') return v;
  }
  throw new WorkflowTaskError(`Invalid timer expression '${expression}'`, task.id, task.trace());
}

function parseTimeOrDuration(text: string): number | Duration {
  if (/^P/i.test(text.trim())) return parseIsoDuration(text);
  return parseIsoDate(text);
}

/** Computes (once) and checks a timer's due time; sets `event_fired` when it has passed. */
export function timerFired(task: Task<BpmnSpec>, def: EventDefinition): boolean {
  if (task.internalData['event_fired'] === true) return true;
  const now = top(task).now();
  try {
    if (def.typename === 'TimeDateEventDefinition') {
      let value = task.internalData['event_value'];
      if (value === undefined || value === null) {
        value = evaluateText(task, def.expression ?? '');
        task.internalData['event_value'] = value;
      }
      if (parseIsoDate(String(value)) < now) task.internalData['event_fired'] = true;
    } else if (def.typename === 'DurationTimerEventDefinition') {
      let value = task.internalData['event_value'];
      if (value === undefined || value === null) {
        const duration = parseIsoDuration(evaluateText(task, def.expression ?? ''));
        value = isoFormat(now + durationMs(duration, now));
        task.internalData['event_value'] = value;
      }
      if (parseIsoDate(String(value)) < now) task.internalData['event_fired'] = true;
    }
  } catch (error) {
    if (error instanceof WorkflowTaskError) throw error;
    throw new WorkflowTaskError(
      `Error evaluating timer: ${error instanceof Error ? error.message : String(error)}`,
      task.id,
      task.trace(),
      { cause: error },
    );
  }
  return task.internalData['event_fired'] === true;
}

interface CycleValue {
  cycles: number;
  next: string;
  duration: number;
}

function parseCycle(task: Task, text: string): CycleValue {
  const parts = text.toUpperCase().replace('--', '/').replace(/^R/, '').split('/');
  const cycles = parts[0] ? Number(parts[0]) : -1;
  const first = parseTimeOrDuration(parts[1] ?? '');
  const second = parts.length === 3 ? parseTimeOrDuration(parts[2] ?? '') : undefined;
  const now = top(task).now();
  let start: number;
  let duration: number;
  if (typeof first === 'number') {
    start = first;
    duration = second === undefined || typeof second === 'number' ? 0 : durationMs(second, first);
  } else if (typeof second === 'number') {
    duration = durationMs(first, second);
    start = second - duration;
  } else if (second === undefined) {
    duration = durationMs(first, now);
    start = now + duration;
  } else {
    throw new Error('Invalid recurring interval');
  }
  return { cycles, next: isoFormat(start), duration: duration / 1000 };
}

/** Timer work on update: a cycle timer adds a branch each time its next occurrence passes. */
export function timerUpdate(task: Task<BpmnSpec>, def: EventDefinition): void {
  if (def.typename !== 'CycleTimerEventDefinition') return;
  let value = task.internalData['event_value'] as CycleValue | undefined;
  if (value === undefined || value === null) {
    try {
      value = parseCycle(task, evaluateText(task, def.expression ?? ''));
    } catch (error) {
      if (error instanceof WorkflowTaskError) throw error;
      throw new WorkflowTaskError('Invalid cycle timer', task.id, task.trace(), { cause: error });
    }
  }
  let ready = false;
  if (value.cycles !== 0) {
    const next = parseIsoDate(value.next);
    if (next < top(task).now()) {
      value = {
        ...value,
        next: isoFormat(next + value.duration * 1000),
        cycles: value.cycles - 1,
      };
      ready = true;
    }
    task.internalData['event_value'] = value;
  } else {
    delete task.internalData['event_value'];
    task.internalData['event_fired'] = true;
  }
  if (ready) {
    for (const spec of task.workflow.outputSpecs(task.taskSpec)) {
      const child = task.addChild(spec, TaskState.FUTURE);
      child.predict(
        TaskState.FUTURE | TaskState.WAITING | TaskState.READY | TaskState.MAYBE | TaskState.LIKELY,
      );
      child.update();
    }
  }
}
