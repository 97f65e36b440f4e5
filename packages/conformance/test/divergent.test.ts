/**
 * The non-DMN `divergent/*.json` scenarios of the spiff corpus, replayed against what a correct
 * engine observes (their `divergence.correct`, as `src/spiff/divergent.ts` writes it out), not
 * the reference's recorded defect. The `dmn-*` ones are checked in `packages/dmn`. Scenarios the
 * engine does not correct yet are listed in `known-divergences.json` with a reason; that list
 * must be exact.
 */
import { existsSync, readFileSync, readdirSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { correctedScenario, DIVERGENT_CORRECTIONS } from '../src/spiff/divergent.js';
import { runScenario } from '../src/spiff/runner.js';
import { parseScenario } from '../src/spiff/scenario.js';

const here = dirname(fileURLToPath(import.meta.url));
const repoRoot = resolve(here, '../../..');
const corpus = resolve(repoRoot, '../shared/conformance/spiff');
const dir = resolve(corpus, 'divergent');
const present = existsSync(dir);
const absence = `Spiff divergent scenarios not found at ${dir}: the corrected runs are not possible here`;
if (!present) console.warn(absence);

/** Scenario file name → why the engine still behaves like the reference there. */
const known = JSON.parse(
  readFileSync(resolve(here, '../known-divergences.json'), 'utf8'),
) as Record<string, string>;

const names = present
  ? readdirSync(dir)
      .filter((f) => f.endsWith('.json') && !f.startsWith('dmn-'))
      .map((f) => f.slice(0, -'.json'.length))
      .sort()
  : [];

async function runCorrected(name: string): Promise<string | undefined> {
  const scenario = parseScenario(readFileSync(resolve(dir, `${name}.json`), 'utf8'), name);
  return runScenario(correctedScenario(scenario, name), corpus);
}

describe('spiff divergent scenarios, as a correct engine behaves', () => {
  if (!present) {
    it('says clearly that the corpus is absent', () => {
      expect(absence).toContain('not found');
    });
    return;
  }

  it('has corrections for exactly the non-DMN divergent scenarios', () => {
    expect(Object.keys(DIVERGENT_CORRECTIONS).sort()).toEqual(names);
    for (const name of Object.keys(known)) expect(names).toContain(name);
  });

  for (const name of names) {
    if (Object.hasOwn(known, name)) continue;
    it(`${name} behaves as divergence.correct says`, async () => {
      expect(await runCorrected(name)).toBeUndefined();
    }, 60_000);
  }

  it('known-divergences.json lists exactly the scenarios not yet corrected', async () => {
    const failing: string[] = [];
    for (const name of Object.keys(known)) {
      if ((await runCorrected(name)) !== undefined) failing.push(name);
    }
    expect(failing.sort()).toEqual(Object.keys(known).sort());
  }, 300_000);
});
