import { spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { DMN_CONTEXT, expectedDecision, fiftyRuleTable } from './dmn-workloads.js';
import { parseResultLine, type ResultRecord } from './measure.js';
import { loopModel, ModelsMissingError, shippedModel, waitModel } from './models.js';
import { CONDITION, SCRIPT, SCRIPT_RESULT, TEN_VARIABLES } from './python-workloads.js';

/** The committed driver that times the workloads with the real SpiffWorkflow. */
export const DRIVER = fileURLToPath(new URL('../reference/spiff_bench.py', import.meta.url));

/** Workloads the driver knows; the others have no SpiffWorkflow counterpart. */
const MODELS_OF: Readonly<Record<string, readonly string[]>> = {
  parse_seq100: ['seq100'],
  seq100: ['seq100'],
  par50: ['par50'],
  loop300: ['loop300'],
  loop1000: ['loop1000'],
  loop10000: ['loop10000'],
  many5: ['seq5'],
  serde100: ['wait100'],
  serde1000: ['wait1000'],
  mem10k: ['userwait'],
  py_condition: [],
  py_script: [],
  dmn50_python: [],
  dmn50_feel: [],
};

/** What the reference run produced: RESULT records, and notes on workloads it could not time. */
export interface ReferenceRun {
  readonly results: readonly ResultRecord[];
  readonly notes: ReadonlyMap<string, string>;
  readonly python: string;
  readonly checkout: string;
  /** Set when the driver did not finish: the results are those printed before it stopped. */
  readonly failure?: string;
}

/** The SpiffWorkflow checkout to compare with: `--reference <path>`, else `$SPIFF_REFERENCE`. */
export function referenceCheckout(option: string | undefined): string | undefined {
  const given = option ?? process.env['SPIFF_REFERENCE'];
  if (given === undefined || given === '') return undefined;
  const path = resolve(given);
  if (existsSync(join(path, 'SpiffWorkflow', '__init__.py'))) return path;
  // Accept the package folder itself, too.
  if (existsSync(join(path, '__init__.py')) && path.endsWith('SpiffWorkflow')) {
    return resolve(path, '..');
  }
  throw new Error(
    `--reference ${given}: not a SpiffWorkflow checkout (expected ${join(path, 'SpiffWorkflow', '__init__.py')})`,
  );
}

/**
 * A Python 3 that can import lxml (SpiffWorkflow's parser needs it): `$SPIFF_PYTHON`, else
 * `python3` on the PATH, else Debian's `/usr/bin/python3` (where `apt-get install python3-lxml`
 * puts it).
 */
export function findPython(): string {
  const forced = process.env['SPIFF_PYTHON'];
  const candidates =
    forced !== undefined && forced !== '' ? [forced] : ['python3', '/usr/bin/python3', 'python'];
  const tried: string[] = [];
  for (const candidate of candidates) {
    const probe = spawnSync(candidate, ['-c', 'import sys, lxml; print(sys.version_info[0])'], {
      encoding: 'utf8',
    });
    if (probe.status === 0 && probe.stdout.trim() === '3') return candidate;
    tried.push(candidate);
  }
  throw new Error(
    `No Python 3 with lxml found (tried ${tried.join(', ')}); install it ` +
      '(apt-get install python3-lxml, or pip install lxml) or set SPIFF_PYTHON',
  );
}

/**
 * Writes the inputs of the wanted workloads to a fresh folder: the same model texts (shipped and
 * generated), DMN table, condition and script the TypeScript side times, plus `manifest.json`.
 */
function writeInputs(dir: string, workloads: readonly string[], quick: boolean): string {
  const models: Record<string, string> = {};
  const known = workloads.filter((name) => name in MODELS_OF);
  for (const name of new Set(known.flatMap((w) => MODELS_OF[w] ?? []))) {
    const text = name.startsWith('loop')
      ? loopModel(Number(name.slice('loop'.length)))
      : name === 'wait1000'
        ? waitModel(1000)
        : shippedModel(name);
    const file = join(dir, `${name}.bpmn`);
    writeFileSync(file, text);
    models[name] = file;
  }
  const dmn = join(dir, 'bench.dmn');
  writeFileSync(dmn, fiftyRuleTable(true));
  const manifest = {
    quick,
    workloads: known,
    models,
    python: {
      condition: CONDITION,
      script: SCRIPT,
      variables: TEN_VARIABLES,
      expected: SCRIPT_RESULT,
    },
    dmn: {
      path: dmn,
      decision: 'decision',
      context: DMN_CONTEXT,
      expected: expectedDecision(true),
    },
  };
  const path = join(dir, 'manifest.json');
  writeFileSync(path, JSON.stringify(manifest, null, 2));
  return path;
}

/**
 * Runs the driver with the checkout's SpiffWorkflow on the wanted workloads, passing its lines
 * through to `print` as they come.
 */
export async function runReference(
  checkout: string,
  workloads: readonly string[],
  quick: boolean,
  print: (line: string) => void,
): Promise<ReferenceRun> {
  const python = findPython();
  const dir = mkdtempSync(join(tmpdir(), 'spiff-ts-bench-'));
  try {
    let manifest: string;
    try {
      manifest = writeInputs(dir, workloads, quick);
    } catch (error) {
      if (error instanceof ModelsMissingError) throw error;
      throw new Error(`Could not write the reference inputs: ${String(error)}`, { cause: error });
    }
    const child = spawn(python, [DRIVER, checkout, manifest], {
      stdio: ['ignore', 'pipe', 'inherit'],
    });
    const results: ResultRecord[] = [];
    const notes = new Map<string, string>();
    const lines = createInterface({ input: child.stdout });
    lines.on('line', (line) => {
      print(line);
      const record = parseResultLine(line);
      if (record !== undefined) results.push(record);
      const note = /^NOTE engine=\S+ workload=(\S+) (.*)$/.exec(line);
      if (note) notes.set(note[1] as string, note[2] as string);
    });
    const code = await new Promise<number | null>((done, fail) => {
      child.on('error', fail);
      child.on('close', done);
    });
    const run = { results, notes, python, checkout };
    return code === 0
      ? run
      : { ...run, failure: `the reference driver exited with ${String(code)}` };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
