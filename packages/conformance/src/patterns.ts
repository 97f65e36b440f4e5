import { existsSync, readdirSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { pyStr, Serializer, Workflow, WorkflowEvents, type WorkflowSpec } from '@spiff-ts/core';
import { createNodeRegistry, loadSpiffXmlFile, readTextFile } from '@spiff-ts/core/node';
import { CorpusMissingError, type CorpusReport } from './report.js';

/** Data keys the trace hook leaves out of its `data` line (SpiffWorkflow's test helper does too). */
const HIDDEN_KEYS = new Set(['data', 'two', 'three', 'test_attribute1', 'test_attribute2']);

/** Files below `dir`, recursively, sorted. */
function listFiles(dir: string): string[] {
  const out: string[] = [];
  const stack = [dir];
  while (stack.length > 0) {
    const current = stack.pop() as string;
    for (const entry of readdirSync(current, { withFileTypes: true })) {
      const path = join(current, entry.name);
      if (entry.isDirectory()) stack.push(path);
      else out.push(path);
    }
  }
  return out.sort();
}

/** The first line where two texts differ, as a readable message. */
export function firstDifference(expected: string, actual: string): string {
  const e = expected.split('\n');
  const a = actual.split('\n');
  for (let i = 0; i < Math.max(e.length, a.length); i++) {
    if (e[i] !== a[i]) {
      return `line ${i + 1}: expected ${JSON.stringify(e[i] ?? '<end>')}, got ${JSON.stringify(a[i] ?? '<end>')}`;
    }
  }
  return 'texts differ';
}

/** The result of running one pattern. */
export interface PatternRun {
  readonly workflow: Workflow;
  readonly trace: string;
  /** Set when a mid-run round trip changed the serialized text. */
  readonly unstable?: string;
}

/** Options of {@link runPattern}. */
export interface PatternOptions {
  /**
   * Serialize and restore the workflow before every step (and check the text is stable), so
   * the trace also proves that a round trip at any point of the run loses nothing.
   */
  readonly restoreEachStep?: boolean;
}

/**
 * Runs a spec the way SpiffWorkflow's pattern tests do: every task that becomes READY records
 * its data (`<name>_reached`, `two`, `three`, `test_attribute1/2`, the `data` log line); every
 * completion appends `'  ' * depth + name` to the trace; READY tasks run until none is left,
 * repeated until the workflow completes (up to ~5 s, for Execute tasks).
 */
export async function runPattern(
  spec: WorkflowSpec,
  options: PatternOptions = {},
): Promise<PatternRun> {
  const events = new WorkflowEvents();
  const trace: string[] = [];
  events.on('ready', ({ task }) => {
    const name = task.taskSpec.name;
    const reachedKey = `${name}_reached`;
    task.setData({
      [reachedKey]: Number(task.getData(reachedKey, 0)) + 1,
      two: 2,
      three: 3,
      test_attribute1: 'false',
      test_attribute2: 'true',
    });
    const atts = Object.entries(task.peekData())
      .filter(([key]) => !HIDDEN_KEYS.has(key) && !key.endsWith('reached'))
      .map(([key, value]) => `${key}=${pyStr(value)}`);
    const props = Object.entries(task.taskSpec.data).map(
      ([key, value]) => `${key}=${pyStr(value)}`,
    );
    const old = pyStr(task.getData('data', ''));
    task.setData({ data: `${old}${name}: ${atts.join(';')}/${props.join(';')}\n` });
  });
  events.on('completed', ({ task }) => {
    trace.push('  '.repeat(task.depth) + task.taskSpec.name);
  });
  const workflowOptions = { events, registry: createNodeRegistry() };
  const serializer = new Serializer();
  let workflow = new Workflow(spec, workflowOptions);
  let unstable: string | undefined;
  for (let i = 0; i < 50; i++) {
    if (options.restoreEachStep) {
      for (let step = 0; step < 100_000; step++) {
        const text = serializer.serializeWorkflow(workflow);
        workflow = serializer.deserializeWorkflow(text, workflowOptions);
        const again = serializer.serializeWorkflow(workflow);
        if (again !== text && unstable === undefined) {
          unstable = `step ${step}: ${firstDifference(text, again)}`;
        }
        if (!workflow.runNext({ useLastTask: false })) break;
      }
    } else {
      workflow.runAll({ useLastTask: false });
    }
    if (workflow.isCompleted()) break;
    await sleep(100);
  }
  const result = { workflow, trace: trace.map((line) => `${line}\n`).join('') };
  return unstable === undefined ? result : { ...result, unstable };
}

/** serialize → deserialize → serialize must give the same text; returns a problem or undefined. */
function roundTrip(
  serializer: Serializer,
  spec: WorkflowSpec,
  workflow: Workflow,
): string | undefined {
  const specText = serializer.serializeSpec(spec);
  const specAgain = serializer.serializeSpec(serializer.deserializeSpec(specText));
  if (specAgain !== specText) return `spec round trip: ${firstDifference(specText, specAgain)}`;
  const wfText = serializer.serializeWorkflow(workflow);
  const restored = serializer.deserializeWorkflow(wfText, { registry: createNodeRegistry() });
  const wfAgain = serializer.serializeWorkflow(restored);
  if (wfAgain !== wfText) return `workflow round trip: ${firstDifference(wfText, wfAgain)}`;
  return undefined;
}

/**
 * Runs the pattern corpus in `dir`: every `.xml` with a `.path` beside it must reproduce the
 * trace; every `.xml` with a `.xml.data` beside it (data patterns) must complete with that
 * `data` log; every spec and finished workflow must survive a JSON round trip unchanged; and a
 * second run that serializes and restores the workflow before every step must give the same
 * trace and data.
 * @throws {@link CorpusMissingError} when `dir` is not a directory.
 */
export async function runPatterns(dir: string): Promise<CorpusReport> {
  if (!existsSync(dir) || !statSync(dir).isDirectory()) {
    throw new CorpusMissingError(`Pattern corpus not found: '${dir}' is not a directory`);
  }
  const serializer = new Serializer();
  const lines: string[] = [];
  let passed = 0;
  let failed = 0;
  const files = listFiles(dir);
  const present = new Set(files);
  for (const file of files) {
    if (!file.endsWith('.xml')) continue;
    const pathFile = file.replace(/\.xml$/, '.path');
    const dataFile = `${file}.data`;
    const traced = present.has(pathFile);
    const hasData = present.has(dataFile);
    if (!traced && !hasData) continue; // included sub-workflows and helpers
    const name = relative(dir, file);
    const fail = (message: string) => {
      failed += 1;
      lines.push(`FAIL ${name}: ${message}`);
    };
    try {
      const spec = loadSpiffXmlFile(file);
      const { workflow, trace } = await runPattern(spec);
      if (!workflow.isCompleted()) {
        fail('workflow did not complete');
        continue;
      }
      if (traced) {
        const expected = readTextFile(pathFile);
        if (trace !== expected) {
          fail(`trace ${firstDifference(expected, trace)}`);
          continue;
        }
      }
      if (hasData) {
        const expected = readTextFile(dataFile);
        const actual = pyStr(workflow.getData('data', ''));
        if (actual !== expected) {
          fail(`data ${firstDifference(expected, actual)}`);
          continue;
        }
      }
      const problem = roundTrip(serializer, spec, workflow);
      if (problem !== undefined) {
        fail(problem);
        continue;
      }
      const replay = await runPattern(spec, { restoreEachStep: true });
      if (replay.unstable !== undefined) {
        fail(`mid-run round trip changed the text at ${replay.unstable}`);
        continue;
      }
      if (replay.trace !== trace) {
        fail(`restoring at every step changed the trace: ${firstDifference(trace, replay.trace)}`);
        continue;
      }
      const replayData = pyStr(replay.workflow.getData('data', ''));
      if (replayData !== pyStr(workflow.getData('data', ''))) {
        fail('restoring at every step changed the workflow data');
        continue;
      }
      passed += 1;
    } catch (error) {
      fail(error instanceof Error ? `${error.name}: ${error.message}` : String(error));
    }
  }
  return { passed, failed, lines };
}
