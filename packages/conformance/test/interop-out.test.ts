import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import {
  DRIVER,
  INTEROP_OUT_USAGE,
  ReferenceMissingError,
  interopOutOptions,
  referenceCheckout,
} from '../src/interop-out.js';
import { kinds } from '../src/kinds.js';

describe('interop-out without a reference', () => {
  let saved: string | undefined;
  beforeEach(() => {
    saved = process.env['SPIFF_REFERENCE'];
    delete process.env['SPIFF_REFERENCE'];
  });
  afterEach(() => {
    if (saved !== undefined) process.env['SPIFF_REFERENCE'] = saved;
  });

  it('says that no checkout was given, and how to give one', () => {
    expect(() => referenceCheckout(undefined, {})).toThrow(ReferenceMissingError);
    expect(() => referenceCheckout(undefined, {})).toThrow(/no SpiffWorkflow reference given/);
    expect(() => referenceCheckout('', {})).toThrow(INTEROP_OUT_USAGE);
  });

  it('refuses a folder that is not a checkout, naming what it looked for', () => {
    const dir = mkdtempSync(join(tmpdir(), 'interop-out-test-'));
    try {
      expect(() => referenceCheckout(dir, {})).toThrow(
        `expected ${join(dir, 'SpiffWorkflow', '__init__.py')}`,
      );
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('accepts a checkout or its package folder, from the option or SPIFF_REFERENCE', () => {
    const dir = mkdtempSync(join(tmpdir(), 'interop-out-test-'));
    try {
      mkdirSync(join(dir, 'SpiffWorkflow'));
      writeFileSync(join(dir, 'SpiffWorkflow', '__init__.py'), '');
      expect(referenceCheckout(dir, {})).toBe(dir);
      expect(referenceCheckout(join(dir, 'SpiffWorkflow'), {})).toBe(dir);
      expect(referenceCheckout(undefined, { SPIFF_REFERENCE: dir })).toBe(dir);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('the corpus kind stops with the usage message before doing any work', async () => {
    const kind = kinds['interop-out'];
    expect(kind?.options).toContain('--reference');
    await expect(kind?.run('/nonexistent-corpus', [])).rejects.toThrow(INTEROP_OUT_USAGE);
  });

  it('reads its options and rejects others with the usage message', () => {
    expect(interopOutOptions(['--reference', '/x', '--control'])).toEqual({
      reference: '/x',
      control: true,
      keep: undefined,
      everyStep: false,
    });
    expect(() => interopOutOptions(['--frobnicate'])).toThrow(INTEROP_OUT_USAGE);
    expect(() => interopOutOptions(['--reference'])).toThrow(ReferenceMissingError);
  });
});

describe('the Python driver uses SpiffWorkflow only through imports', () => {
  const source = readFileSync(DRIVER, 'utf8');
  const code = source.replace(/"""[\s\S]*?"""/g, '').replace(/#.*$/gm, '');

  it('imports only the standard library and SpiffWorkflow', () => {
    const stdlib = new Set(['json', 'math', 'sys', 'traceback', 'datetime', 'decimal', 'types']);
    const modules = [...code.matchAll(/^\s*(?:from|import)\s+([\w.]+)/gm)].map((m) => m[1] ?? '');
    expect(modules.length).toBeGreaterThan(5);
    for (const module of modules) {
      const top = module.split('.')[0] ?? '';
      expect(stdlib.has(top) || top === 'SpiffWorkflow', module).toBe(true);
    }
  });

  it("overrides none of the library's methods and subclasses only its script environment", () => {
    // SpiffWorkflow's behaviour lives in its (mostly `_`-prefixed) hooks: the driver defines none.
    expect(code).not.toMatch(/^\s*def _[a-z]/m);
    const bases = [...code.matchAll(/^\s*class \w+\(([^)]*)\)/gm)].map((m) => m[1]);
    expect(bases.sort()).toEqual(['Exception', 'datetime', 'spiff.TaskDataEnvironment']);
  });

  it('changes the library only by pointing its two clocks at the engine clock', () => {
    const assignments = [...code.matchAll(/^\s*(\w+)\.(\w+)\s*=(?!=)/gm)]
      .map((m) => `${m[1] ?? ''}.${m[2] ?? ''}`)
      .filter((target) => !target.startsWith('self.') && !target.startsWith('restored.'));
    expect(assignments.sort()).toEqual(['task.data', 'task_module.time', 'timer.datetime']);
  });
});
