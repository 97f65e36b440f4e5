/**
 * The DMN-only scenarios of the spiff behaviour corpus (`shared/conformance/spiff`), run
 * through `decideForScenario`: every `dmn-*` scenario in `scenarios/`, and the DMN ones in
 * `divergent/` checked against what their `divergence.correct` says.
 */
import { existsSync, readFileSync, readdirSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import type { JsonLike } from '@spiff-ts/python';
import { decideForScenario, loadForScenario } from '@spiff-ts/dmn';
import { compareObservation } from '../../conformance/src/spiff/compare.js';
import { parseScenario, type Scenario } from '../../conformance/src/spiff/scenario.js';
import {
  PyDecimal,
  PyFloat,
  PyRepr,
  PySet,
  PyTemporal,
  PyTimedelta,
  PyTuple,
  type SpiffValue,
} from '../../conformance/src/spiff/values.js';

const here = dirname(fileURLToPath(import.meta.url));
const corpus = resolve(here, '../../../../shared/conformance/spiff');
const present = existsSync(join(corpus, 'scenarios'));

function toJson(value: SpiffValue): JsonLike {
  if (value === null || typeof value !== 'object') return value;
  if (Array.isArray(value)) return (value as readonly SpiffValue[]).map(toJson);
  if (value instanceof PyFloat) return { typename: 'float', value: String(value.value) };
  if (value instanceof PyTemporal) return { typename: value.kind, value: value.iso };
  if (value instanceof PyDecimal) return { typename: 'Decimal', value: value.text };
  if (value instanceof PyTimedelta) {
    return { typename: 'timedelta', value: { days: 0, seconds: value.seconds, microseconds: 0 } };
  }
  if (value instanceof PyTuple) return { typename: 'tuple', value: value.items.map(toJson) };
  if (value instanceof PySet) return { typename: 'set', value: value.items.map(toJson) };
  if (value instanceof PyRepr) return null;
  const out: { [key: string]: JsonLike } = {};
  for (const [k, v] of Object.entries(value)) out[k] = toJson(v as SpiffValue);
  return out;
}

function fromJson(value: JsonLike): SpiffValue {
  if (value === null || typeof value !== 'object') {
    return typeof value === 'number' && !Number.isInteger(value) ? new PyFloat(value) : value;
  }
  if (Array.isArray(value)) return value.map(fromJson);
  if (typeof value.typename === 'string' && 'value' in value && Object.keys(value).length === 2) {
    const v = value.value;
    switch (value.typename) {
      case 'float':
        return new PyFloat(Number(v));
      case 'datetime':
      case 'date':
      case 'time':
        return new PyTemporal(value.typename, String(v));
      case 'Decimal':
        return new PyDecimal(String(v));
    }
  }
  const out: { [key: string]: SpiffValue } = {};
  for (const [k, v] of Object.entries(value)) out[k] = fromJson(v);
  return out;
}

function load(folder: string, prefix: string): Scenario[] {
  const dir = join(corpus, folder);
  return readdirSync(dir)
    .filter((f) => f.startsWith(prefix) && f.endsWith('.json'))
    .sort()
    .map((f) => parseScenario(readFileSync(join(dir, f), 'utf8'), f))
    .filter((s) => s.load.process === undefined && s.load.collaboration === undefined);
}

function files(scenario: Scenario): { path: string; text: string }[] {
  return (scenario.load.dmn ?? []).map((path) => ({
    path,
    text: readFileSync(join(corpus, 'models', path), 'utf8'),
  }));
}

/** Runs a scenario; `failing` are the decide steps that must fail instead of what was recorded. */
function run(
  scenario: Scenario,
  options: { loads?: boolean; failing?: readonly number[] } = {},
): void {
  const validate = scenario.load.validate ?? true;
  const loaded = loadForScenario(files(scenario), { validate });
  const loadExpect = options.loads === true ? null : scenario.load_expect.error;
  expect(loaded.error?.kind ?? null, loaded.error?.message).toBe(loadExpect?.kind ?? null);
  scenario.steps.forEach((step, index) => {
    if (step.op !== 'decide') throw new Error(`unexpected op ${step.op}`);
    const outcome = decideForScenario(
      files(scenario),
      scenario.load.decision,
      toJson(step.context),
      {
        validate,
      },
    );
    const observation = {
      error:
        outcome.error === null
          ? null
          : {
              kind: outcome.error.kind,
              ...(step.did_you_mean === true ? { did_you_mean: outcome.error.did_you_mean } : {}),
            },
      result: outcome.result === null ? null : fromJson(outcome.result),
      matched: outcome.matched,
    };
    const expected = options.failing?.includes(index)
      ? { error: { kind: 'task' as const }, result: null, matched: null }
      : step.expect;
    if (expected === undefined) return;
    const difference = compareObservation(expected, observation);
    expect(
      difference,
      `step ${index}: ${JSON.stringify(difference)} (${outcome.error?.message ?? 'no error'})`,
    ).toBeUndefined();
  });
}

if (present) {
  describe('spiff corpus: DMN-only scenarios', () => {
    const scenarios = present ? load('scenarios', 'dmn-') : [];
    it('finds them', () => {
      expect(scenarios.length).toBe(18);
    });
    it.each(scenarios.map((s) => [s.id, s] as const))('%s', (_, scenario) => {
      run(scenario);
    });
  });

  describe('spiff corpus: divergent DMN scenarios, as correct engines behave', () => {
    const scenarios = present ? load('divergent', 'dmn-') : [];
    it.each(scenarios.map((s) => [s.id, s] as const))('%s', (_, scenario) => {
      const correct = scenario.divergence?.correct ?? '';
      if (/load_expect\.error is null/.test(correct)) {
        run(scenario, { loads: true });
        return;
      }
      const steps = /^Steps? ([\d ,and]+):/.exec(correct)?.[1] ?? '';
      const failing = [...steps.matchAll(/\d+/g)].map((m) => Number(m[0]));
      expect(failing.length, correct).toBeGreaterThan(0);
      run(scenario, { failing });
    });
  });
} else {
  describe('spiff corpus', () => {
    it('is absent', () => {
      console.warn(`spiff corpus not found at ${corpus}: DMN scenarios not run`);
      expect(present).toBe(false);
    });
  });
}
