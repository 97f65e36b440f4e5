/**
 * The `interop-out` corpus kind (TypeScript → Python): for every interop case
 * (`interop/*.json`), this engine replays the case's scenario up to the same `save_restore` step
 * and writes its state in SpiffWorkflow's JSON format; the real SpiffWorkflow (a checkout named
 * by `--reference` or `$SPIFF_REFERENCE`) then reads that state and continues the scenario with
 * the committed driver `reference/spiff_continue.py`, and its observations are compared with the
 * scenario's recorded expectations by the rules of the `spiff` kind.
 *
 * Not part of `npm test`: it needs Python 3 with lxml and a SpiffWorkflow checkout.
 */
import { spawn, spawnSync } from 'node:child_process';
import {
  existsSync,
  mkdirSync,
  mkdtempSync,
  readFileSync,
  readdirSync,
  rmSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { CorpusMissingError, type CorpusReport } from './report.js';
import { compareObservation, formatDifference } from './spiff/compare.js';
import { runScenario } from './spiff/runner.js';
import { parseScenario, type Observation, type Scenario, type Step } from './spiff/scenario.js';

/** The committed driver that continues our states with the real SpiffWorkflow. */
export const DRIVER = fileURLToPath(new URL('../reference/spiff_continue.py', import.meta.url));

/** How to call the kind; part of every message about a missing reference. */
export const INTEROP_OUT_USAGE =
  'usage: npm run -s conformance -- interop-out [<corpus dir>] --reference <SpiffWorkflow checkout>\n' +
  '       [--control: continue the states SpiffWorkflow wrote instead, to check the driver]\n' +
  '       [--keep <dir>: keep the case files handed to the driver there]\n' +
  '       [--every-step: a state before every step of every scenario, with a control replay]\n' +
  '       (or set SPIFF_REFERENCE; SPIFF_PYTHON picks the Python 3 with lxml to use)';

/** Raised when no SpiffWorkflow checkout or no suitable Python is available. */
export class ReferenceMissingError extends CorpusMissingError {}

/**
 * The SpiffWorkflow checkout to continue with: `option`, else `$SPIFF_REFERENCE`; the folder
 * holding the `SpiffWorkflow` package, or the package folder itself.
 *
 * @throws {@link ReferenceMissingError} when none is given or it is not a checkout
 */
export function referenceCheckout(
  option: string | undefined,
  env: Readonly<Record<string, string | undefined>> = process.env,
): string {
  const given = option ?? env['SPIFF_REFERENCE'];
  if (given === undefined || given === '') {
    throw new ReferenceMissingError(
      'interop-out: no SpiffWorkflow reference given, so the TypeScript → Python check cannot ' +
        `run (it is optional and not part of npm test).\n${INTEROP_OUT_USAGE}`,
    );
  }
  const path = resolve(given);
  if (existsSync(join(path, 'SpiffWorkflow', '__init__.py'))) return path;
  if (path.endsWith('SpiffWorkflow') && existsSync(join(path, '__init__.py'))) {
    return resolve(path, '..');
  }
  throw new ReferenceMissingError(
    `interop-out: --reference ${given} is not a SpiffWorkflow checkout (expected ` +
      `${join(path, 'SpiffWorkflow', '__init__.py')}).\n${INTEROP_OUT_USAGE}`,
  );
}

/**
 * A Python 3 that can import lxml (SpiffWorkflow's parser package needs it): `$SPIFF_PYTHON`,
 * else `python3` on the PATH, else Debian's `/usr/bin/python3`.
 *
 * @throws {@link ReferenceMissingError} when there is none
 */
export function findPython(): string {
  const forced = process.env['SPIFF_PYTHON'];
  const candidates =
    forced !== undefined && forced !== '' ? [forced] : ['python3', '/usr/bin/python3', 'python'];
  for (const candidate of candidates) {
    const probe = spawnSync(candidate, ['-c', 'import sys, lxml; print(sys.version_info[0])'], {
      encoding: 'utf8',
    });
    if (probe.status === 0 && probe.stdout.trim() === '3') return candidate;
  }
  throw new ReferenceMissingError(
    `interop-out: no Python 3 with lxml found (tried ${candidates.join(', ')}); install it ` +
      `(apt-get install python3-lxml) or set SPIFF_PYTHON.\n${INTEROP_OUT_USAGE}`,
  );
}

/** One interop case as the corpus stores it (only the keys used here). */
interface RawCase {
  readonly id: string;
  readonly scenario: string;
  readonly step: number;
  readonly load: { readonly flavor: string };
  readonly clock: string;
  readonly restore: Record<string, unknown>;
  readonly steps: readonly Record<string, unknown>[];
  /** The state SpiffWorkflow wrote at the save point. */
  readonly state: unknown;
}

/** What the driver printed for one case. */
export interface DriverResult {
  readonly id: string;
  readonly observations?: readonly (Record<string, unknown> | null)[];
  readonly restore_error?: string;
  readonly observe_error?: string;
  readonly notes?: readonly string[];
}

/** The kind's options: `--reference <path>`. */
export interface InteropOutOptions {
  readonly reference?: string | undefined;
  /**
   * Hand the driver the states SpiffWorkflow itself wrote (the cases' `state`) instead of ours:
   * a check of the driver and the comparison, which must then pass every case.
   */
  readonly control?: boolean;
  /** Write the case files handed to the driver into this folder and keep them. */
  readonly keep?: string | undefined;
  /** Take a state before every step of every scenario, not only at the interop save points. */
  readonly everyStep?: boolean;
}

/** Reads `--reference <path>` (the only option) from the arguments after the corpus path. */
export function interopOutOptions(args: readonly string[]): InteropOutOptions {
  let reference: string | undefined;
  let control = false;
  let keep: string | undefined;
  let everyStep = false;
  for (let i = 0; i < args.length; i += 1) {
    if (args[i] === '--control') {
      control = true;
    } else if (args[i] === '--every-step') {
      everyStep = true;
    } else if (args[i] === '--keep' && args[i + 1] !== undefined) {
      keep = resolve(args[i + 1] as string);
      i += 1;
    } else if (args[i] === '--reference' && args[i + 1] !== undefined) {
      reference = args[i + 1];
      i += 1;
    } else {
      throw new ReferenceMissingError(
        `interop-out: unexpected argument '${args[i] ?? ''}'\n${INTEROP_OUT_USAGE}`,
      );
    }
  }
  return { reference, control, keep, everyStep };
}

/**
 * Replays each scenario that has interop cases once with this engine, keeping the state it
 * writes at each wanted `save_restore` step. Returns case id → state text, and failures.
 */
async function ourStates(
  root: string,
  cases: readonly RawCase[],
): Promise<{ states: Map<string, { state: string; clockMs: number }>; lines: string[] }> {
  const byScenario = new Map<string, RawCase[]>();
  for (const c of cases) byScenario.set(c.scenario, [...(byScenario.get(c.scenario) ?? []), c]);
  const states = new Map<string, { state: string; clockMs: number }>();
  const lines: string[] = [];
  for (const [file, wanted] of byScenario) {
    const scenario = parseScenario(readFileSync(join(root, 'scenarios', file), 'utf8'), file);
    const atStep = new Map<number, { state: string; clockMs: number }>();
    let failure: string | undefined;
    try {
      failure = await runScenario(scenario, root, {
        onSave: ({ step, clockMs, state }) => atStep.set(step, { state, clockMs }),
      });
    } catch (error) {
      failure = `crashed: ${error instanceof Error ? error.message : String(error)}`;
    }
    for (const c of wanted) {
      const saved = atStep.get(c.step);
      if (saved) states.set(c.id, saved);
      else
        lines.push(`${c.id}: this engine did not reach step ${c.step}: ${failure ?? 'no state'}`);
    }
  }
  return { states, lines };
}

/**
 * The states SpiffWorkflow wrote, as stored in the cases (for `--control`), with every task's
 * `delta` applied to its data: the corpus was written by a SpiffWorkflow later than 3.1.2 (data
 * as shallow deltas against the parent's), and 3.1.2 reads only `data`.
 */
function referenceStates(cases: readonly RawCase[]): {
  states: Map<string, { state: string; clockMs: number }>;
  lines: string[];
} {
  const states = new Map<string, { state: string; clockMs: number }>();
  for (const c of cases) {
    const state = structuredClone(c.state) as WorkflowJson;
    for (const workflow of [state, ...Object.values(state.subprocesses ?? {})]) {
      materializeDeltas(workflow.tasks);
    }
    states.set(c.id, { state: JSON.stringify(state), clockMs: Date.parse(c.clock) });
  }
  return { states, lines: [] };
}

interface TaskJson {
  parent: string | null;
  data: Record<string, unknown>;
  delta?: { updates?: Record<string, unknown>; deletions?: string[] };
}
interface WorkflowJson {
  tasks: Record<string, TaskJson>;
  subprocesses?: Record<string, WorkflowJson>;
}

/** Replaces each task's delta by its full data (tasks are listed parents first). */
function materializeDeltas(tasks: Record<string, TaskJson>): void {
  for (const task of Object.values(tasks)) {
    const parent = task.parent === null ? undefined : tasks[task.parent];
    if (!parent || !task.delta || Object.keys(task.delta).length === 0) continue;
    const data = { ...parent.data, ...task.delta.updates };
    for (const key of task.delta.deletions ?? []) delete data[key];
    task.data = data;
    task.delta = {};
  }
}

/** The case's steps with typed expectations; step 0 is the observation after restoring. */
function expectedSteps(c: RawCase, scenario: Scenario): readonly Step[] {
  return parseScenario(
    JSON.stringify({
      id: c.id,
      origin: 'interop-out',
      load: scenario.load,
      load_expect: { error: null },
      steps: [{ ...c.restore, op: 'check' }, ...c.steps],
    }),
  ).steps;
}

/** The driver's observations, decoded with the corpus codec (ints and floats kept apart). */
export function decodeObservations(
  id: string,
  observations: readonly (Record<string, unknown> | null)[],
): (Observation | undefined)[] {
  const present = observations.filter((o): o is Record<string, unknown> => o !== null);
  const decoded = parseScenario(
    JSON.stringify({
      id,
      origin: 'interop-out',
      load: { flavor: 'bpmn', process: 'p' },
      load_expect: { error: null },
      steps: present.map((expect) => ({ op: 'check', expect })),
    }),
    `${id} (driver output)`,
  ).steps.map((s) => s.expect);
  let next = 0;
  return observations.map((o) => (o === null ? undefined : decoded[next++]));
}

/** Where a driver result first differs from its expectations. */
export interface Verdict {
  /** Index in the case's steps; -1 when SpiffWorkflow could not read the state. */
  readonly step: number;
  readonly line: string;
}

/**
 * Compares a driver result with the expectations of the case's steps; `where(i, op)` names
 * step `i` in the report line.
 */
export function firstDifference(
  id: string,
  steps: readonly Step[],
  result: DriverResult,
  where: (i: number, op: string) => string,
): Verdict | undefined {
  if (result.restore_error !== undefined) {
    return {
      step: -1,
      line: `${id}: SpiffWorkflow could not read our state: ${result.restore_error}`,
    };
  }
  const observations = decodeObservations(id, result.observations ?? []);
  const note = (i: number) => {
    const found = (result.notes ?? []).find((n) => n.startsWith(`step ${i}:`));
    return found === undefined ? '' : ` [python ${found}]`;
  };
  for (const [i, step] of steps.entries()) {
    if (!step.expect) continue;
    const observed = observations[i];
    const at = `${id} ${where(i, step.op)}`;
    if (observed === undefined) {
      const why = result.observe_error ? `: ${result.observe_error}` : '';
      return { step: i, line: `${at}: no observation${why}` };
    }
    const diff = compareObservation(step.expect, observed);
    if (diff) return { step: i, line: `${at}: ${formatDifference(diff)}${note(i)}` };
  }
  return undefined;
}

/** Compares one case's driver result with its expectations: a report line, or undefined. */
function judge(c: RawCase, scenario: Scenario, result: DriverResult): string | undefined {
  return firstDifference(
    c.id,
    expectedSteps(c, scenario),
    result,
    (i, op) => `step ${i} (${i === 0 ? 'restore' : op})`,
  )?.line;
}

/** Runs the driver on the written case files; returns its result per case id. */
export async function runDriver(
  python: string,
  checkout: string,
  manifest: string,
): Promise<{ results: Map<string, DriverResult>; failure?: string }> {
  const child = spawn(python, [DRIVER, checkout, manifest], {
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  const results = new Map<string, DriverResult>();
  const lines = createInterface({ input: child.stdout });
  lines.on('line', (line) => {
    if (!line.startsWith('{')) return;
    const result = JSON.parse(line) as DriverResult;
    results.set(result.id, result);
  });
  const code = await new Promise<number | null>((done, fail) => {
    child.on('error', fail);
    child.on('close', done);
  });
  return code === 0
    ? { results }
    : { results, failure: `the reference driver exited with ${String(code)}` };
}

/**
 * The `interop-out` kind: our states, continued by SpiffWorkflow.
 *
 * @throws {@link ReferenceMissingError} without a checkout or a Python with lxml
 */
export async function runInteropOut(
  root: string,
  options: InteropOutOptions = {},
): Promise<CorpusReport> {
  const checkout = referenceCheckout(options.reference);
  const dir = join(root, 'interop');
  if (!existsSync(dir)) throw new CorpusMissingError(`No interop cases at ${dir}`);
  const python = findPython();
  if (options.everyStep === true) {
    const { runEveryStep } = await import('./interop-out-every-step.js');
    return runEveryStep(root, checkout, python, options);
  }
  const cases = readdirSync(dir)
    .filter((f) => f.endsWith('.json'))
    .sort()
    .map((f) => JSON.parse(readFileSync(join(dir, f), 'utf8')) as RawCase);
  const scenarios = new Map<string, Scenario>();
  const scenarioOf = (c: RawCase): Scenario => {
    let scenario = scenarios.get(c.scenario);
    if (!scenario) {
      scenario = parseScenario(readFileSync(join(root, 'scenarios', c.scenario), 'utf8'));
      scenarios.set(c.scenario, scenario);
    }
    return scenario;
  };
  const { states, lines } = options.control ? referenceStates(cases) : await ourStates(root, cases);
  const keep = options.keep;
  if (keep !== undefined) mkdirSync(keep, { recursive: true });
  const work = keep ?? mkdtempSync(join(tmpdir(), 'spiff-ts-interop-out-'));
  try {
    const files: string[] = [];
    for (const c of cases) {
      const saved = states.get(c.id);
      if (!saved) continue;
      const scenario = scenarioOf(c);
      const file = join(work, `${c.scenario.replace(/\.json$/, '')}.step-${c.step}.json`);
      writeFileSync(
        file,
        `{"id":${JSON.stringify(c.id)},"flavor":${JSON.stringify(c.load.flavor)},` +
          `"clock":${JSON.stringify(new Date(saved.clockMs).toISOString().replace(/Z$/, '+00:00'))},` +
          `"prelude":${JSON.stringify(scenario.prelude ?? null)},` +
          `"services":${readServices(join(root, 'scenarios', c.scenario))},` +
          `"steps":${JSON.stringify([c.restore, ...c.steps])},"state":${saved.state}}`,
      );
      files.push(file);
    }
    const manifest = join(work, 'manifest.json');
    writeFileSync(manifest, JSON.stringify({ cases: files }));
    const run = await runDriver(python, checkout, manifest);
    for (const c of cases) {
      if (!states.has(c.id)) continue;
      const result = run.results.get(c.id);
      const line =
        result === undefined
          ? `${c.id}: no result from the reference driver${run.failure ? ` (${run.failure})` : ''}`
          : judge(c, scenarioOf(c), result);
      if (line !== undefined) lines.push(line);
    }
    return {
      passed: cases.length - lines.length,
      failed: lines.length,
      lines,
      summary: [`reference: SpiffWorkflow at ${checkout}, run with ${python}`],
    };
  } finally {
    if (keep === undefined) rmSync(work, { recursive: true, force: true });
  }
}

/** The scenario's `services` exactly as written (the driver decodes corpus tags itself). */
function readServices(path: string): string {
  const raw = JSON.parse(readFileSync(path, 'utf8')) as { services?: unknown };
  return JSON.stringify(raw.services ?? null);
}
