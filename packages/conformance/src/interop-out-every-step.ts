/**
 * `interop-out --every-step`: a wider TypeScript → Python check than the interop save points.
 * For every scenario in `scenarios/` this engine writes its state before each step, and the real
 * SpiffWorkflow continues each state to the end of the scenario.
 *
 * The recordings came from a SpiffWorkflow later than 3.1.2 (see INTEROP.md and the report), so
 * a difference is not always our writer's. Each scenario is therefore also replayed from the start
 * by SpiffWorkflow alone (the control). A difference at step `j` of a continuation is put in one of
 * three groups:
 * - `writer`: the control matches the recording up to and including step `j`;
 * - `reference`: the control itself already differs at or before `j`;
 * - `no control`: the control cannot run (a `choice-conditions` convention, a parse failure).
 */
import { mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  firstDifference,
  runDriver,
  type DriverResult,
  type InteropOutOptions,
} from './interop-out.js';
import { CorpusMissingError, type CorpusReport } from './report.js';
import { runScenario } from './spiff/runner.js';
import { DEFAULT_START_TIME, parseScenario, type Scenario, type Step } from './spiff/scenario.js';

interface ScenarioFile {
  readonly file: string;
  readonly scenario: Scenario;
  /** The scenario as written (steps passed to the driver unchanged). */
  readonly raw: { readonly steps: readonly Record<string, unknown>[]; readonly load: unknown };
  readonly services: unknown;
}

/** Scenarios a state can be taken from: a workflow loads, and nothing lives outside it. */
function eligible(s: Scenario): string | undefined {
  if (s.load.process === undefined && s.load.collaboration === undefined) return 'DMN only';
  if (s.load_expect.error !== null) return 'load fails';
  if (s.data_stores) return 'data stores live outside the state';
  if (s.prelude !== undefined) return 'prelude state lives outside the state';
  return undefined;
}

/** The steps a continuation from step `k` replays, after a restore step without expectation. */
function continuation(scenario: ScenarioFile, k: number): Record<string, unknown>[] {
  return [{ op: 'restore' }, ...scenario.raw.steps.slice(k)];
}

function parsedSteps(
  scenario: ScenarioFile,
  steps: readonly Record<string, unknown>[],
): readonly Step[] {
  return parseScenario(
    JSON.stringify({
      id: scenario.scenario.id,
      origin: 'interop-out',
      load: scenario.raw.load,
      load_expect: { error: null },
      steps: steps.map((s, i) => (i === 0 ? { op: 'check' } : s)),
    }),
  ).steps;
}

/** Runs the every-step mode; `checkout` and `python` are already checked. */
export async function runEveryStep(
  root: string,
  checkout: string,
  python: string,
  options: InteropOutOptions,
): Promise<CorpusReport> {
  const dir = join(root, 'scenarios');
  let names: string[];
  try {
    names = readdirSync(dir).filter((f) => f.endsWith('.json'));
  } catch {
    throw new CorpusMissingError(`No scenarios at ${dir}`);
  }
  const scenarios: ScenarioFile[] = [];
  const skipped = new Map<string, number>();
  for (const file of names.sort()) {
    const text = readFileSync(join(dir, file), 'utf8');
    const scenario = parseScenario(text, file);
    const why = eligible(scenario);
    if (why !== undefined) {
      skipped.set(why, (skipped.get(why) ?? 0) + 1);
      continue;
    }
    const raw = JSON.parse(text) as ScenarioFile['raw'] & { services?: unknown };
    scenarios.push({ file, scenario, raw, services: raw.services ?? null });
  }
  const keep = options.keep;
  if (keep !== undefined) mkdirSync(keep, { recursive: true });
  const work = keep ?? mkdtempSync(join(tmpdir(), 'spiff-ts-interop-out-'));
  const lines: string[] = [];
  const groups = { writer: 0, reference: 0, 'no control': 0 };
  let passed = 0;
  try {
    const files: string[] = [];
    const cases = new Map<string, { scenario: ScenarioFile; k: number }>();
    const write = (id: string, body: Record<string, unknown>, text?: string) => {
      const file = join(work, `${String(files.length).padStart(5, '0')}.json`);
      const json = JSON.stringify({ id, ...body });
      // The state is spliced in as written, so the driver reads exactly our JSON text.
      writeFileSync(file, text === undefined ? json : `${json.slice(0, -1)},"state":${text}}`);
      files.push(file);
    };
    for (const s of scenarios) {
      const common = {
        prelude: null,
        services: s.services,
        models: join(root, 'models'),
      };
      // The control: SpiffWorkflow replays the whole scenario from its models.
      write(`${s.scenario.id}@control`, {
        ...common,
        flavor: s.scenario.load.flavor ?? 'bpmn',
        clock: (s.scenario.start_time ?? DEFAULT_START_TIME).replace(/Z$/, '+00:00'),
        load: s.raw.load,
        steps: continuation(s, 0),
      });
      let failure: string | undefined;
      try {
        failure = await runScenario(s.scenario, root, {
          beforeStep: ({ step, clockMs, flavor, state }) => {
            const id = `${s.scenario.id}@${step}`;
            cases.set(id, { scenario: s, k: step });
            write(
              id,
              {
                ...common,
                flavor,
                clock: new Date(clockMs).toISOString().replace(/Z$/, '+00:00'),
                steps: continuation(s, step),
              },
              state,
            );
          },
        });
      } catch (error) {
        failure = `crashed: ${error instanceof Error ? error.message : String(error)}`;
      }
      if (failure !== undefined)
        lines.push(`${s.scenario.id}: this engine's own replay: ${failure}`);
    }
    const manifest = join(work, 'manifest.json');
    writeFileSync(manifest, JSON.stringify({ cases: files }));
    const run = await runDriver(python, checkout, manifest);
    const result = (id: string): DriverResult =>
      run.results.get(id) ?? { id, restore_error: `no result (${run.failure ?? 'driver output'})` };

    // Where each control first differs from the recording (absolute step index), if it does.
    const control = new Map<string, number | 'none' | undefined>();
    for (const s of scenarios) {
      const id = `${s.scenario.id}@control`;
      const r = result(id);
      if (r.restore_error !== undefined) {
        control.set(s.scenario.id, 'none');
        continue;
      }
      const verdict = firstDifference(id, parsedSteps(s, continuation(s, 0)), r, () => '');
      control.set(s.scenario.id, verdict === undefined ? undefined : verdict.step - 1);
    }
    for (const [id, { scenario, k }] of cases) {
      const steps = parsedSteps(scenario, continuation(scenario, k));
      const verdict = firstDifference(
        id,
        steps,
        result(id),
        (i, op) => `step ${k + i - 1} (${op})`,
      );
      if (verdict === undefined) {
        passed += 1;
        continue;
      }
      const at = verdict.step < 0 ? k : k + verdict.step - 1;
      const differs = control.get(scenario.scenario.id);
      const group =
        differs === 'none' || scenario.scenario.conventions !== undefined
          ? 'no control'
          : differs !== undefined && differs <= at
            ? 'reference'
            : 'writer';
      groups[group] += 1;
      const because =
        group === 'reference' ? ` (SpiffWorkflow alone differs at step ${String(differs)})` : '';
      lines.push(`[${group}] ${verdict.line}${because}`);
    }
    const skips = [...skipped].map(([why, n]) => `${n} ${why}`).join(', ');
    return {
      passed,
      failed: lines.length,
      lines,
      summary: [
        `every step: ${cases.size} states from ${scenarios.length} scenarios (skipped: ${skips})`,
        `differences: ${groups.writer} writer, ${groups.reference} reference, ${groups['no control']} no control`,
        `reference: SpiffWorkflow at ${checkout}, run with ${python}`,
      ],
    };
  } finally {
    if (keep === undefined) rmSync(work, { recursive: true, force: true });
  }
}
