import { existsSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { runInterop } from '../src/spiff/runner.js';

const repoRoot = resolve(dirname(fileURLToPath(import.meta.url)), '../../..');
const corpus = resolve(repoRoot, '../shared/conformance/spiff');
const present = existsSync(resolve(corpus, 'interop'));
const absence = `Interop cases not found at ${corpus}/interop: the Python → TypeScript run is not possible here`;
if (!present) console.warn(absence);

describe('interop: states written by SpiffWorkflow', () => {
  if (present) {
    it('reads every case and continues it as the reference did', async () => {
      const report = await runInterop(corpus);
      expect(report.lines).toEqual([]);
      expect(report.passed).toBeGreaterThanOrEqual(248);
    }, 300_000);
  } else {
    it('says clearly that the cases are absent', () => {
      expect(absence).toContain('not found');
    });
  }
});
