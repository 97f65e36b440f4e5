import { existsSync, readFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { CorpusMissingError } from '../src/report.js';
import { runSpiffCorpus } from '../src/spiff/runner.js';

const here = dirname(fileURLToPath(import.meta.url));
const repoRoot = resolve(here, '../../..');
const corpus = resolve(repoRoot, '../shared/conformance/spiff');
const present = existsSync(resolve(corpus, 'scenarios'));
const absence = `Spiff behaviour corpus not found at ${corpus}: the scenario run is not possible here`;
if (!present) console.warn(absence);

/** Scenario id → why it still fails. Every scenario not listed must pass. */
const knownFailures = JSON.parse(
  readFileSync(resolve(here, '../known-failures.json'), 'utf8'),
) as Record<string, string>;

describe('spiff behaviour corpus', () => {
  if (present) {
    it('passes every scenario not listed in known-failures.json', async () => {
      const run = await runSpiffCorpus(corpus);
      const unexpected = run.results
        .filter((r) => r.failure !== undefined && !Object.hasOwn(knownFailures, r.id))
        .map((r) => r.failure);
      expect(unexpected).toEqual([]);
      // Listed failures are reported by the run, never skipped: each one ran and has a line.
      for (const id of Object.keys(knownFailures)) {
        const result = run.results.find((r) => r.id === id);
        expect(result, `known failure '${id}' is not a scenario`).toBeDefined();
      }
      const passed = run.results.filter((r) => r.failure === undefined).length;
      expect(passed).toBeGreaterThanOrEqual(run.results.length - Object.keys(knownFailures).length);
      const fixed = run.results
        .filter((r) => r.failure === undefined && Object.hasOwn(knownFailures, r.id))
        .map((r) => r.id);
      if (fixed.length > 0)
        console.info(`Now passing, remove from known-failures.json: ${fixed.join(', ')}`);
    }, 300_000);
  } else {
    it('says clearly that the corpus is absent', () => {
      expect(absence).toContain('not found');
    });
  }

  it('reports a missing directory with a clear error', async () => {
    await expect(runSpiffCorpus(resolve(repoRoot, 'no-such-corpus'))).rejects.toThrow(
      CorpusMissingError,
    );
  });
});
