/** Hit policies and aggregations, shared by the FEEL and the Python decision tables. */
import { DmnEvaluationError } from './errors.js';

/** DMN hit policies (the spelled-out forms; `U`, `C+`, ... are normalised to these). */
export type HitPolicy =
  'UNIQUE' | 'FIRST' | 'PRIORITY' | 'ANY' | 'RULE ORDER' | 'OUTPUT ORDER' | 'COLLECT';

/** Aggregations of the COLLECT hit policy. */
export type Aggregation = 'SUM' | 'MIN' | 'MAX' | 'COUNT';

const POLICIES: Readonly<Record<string, HitPolicy>> = {
  UNIQUE: 'UNIQUE',
  U: 'UNIQUE',
  FIRST: 'FIRST',
  F: 'FIRST',
  PRIORITY: 'PRIORITY',
  P: 'PRIORITY',
  ANY: 'ANY',
  A: 'ANY',
  'RULE ORDER': 'RULE ORDER',
  R: 'RULE ORDER',
  'OUTPUT ORDER': 'OUTPUT ORDER',
  O: 'OUTPUT ORDER',
  COLLECT: 'COLLECT',
  C: 'COLLECT',
};

/** Reads a `hitPolicy` attribute (default UNIQUE); undefined when it is not a hit policy. */
export function parseHitPolicy(text: string): HitPolicy | undefined {
  const key = text.trim().toUpperCase().replace(/_/g, ' ');
  return key === '' ? 'UNIQUE' : POLICIES[key];
}

/** Reads an `aggregation` attribute; undefined when absent. */
export function parseAggregation(text: string): Aggregation | undefined {
  const key = text.trim().toUpperCase();
  return key === 'SUM' || key === 'MIN' || key === 'MAX' || key === 'COUNT' ? key : undefined;
}

/** What a hit policy needs to know about a table. */
export interface HitPolicyTable {
  readonly id: string;
  readonly hitPolicy: HitPolicy;
  /** Per output: its allowed values in priority order (PRIORITY, OUTPUT ORDER), if listed. */
  readonly priorities: readonly (readonly unknown[] | undefined)[];
}

/**
 * Selects and orders the matched rules' outputs as the hit policy says: `rows` are the output
 * values of each matched rule, in rule order. Returns the rows that make up the result, in
 * result order, and whether the result is a single row (single-hit policies).
 *
 * @throws {@link DmnEvaluationError} when UNIQUE matches several rules or ANY's matches disagree
 */
export function selectRows(
  table: HitPolicyTable,
  matchedIds: readonly string[],
  rows: readonly (readonly unknown[])[],
  equals: (a: unknown, b: unknown) => boolean,
): { readonly rows: readonly (readonly unknown[])[]; readonly single: boolean } {
  switch (table.hitPolicy) {
    case 'UNIQUE':
      if (rows.length > 1) {
        throw new DmnEvaluationError(
          `Hit policy UNIQUE of '${table.id}' violated: rules ${matchedIds.map((id) => `'${id}'`).join(', ')} all match`,
          { elementId: table.id },
        );
      }
      return { rows, single: true };
    case 'FIRST':
      return { rows: rows.slice(0, 1), single: true };
    case 'ANY': {
      const [first, ...others] = rows;
      if (first !== undefined && others.some((row) => !row.every((v, i) => equals(v, first[i])))) {
        throw new DmnEvaluationError(
          `Hit policy ANY of '${table.id}' violated: matching rules have different outputs`,
          { elementId: table.id },
        );
      }
      return { rows: rows.slice(0, 1), single: true };
    }
    case 'PRIORITY':
      return { rows: byPriority(table, rows, equals).slice(0, 1), single: true };
    case 'OUTPUT ORDER':
      return { rows: byPriority(table, rows, equals), single: false };
    case 'RULE ORDER':
    case 'COLLECT':
      return { rows, single: false };
  }
}

function byPriority(
  table: HitPolicyTable,
  rows: readonly (readonly unknown[])[],
  equals: (a: unknown, b: unknown) => boolean,
): (readonly unknown[])[] {
  const rank = (row: readonly unknown[]): number[] =>
    row.map((value, i) => {
      const order = table.priorities[i];
      if (order === undefined) return 0;
      const index = order.findIndex((v) => equals(v, value));
      return index < 0 ? order.length : index;
    });
  const ranked = rows.map((row, index) => ({ row, index, rank: rank(row) }));
  ranked.sort((a, b) => {
    for (let i = 0; i < a.rank.length; i += 1) {
      const d = (a.rank[i] ?? 0) - (b.rank[i] ?? 0);
      if (d !== 0) return d;
    }
    return a.index - b.index;
  });
  return ranked.map((r) => r.row);
}
