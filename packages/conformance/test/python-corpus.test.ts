import { existsSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { runPythonCorpus } from '../src/python-corpus.js';

// the shared corpus lives next to the repository: <repo>/../shared/conformance/python/cases.json
const repoRoot = resolve(dirname(fileURLToPath(import.meta.url)), '../../..');
const casesFile = resolve(repoRoot, '../shared/conformance/python/cases.json');
const present = existsSync(casesFile);

describe('python corpus', () => {
  if (!present) {
    it('reports the missing corpus clearly', () => {
      console.warn(`Python corpus not found at ${casesFile}: the python-corpus test does not run`);
      expect(existsSync(casesFile)).toBe(false);
    });
    return;
  }

  it('passes at least 99.5% of the CPython cases', async () => {
    const report = await runPythonCorpus(casesFile);
    const total = report.passed + report.failed;
    const rate = report.passed / total;
    console.info(
      [...report.lines.slice(0, 50), `python corpus: ${report.passed} of ${total} cases pass`].join(
        '\n',
      ),
    );
    expect(total).toBeGreaterThan(0);
    expect(rate).toBeGreaterThanOrEqual(0.995);
  });
});
