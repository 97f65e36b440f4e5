#!/usr/bin/env node
// Runs the whole vitest suite and closes with a plain `N passed, N failed` line, the summary
// format CI reads (vitest's own summary is not one it knows). Exit code is vitest's.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const dir = mkdtempSync(join(tmpdir(), 'spiff-ts-test-'));
const out = join(dir, 'results.json');
try {
  const vitest = spawnSync(
    process.execPath,
    [
      'node_modules/vitest/vitest.mjs',
      'run',
      '--reporter=default',
      '--reporter=json',
      `--outputFile.json=${out}`,
      ...process.argv.slice(2),
    ],
    { stdio: 'inherit' },
  );
  let passed = 0;
  let failed = 0;
  let skipped = 0;
  try {
    const results = JSON.parse(readFileSync(out, 'utf8'));
    passed = results.numPassedTests;
    failed = results.numFailedTests;
    skipped = results.numPendingTests + results.numTodoTests;
    // A test file that fails to load has no test results; count it as a failure.
    failed += results.testResults.filter(
      (file) => file.status === 'failed' && file.assertionResults.length === 0,
    ).length;
  } catch {
    failed += 1;
    console.error('No test results were written: vitest did not run to completion');
  }
  const exitCode = vitest.status ?? 1;
  if (exitCode !== 0 && failed === 0) failed = 1;
  console.log(`\n${passed} passed, ${failed} failed${skipped > 0 ? `, ${skipped} skipped` : ''}`);
  process.exitCode = exitCode;
} finally {
  rmSync(dir, { recursive: true, force: true });
}
