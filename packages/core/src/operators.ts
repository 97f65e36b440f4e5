import { WorkflowTaskError } from './errors.js';

/** Marks a value as the name of a data field, resolved at run time. SpiffWorkflow's `Attrib`. */
export interface Attrib {
  readonly typename: 'Attrib';
  readonly name: string;
}
/** A `/`-separated path into nested data, resolved at run time. SpiffWorkflow's `PathAttrib`. */
export interface PathAttrib {
  readonly typename: 'PathAttrib';
  readonly path: string;
}
/** A literal or a reference to data. */
export type Term = string | number | boolean | null | Attrib | PathAttrib;

/** Sets `left` in the target's data from a literal `right` or the source's `rightAttribute`. */
export interface Assign {
  readonly typename: 'Assign';
  readonly left: string;
  readonly right?: Term;
  readonly rightAttribute?: string;
}

/** Typenames of the comparison operators. */
export type OperatorTypename = 'Equal' | 'NotEqual' | 'GreaterThan' | 'LessThan' | 'Match';
/** A condition over terms; values are compared as Python strings (`str(value)`). */
export interface Operator {
  readonly typename: OperatorTypename;
  readonly args: readonly Term[];
  /** Only for `Match`: the regular expression every argument must contain a match of. */
  readonly regex?: string;
}

/** Anything with data that terms can be resolved against: a task or a workflow. */
export interface DataScope {
  getData(name: string, fallback?: unknown): unknown;
  setData(values: Readonly<Record<string, unknown>>): void;
}

/** Builds an {@link Attrib}. */
export function attrib(name: string): Attrib {
  return { typename: 'Attrib', name };
}
/** Builds a {@link PathAttrib}. */
export function pathAttrib(path: string): PathAttrib {
  return { typename: 'PathAttrib', path };
}
/** Builds an {@link Assign}; give exactly one of `right` and `rightAttribute`. */
export function assign(left: string, source: { right: Term } | { rightAttribute: string }): Assign {
  return { typename: 'Assign', left, ...source };
}
/** Builds an {@link Operator}. */
export function operator(typename: OperatorTypename, ...args: Term[]): Operator {
  return { typename, args };
}

function isRef(term: unknown): term is Attrib | PathAttrib {
  return (
    typeof term === 'object' &&
    term !== null &&
    ((term as Attrib).typename === 'Attrib' || (term as PathAttrib).typename === 'PathAttrib')
  );
}

/**
 * Resolves a term against a scope's data. Matches SpiffWorkflow's `valueof`: `null` gives the
 * fallback, a missing attribute or path gives the fallback, a literal is returned as is.
 */
export function valueOf(scope: DataScope, term: Term | undefined, fallback?: unknown): unknown {
  if (term === null || term === undefined) return fallback;
  if (!isRef(term)) return term;
  if (term.typename === 'Attrib') return scope.getData(term.name, fallback);
  if (!term.path) return fallback;
  const [head, ...rest] = term.path.split('/');
  let value: unknown = scope.getData(head ?? '', MISSING);
  if (value === MISSING) return fallback;
  for (const part of rest) {
    if (typeof value !== 'object' || value === null || !(part in value)) return fallback;
    value = (value as Record<string, unknown>)[part];
  }
  return value;
}
const MISSING = Symbol('missing');

/** Python's `str()` for the values a spec compares: `True`, `None`, `1`, `1.5`. */
export function pyStr(value: unknown): string {
  if (value === null || value === undefined) return 'None';
  if (value === true) return 'True';
  if (value === false) return 'False';
  if (typeof value === 'number') {
    if (Number.isInteger(value)) return String(value);
    if (Number.isNaN(value)) return 'nan';
    if (!Number.isFinite(value)) return value > 0 ? 'inf' : '-inf';
    return String(value);
  }
  if (typeof value === 'string') return value;
  if (Array.isArray(value)) return `[${value.map(pyRepr).join(', ')}]`;
  if (typeof value === 'object') {
    const entries = Object.entries(value as Record<string, unknown>);
    return `{${entries.map(([k, v]) => `${pyRepr(k)}: ${pyRepr(v)}`).join(', ')}}`;
  }
  return String(value);
}
function pyRepr(value: unknown): string {
  return typeof value === 'string'
    ? `'${value.replace(/\\/g, '\\\\').replace(/'/g, "\\'")}'`
    : pyStr(value);
}

function pyInt(text: string, where: { id: string; name: string }): number {
  const t = text.trim().replace(/_/g, '');
  if (!/^[+-]?\d+$/.test(t)) {
    throw new WorkflowTaskError(`Invalid literal for int() with base 10: '${text}'`, where.id, [
      where.name,
    ]);
  }
  return Number.parseInt(t, 10);
}

/** Where an operator is evaluated, for error messages. */
export interface EvalSite extends DataScope {
  readonly id: string;
  readonly taskSpec: { readonly name: string };
}

/** Evaluates an operator against a task's data, with SpiffWorkflow's semantics. */
export function matches(op: Operator, task: EvalSite): boolean {
  const values = op.args.map((arg) => pyStr(valueOf(task, arg)));
  const where = { id: task.id, name: task.taskSpec.name };
  switch (op.typename) {
    case 'Equal':
      return values.every((v) => v === values[0]);
    case 'NotEqual':
      return !values.every((v) => v === values[0]);
    case 'GreaterThan':
      return pyInt(values[0] ?? '', where) > pyInt(values[1] ?? '', where);
    case 'LessThan':
      return pyInt(values[0] ?? '', where) < pyInt(values[1] ?? '', where);
    case 'Match': {
      const re = new RegExp(op.regex ?? '');
      return values.every((v) => re.test(v));
    }
  }
}

/**
 * Applies an assignment: reads from `from`, writes to `to`. SpiffWorkflow's `Assign.assign`; a
 * missing source field assigns `null` (Python's `None`).
 */
export function applyAssign(a: Assign, from: DataScope, to: DataScope): void {
  const value =
    a.right !== undefined && a.right !== null
      ? a.right
      : from.getData(a.rightAttribute ?? '', null);
  to.setData({ [a.left]: value });
}
