import { existsSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { CorpusMissingError } from '../src/report.js';
import { runPatterns } from '../src/patterns.js';

const repoRoot = resolve(dirname(fileURLToPath(import.meta.url)), '../../..');
const corpus = resolve(repoRoot, '../shared/conformance/spiff/models/core/data');
const present = existsSync(corpus);
const absence = `Pattern corpus not found at ${corpus}: the pattern conformance run is not possible here`;
if (!present) console.warn(absence);

describe('workflow pattern corpus', () => {
  if (present) {
    it('reproduces every trace, data pattern and round trip', async () => {
      const report = await runPatterns(corpus);
      expect(report.lines).toEqual([]);
      expect(report.failed).toBe(0);
      expect(report.passed).toBeGreaterThanOrEqual(49);
    });
  } else {
    it('says clearly that the corpus is absent', () => {
      expect(absence).toContain('not found');
    });
  }

  it('reports a missing directory with a clear error', async () => {
    const missing = resolve(repoRoot, 'no-such-corpus-dir');
    await expect(runPatterns(missing)).rejects.toThrow(CorpusMissingError);
    await expect(runPatterns(missing)).rejects.toThrow(/not found/);
  });
});
