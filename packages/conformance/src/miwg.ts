/**
 * The BPMN MIWG interchange corpus (`shared/conformance/bpmn-miwg`): every reference model and
 * tool export must parse (or, when malformed, fail with a `ValidationError` naming the file and
 * line), every id a reference model lists must be found, and what the engine cannot execute is
 * counted as diagnostics (for information, not failures). Parsing is separate from executing: a
 * non-executable process, or an executable one the engine cannot build, is reported, not failed.
 */
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { BpmnParser, ValidationError } from '@spiff-ts/bpmn';
import { CorpusMissingError, type CorpusReport } from './report.js';

interface ManifestEntry {
  readonly file: string;
  readonly wellFormed: boolean;
  readonly bpmnIds?: readonly string[];
}

interface Manifest {
  readonly reference: readonly ManifestEntry[];
  readonly toolExports: readonly ManifestEntry[];
}

/** Outcome of one file. */
export interface MiwgResult {
  readonly file: string;
  /** Undefined when the file behaved as required. */
  readonly failure: string | undefined;
  /** Ids listed by the manifest that were found / listed (reference files). */
  readonly ids?: { readonly found: number; readonly listed: number };
  /** Elements the engine cannot execute, with tag, id and line (`unsupportedElements`). */
  readonly diagnostics: readonly string[];
  /** Executable processes the engine could not build, with the reason. */
  readonly buildFailures?: readonly string[];
  /** Parser warnings (vendor elements and attributes, invalid ids, dangling references). */
  readonly warnings: number;
  /** Processes marked `isExecutable="false"` (a validation message, not a parse failure). */
  readonly nonExecutable: number;
}

/**
 * Decodes a file as UTF-8, refusing bytes that are not UTF-8 (which a lenient decode would
 * silently turn into U+FFFD).
 * @throws {@link ValidationError} naming the file and the line of the first bad byte
 */
export function decodeUtf8(bytes: Uint8Array, file: string): string {
  try {
    return new TextDecoder('utf-8', { fatal: true }).decode(bytes);
  } catch {
    const text = new TextDecoder('utf-8').decode(bytes);
    const at = text.indexOf('\uFFFD');
    const line = text.slice(0, Math.max(at, 0)).split('\n').length;
    throw new ValidationError('The file is not valid UTF-8', { file, line });
  }
}

/** Checks one file as the MIWG README asks. */
export function checkMiwgFile(root: string, entry: ManifestEntry, validate = true): MiwgResult {
  const bytes = readFileSync(join(root, entry.file));
  const parser = new BpmnParser({ validate });
  const none = { diagnostics: [], warnings: 0, nonExecutable: 0 };
  try {
    parser.addBpmnXml(decodeUtf8(bytes, entry.file), entry.file);
  } catch (error) {
    // A malformed file passes only when refused with an error that names the file and line.
    if (
      !entry.wellFormed &&
      error instanceof ValidationError &&
      error.location.file === entry.file &&
      error.location.line !== undefined
    ) {
      return { file: entry.file, failure: undefined, ...none };
    }
    const why = error instanceof Error ? `${error.name}: ${error.message}` : String(error);
    const where =
      error instanceof ValidationError && error.location.line !== undefined
        ? ` (line ${error.location.line})`
        : '';
    return { file: entry.file, failure: `${entry.file}: does not parse: ${why}${where}`, ...none };
  }
  if (!entry.wellFormed) {
    return { file: entry.file, failure: `${entry.file}: malformed file was accepted`, ...none };
  }
  const diagnostics = parser
    .unsupportedElements()
    .map((d) => `<${d.tag ?? '?'}> ${d.elementId ?? '?'}: ${d.message} (line ${d.line ?? '?'})`);
  const warnings = parser.warnings.length;
  const buildFailures: string[] = [];
  let nonExecutable = 0;
  for (const id of parser.getProcessIds()) {
    if (!parser.isExecutable(id)) {
      nonExecutable += 1;
      continue;
    }
    try {
      parser.getSpec(id);
    } catch (error) {
      if (!(error instanceof ValidationError)) {
        const why = error instanceof Error ? error.message : String(error);
        return {
          file: entry.file,
          failure: `${entry.file}: process '${id}' crashed the parser: ${why}`,
          diagnostics,
          warnings,
          nonExecutable,
        };
      }
      buildFailures.push(
        `${id}: ${error.message} (${error.location.elementId ?? '?'}, line ${error.location.line ?? '?'})`,
      );
    }
  }
  if (entry.bpmnIds) {
    const missing = entry.bpmnIds.filter((id) => parser.element(id) === undefined);
    const ids = { found: entry.bpmnIds.length - missing.length, listed: entry.bpmnIds.length };
    if (missing.length > 0) {
      return {
        file: entry.file,
        failure: `${entry.file}: ids not found: ${missing.slice(0, 5).join(', ')}`,
        ids,
        diagnostics,
        buildFailures,
        warnings,
        nonExecutable,
      };
    }
    return {
      file: entry.file,
      failure: undefined,
      ids,
      diagnostics,
      buildFailures,
      warnings,
      nonExecutable,
    };
  }
  return {
    file: entry.file,
    failure: undefined,
    diagnostics,
    buildFailures,
    warnings,
    nonExecutable,
  };
}

/** The `miwg` corpus kind. */
export async function runMiwg(root: string): Promise<CorpusReport> {
  const manifestPath = join(root, 'manifest.json');
  if (!existsSync(manifestPath))
    throw new CorpusMissingError(`No MIWG manifest at ${manifestPath}`);
  const manifest = JSON.parse(readFileSync(manifestPath, 'utf8')) as Manifest;
  const results = [...manifest.reference, ...manifest.toolExports].map((e) =>
    checkMiwgFile(root, e),
  );
  const lines = results.filter((r) => r.failure !== undefined).map((r) => r.failure as string);
  let found = 0;
  let listed = 0;
  for (const r of results) {
    found += r.ids?.found ?? 0;
    listed += r.ids?.listed ?? 0;
  }
  const reference = results.slice(0, manifest.reference.length);
  const tools = results.slice(manifest.reference.length);
  const ok = (rs: readonly MiwgResult[]) => rs.filter((r) => r.failure === undefined).length;
  const rate = (rs: readonly MiwgResult[]) =>
    `${ok(rs)} of ${rs.length} (${rs.length === 0 ? 100 : ((100 * ok(rs)) / rs.length).toFixed(1)}%)`;
  const malformed = manifest.toolExports.filter((e) => !e.wellFormed).length;
  const sum = (pick: (r: MiwgResult) => number) => results.reduce((n, r) => n + pick(r), 0);
  const diagnostics = sum((r) => r.diagnostics.length);
  const withDiagnostics = results.filter((r) => r.diagnostics.length > 0).length;
  const summary = [
    `reference files parsed: ${rate(reference)}`,
    `tool exports parsed (or, for the ${malformed} malformed ones, refused naming file and line): ${rate(tools)}`,
    `id coverage in reference files: ${found} of ${listed}`,
    `unsupported-element diagnostics: ${diagnostics} in ${withDiagnostics} files`,
    `executable processes the engine cannot build (validation, not parsing): ${sum((r) => r.buildFailures?.length ?? 0)}`,
    `parser warnings (tolerated vendor quirks): ${sum((r) => r.warnings)}; non-executable processes: ${sum((r) => r.nonExecutable)}`,
  ];
  return { passed: results.length - lines.length, failed: lines.length, lines, summary };
}
