/**
 * Runs the DMN TCK test cases (`shared/conformance/dmn-tck`, see its README): every
 * `*-test-01.xml` under the directory, each test case scored as one pass or failure.
 */
import { existsSync, readFileSync, readdirSync, statSync } from 'node:fs';
import { basename, join, relative } from 'node:path';
import { DmnEngine } from '@spiff-ts/dmn';
import {
  FeelDate,
  FeelDateTime,
  FeelDuration,
  FeelTime,
  duration,
  parseDate,
  parseDateTime,
  parseTime,
} from 'feelin';
import { CorpusMissingError, type CorpusReport } from './report.js';

// ---------------------------------------------------------------------------------------------
// A small namespace-agnostic XML reader: the test files are plain data.

interface XmlNode {
  readonly name: string; // local name
  readonly attrs: Readonly<Record<string, string>>; // local attribute names
  readonly children: XmlNode[];
  text: string;
}

const ENTITIES: Readonly<Record<string, string>> = {
  lt: '<',
  gt: '>',
  amp: '&',
  quot: '"',
  apos: "'",
};

function decode(text: string): string {
  return text.replace(/&(#x[0-9a-fA-F]+|#\d+|\w+);/g, (whole, entity: string) => {
    if (entity.startsWith('#x')) return String.fromCodePoint(parseInt(entity.slice(2), 16));
    if (entity.startsWith('#')) return String.fromCodePoint(parseInt(entity.slice(1), 10));
    return ENTITIES[entity] ?? whole;
  });
}

const local = (name: string): string => name.slice(name.indexOf(':') + 1);

/** Parses XML text into a tree of elements (comments, PIs and DTDs dropped). */
export function parseXml(xml: string): XmlNode {
  const root: XmlNode = { name: '#document', attrs: {}, children: [], text: '' };
  const stack: XmlNode[] = [root];
  const token =
    /<!--[\s\S]*?-->|<!\[CDATA\[([\s\S]*?)\]\]>|<\?[\s\S]*?\?>|<!DOCTYPE[^>]*>|<\/([^>\s]+)\s*>|<([^\s/>]+)((?:\s+[^\s=]+\s*=\s*(?:"[^"]*"|'[^']*'))*)\s*(\/?)>|([^<]+)/g;
  for (let m = token.exec(xml); m !== null; m = token.exec(xml)) {
    const top = stack[stack.length - 1] as XmlNode;
    if (m[1] !== undefined) top.text += m[1];
    else if (m[2] !== undefined) stack.pop();
    else if (m[3] !== undefined) {
      const attrs: Record<string, string> = {};
      for (const a of (m[4] ?? '').matchAll(/([^\s=]+)\s*=\s*(?:"([^"]*)"|'([^']*)')/g)) {
        attrs[local(a[1] ?? '')] = decode(a[2] ?? a[3] ?? '');
      }
      const node: XmlNode = { name: local(m[3]), attrs, children: [], text: '' };
      top.children.push(node);
      if (m[5] !== '/') stack.push(node);
    } else if (m[6] !== undefined) top.text += decode(m[6]);
  }
  return root;
}

const kids = (node: XmlNode, name: string): XmlNode[] =>
  node.children.filter((c) => c.name === name);
const kid = (node: XmlNode, name: string): XmlNode | undefined => kids(node, name)[0];

// ---------------------------------------------------------------------------------------------
// Values

/** Converts a TCK value holder (inputNode, expected, component, item) into a FEEL value. */
export function tckValue(holder: XmlNode): unknown {
  const value = kid(holder, 'value');
  if (value !== undefined) return simpleValue(value);
  const list = kid(holder, 'list');
  if (list !== undefined) return kids(list, 'item').map(tckValue);
  const components = kids(holder, 'component');
  if (components.length > 0) {
    const out: Record<string, unknown> = {};
    for (const c of components) out[c.attrs.name ?? ''] = tckValue(c);
    return out;
  }
  return null;
}

function simpleValue(value: XmlNode): unknown {
  if (value.attrs.nil === 'true') return null;
  const type = local(value.attrs.type ?? 'xsd:string');
  const text = value.text;
  switch (type) {
    case 'decimal':
    case 'double':
    case 'integer':
    case 'int':
    case 'long':
    case 'float':
      return text.trim() === 'INF' ? Infinity : Number(text.trim());
    case 'boolean':
      return text.trim() === 'true';
    case 'date':
      return parseDate(text.trim());
    case 'time':
      return parseTime(text.trim());
    case 'dateTime':
      return parseDateTime(text.trim());
    case 'duration':
      return duration(text.trim());
    default:
      return text;
  }
}

/** Formats a FEEL value for a report line. */
function show(value: unknown): string {
  if (value === null || value === undefined) return 'null';
  if (typeof value === 'string') return JSON.stringify(value);
  if (Array.isArray(value)) return `[${value.map(show).join(', ')}]`;
  if (
    value instanceof FeelDate ||
    value instanceof FeelDateTime ||
    value instanceof FeelTime ||
    value instanceof FeelDuration
  ) {
    return `${value.constructor.name.replace('Feel', '').toLowerCase()}(${value.iso})`;
  }
  if (typeof value === 'object') {
    const proto = Object.getPrototypeOf(value) as unknown;
    if (proto === Object.prototype || proto === null) {
      return `{${Object.entries(value)
        .map(([k, v]) => `${k}: ${show(v)}`)
        .join(', ')}}`;
    }
    return `<${(value as object).constructor.name}>`;
  }
  return String(value);
}

/**
 * Compares as the TCK's lenient runners do: numbers within `tolerance` (default 1e-8; 0 for
 * the exact-decimal score), contexts by key set.
 */
export function tckEquals(expected: unknown, actual: unknown, tolerance = 1e-8): boolean {
  if (expected === null) return actual === null || actual === undefined;
  if (actual === null || actual === undefined) return false;
  if (typeof expected === 'number') {
    if (typeof actual !== 'number') return false;
    if (expected === actual) return true;
    return Math.abs(expected - actual) < tolerance;
  }
  if (typeof expected !== 'object') return expected === actual;
  if (Array.isArray(expected)) {
    return (
      Array.isArray(actual) &&
      actual.length === expected.length &&
      expected.every((e: unknown, i) => tckEquals(e, actual[i], tolerance))
    );
  }
  if (expected instanceof FeelDuration) {
    return (
      actual instanceof FeelDuration &&
      actual.yearsMonths === expected.yearsMonths &&
      actual.iso === expected.iso
    );
  }
  for (const cls of [FeelDate, FeelDateTime, FeelTime]) {
    if (expected instanceof cls) {
      // `Z`, `+00:00` and `-00:00` are the same offset.
      const iso = (v: unknown): string => (v as { iso: string }).iso.replace(/(Z|[+-]00:00)$/, 'Z');
      return actual instanceof cls && iso(actual) === iso(expected);
    }
  }
  if (typeof actual !== 'object' || Array.isArray(actual)) return false;
  const e = expected as Record<string, unknown>;
  const a = actual as Record<string, unknown>;
  const keys = Object.keys(e);
  return (
    keys.length === Object.keys(a).length &&
    keys.every((k) => Object.hasOwn(a, k) && tckEquals(e[k], a[k], tolerance))
  );
}

// ---------------------------------------------------------------------------------------------
// Running

/** The outcome of one TCK folder. */
export interface FolderResult {
  readonly level: string;
  readonly folder: string;
  passed: number;
  failed: number;
  /** Test cases that pass with numbers compared exactly. */
  exact: number;
  /** Result nodes marked `errorResult`, and how many of them the engine reported an error for. */
  errorNodes: number;
  errorsReported: number;
}

interface CaseOutcome {
  readonly id: string;
  readonly failure: string | undefined;
  readonly exact: boolean;
  readonly errorNodes: number;
  readonly errorsReported: number;
}

function testFiles(dir: string): string[] {
  const out: string[] = [];
  const walk = (d: string): void => {
    for (const entry of readdirSync(d, { withFileTypes: true }).sort((a, b) =>
      a.name < b.name ? -1 : 1,
    )) {
      const p = join(d, entry.name);
      if (entry.isDirectory()) walk(p);
      else if (entry.name.endsWith('-test-01.xml')) out.push(p);
    }
  };
  walk(dir);
  return out;
}

/** Runs one test file; returns each test case's outcome (`failure` undefined = pass). */
function runFile(file: string): CaseOutcome[] {
  const dir = join(file, '..');
  const doc = parseXml(readFileSync(file, 'utf8'));
  const root = kid(doc, 'testCases');
  if (root === undefined) return [failedCase('(file)', 'not a testCases document')];
  const modelName = kid(root, 'modelName')?.text.trim() ?? '';
  const dmnFiles = readdirSync(dir).filter((f) => f.endsWith('.dmn'));
  const ordered = [modelName, ...dmnFiles.filter((f) => f !== modelName)];
  let engine: DmnEngine;
  try {
    engine = DmnEngine.parse(
      ordered.map((f) => ({ path: f, text: readFileSync(join(dir, f), 'utf8') })),
      { defaultExpressionLanguage: 'feel' },
    );
  } catch (error) {
    const message = `model does not load: ${(error as Error).message}`;
    return kids(root, 'testCase').map((tc) => failedCase(tc.attrs.id ?? '?', message));
  }
  const mainNamespace = engine.models.models[0]?.namespace;
  return kids(root, 'testCase').map((tc) => {
    const id = tc.attrs.id ?? '?';
    try {
      return { id, ...runCase(engine, tc, mainNamespace) };
    } catch (error) {
      return failedCase(id, `runner error: ${(error as Error).message}`);
    }
  });
}

function failedCase(id: string, failure: string): CaseOutcome {
  return { id, failure, exact: false, errorNodes: 0, errorsReported: 0 };
}

function runCase(
  engine: DmnEngine,
  tc: XmlNode,
  mainNamespace: string | undefined,
): Omit<CaseOutcome, 'id'> {
  const inputs = new Map<string, unknown>();
  const qualified = new Map<string, unknown>();
  for (const input of kids(tc, 'inputNode')) {
    const name = input.attrs.name ?? '';
    const value = tckValue(input);
    if (input.attrs.namespace !== undefined) {
      qualified.set(`${input.attrs.namespace}#${name}`, value);
    } else inputs.set(name, value);
  }
  const problems: string[] = [];
  let exact = true;
  let errorNodes = 0;
  let errorsReported = 0;
  for (const node of kids(tc, 'resultNode')) {
    const name = node.attrs.name ?? '';
    const expectedHolder = kid(node, 'expected');
    const expected = expectedHolder === undefined ? null : tckValue(expectedHolder);
    const errorResult = node.attrs.errorResult === 'true';
    if (errorResult) errorNodes += 1;
    let actual: unknown;
    let reported: boolean;
    try {
      const namespace = node.attrs.namespace ?? mainNamespace;
      const scope = namespace === undefined ? {} : { namespace };
      if (tc.attrs.type === 'decisionService') {
        const service = tc.attrs.invocableName ?? '';
        const result = engine.invokeDecisionService(service, inputs, scope);
        const outputs = engine.find(service, 'dmn:DecisionService', namespace).element
          .outputDecision as unknown[] | undefined;
        actual =
          (outputs?.length ?? 0) > 1 && result.value !== null && typeof result.value === 'object'
            ? (result.value as Record<string, unknown>)[name]
            : result.value;
        reported = result.errors.length > 0 || result.warnings.length > 0;
      } else {
        const result = engine.evaluate(name, inputs, { ...scope, qualifiedInputs: qualified });
        actual = result.value;
        reported = result.errors.length > 0 || result.warnings.length > 0;
      }
    } catch (error) {
      if (errorResult) errorsReported += 1;
      if (expected !== null) problems.push(`${name}: threw ${(error as Error).message}`);
      exact = false;
      continue;
    }
    if (errorResult && reported) errorsReported += 1;
    if (!tckEquals(expected, actual)) {
      problems.push(`${name}: expected ${show(expected)}, got ${show(actual)}`);
    }
    if (!tckEquals(expected, actual, 0)) exact = false;
  }
  const failure = problems.length === 0 ? undefined : problems.join('; ');
  return { failure, exact: failure === undefined && exact, errorNodes, errorsReported };
}

/**
 * Runs every `*-test-01.xml` under `dir`, returning per-folder counts and one line per failing
 * test case.
 * @throws {@link CorpusMissingError} when `dir` is not a directory
 */
export function collectDmnTck(dir: string): { folders: FolderResult[]; lines: string[] } {
  if (!existsSync(dir) || !statSync(dir).isDirectory()) {
    throw new CorpusMissingError(`DMN TCK directory not found: ${dir}`);
  }
  const lines: string[] = [];
  const folders: FolderResult[] = [];
  for (const file of testFiles(dir)) {
    const rel = relative(dir, join(file, '..')).split(/[\\/]/);
    const folder: FolderResult = {
      level: rel.length > 1 ? (rel[0] ?? '') : '',
      folder: rel[rel.length - 1] ?? basename(file),
      passed: 0,
      failed: 0,
      exact: 0,
      errorNodes: 0,
      errorsReported: 0,
    };
    folders.push(folder);
    let results: CaseOutcome[];
    try {
      results = runFile(file);
    } catch (error) {
      results = [failedCase('(file)', `runner error: ${(error as Error).message}`)];
    }
    for (const r of results) {
      if (r.exact) folder.exact += 1;
      folder.errorNodes += r.errorNodes;
      folder.errorsReported += r.errorsReported;
      if (r.failure === undefined) folder.passed += 1;
      else {
        folder.failed += 1;
        lines.push(`FAIL ${folder.level}/${folder.folder} #${r.id}: ${r.failure.slice(0, 400)}`);
      }
    }
  }
  return { folders, lines };
}

/** Runs every `*-test-01.xml` under `dir` (the `dmn-tck` corpus kind). */
export function runDmnTck(dir: string): Promise<CorpusReport> {
  let collected: { folders: FolderResult[]; lines: string[] };
  try {
    collected = collectDmnTck(dir);
  } catch (error) {
    return Promise.reject(error instanceof Error ? error : new Error(String(error)));
  }
  const { folders, lines } = collected;
  const summary: string[] = [];
  const levels = [...new Set(folders.map((f) => f.level))];
  for (const level of levels) {
    const inLevel = folders.filter((f) => f.level === level);
    const passed = inLevel.reduce((n, f) => n + f.passed, 0);
    const total = inLevel.reduce((n, f) => n + f.passed + f.failed, 0);
    const full = inLevel.filter((f) => f.failed === 0).length;
    const exact = inLevel.reduce((n, f) => n + f.exact, 0);
    const errorNodes = inLevel.reduce((n, f) => n + f.errorNodes, 0);
    const reported = inLevel.reduce((n, f) => n + f.errorsReported, 0);
    summary.push(
      `${level || '(top)'}: ${passed}/${total} test cases (${((100 * passed) / Math.max(total, 1)).toFixed(1)}%), ${full}/${inLevel.length} folders fully passing; ${exact} pass with exact numbers; ${reported}/${errorNodes} errorResult nodes reported as errors`,
    );
    for (const f of inLevel) {
      if (f.failed > 0) summary.push(`  ${f.folder}: ${f.passed}/${f.passed + f.failed}`);
    }
  }
  const passed = folders.reduce((n, f) => n + f.passed, 0);
  const failed = folders.reduce((n, f) => n + f.failed, 0);
  return Promise.resolve({ passed, failed, lines, summary });
}
