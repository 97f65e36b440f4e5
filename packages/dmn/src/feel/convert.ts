/** Conversions between JSON-like host data (as `@spiff-ts/python` tags it) and FEEL values. */
import type { JsonLike } from '@spiff-ts/python';
import {
  FeelDate,
  FeelDateTime,
  FeelDuration,
  FeelFunction,
  FeelRange,
  FeelTime,
  duration,
  parseDate,
  parseDateTime,
  parseTime,
} from 'feelin';
import { isContext } from './values.js';

function tagged(value: {
  [key: string]: JsonLike;
}): { typename: string; value: JsonLike } | undefined {
  const keys = Object.keys(value);
  return keys.length === 2 && typeof value.typename === 'string' && 'value' in value
    ? { typename: value.typename, value: value.value ?? null }
    : undefined;
}

/** Host data → FEEL: numbers stay numbers, tagged temporal values become feelin's classes. */
export function toFeel(value: JsonLike): unknown {
  if (value === null || typeof value !== 'object') {
    return typeof value === 'bigint' ? Number(value) : value;
  }
  if (Array.isArray(value)) return value.map(toFeel);
  const tag = tagged(value);
  if (tag !== undefined) {
    const v = tag.value;
    switch (tag.typename) {
      case 'datetime':
        return typeof v === 'string' ? parseDateTime(v) : null;
      case 'date':
        return typeof v === 'string' ? parseDate(v) : null;
      case 'time':
        return typeof v === 'string' ? parseTime(v) : null;
      case 'Decimal':
      case 'float':
      case 'int':
        return Number(v);
      case 'timedelta': {
        const o = (v ?? {}) as { days?: number; seconds?: number; microseconds?: number };
        const seconds = (o.days ?? 0) * 86400 + (o.seconds ?? 0) + (o.microseconds ?? 0) / 1e6;
        return duration(`${seconds < 0 ? '-' : ''}PT${Math.abs(seconds)}S`);
      }
      case 'tuple':
      case 'set':
      case 'frozenset':
        return Array.isArray(v) ? v.map(toFeel) : null;
    }
  }
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(value)) out[k] = toFeel(v);
  return out;
}

/** FEEL → host data: temporal values become tagged ISO strings, durations their ISO text. */
export function fromFeel(value: unknown): JsonLike {
  if (value === null || value === undefined) return null;
  switch (typeof value) {
    case 'number':
      return Number.isFinite(value) ? value : null;
    case 'string':
    case 'boolean':
      return value;
    case 'bigint':
      return value;
  }
  if (Array.isArray(value)) return value.map(fromFeel);
  if (value instanceof FeelDate) return { typename: 'date', value: value.iso };
  if (value instanceof FeelDateTime) return { typename: 'datetime', value: value.iso };
  if (value instanceof FeelTime) return { typename: 'time', value: value.iso };
  if (value instanceof FeelDuration) return value.iso;
  if (value instanceof FeelRange || value instanceof FeelFunction) return null;
  if (isContext(value)) {
    const out: { [key: string]: JsonLike } = {};
    for (const [k, v] of Object.entries(value)) out[k] = fromFeel(v);
    return out;
  }
  return null;
}
