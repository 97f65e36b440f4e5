/**
 * The BPMN MIWG interchange corpus (`shared/conformance/bpmn-miwg`): every reference model and
 * tool export must parse (or, when malformed, fail with a `ValidationError` naming the file and
 * line), every id a reference model lists must be found, and what the engine cannot execute is
 * counted as diagnostics (for information, not failures).
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
  /** Executable processes the engine could not build, with the reason. */
  readonly diagnostics: readonly string[];
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
  try {
    parser.addBpmnXml(decodeUtf8(bytes, entry.file), entry.file);
  } catch (error) {
    if (
      !entry.wellFormed &&
      error instanceof ValidationError &&
      error.location.file === entry.file
    ) {
      return { file: entry.file, failure: undefined, diagnostics: [] };
    }
    const why = error instanceof Error ? `${error.name}: ${error.message}` : String(error);
    return { file: entry.file, failure: `${entry.file}: does not parse: ${why}`, diagnostics: [] };
  }
  if (!entry.wellFormed) {
    return {
      file: entry.file,
      failure: `${entry.file}: malformed file was accepted`,
      diagnostics: [],
    };
  }
  const diagnostics: string[] = [];
  for (const id of parser.getProcessIds()) {
    if (!parser.isExecutable(id)) continue;
    try {
      parser.getSpec(id);
    } catch (error) {
      if (!(error instanceof ValidationError)) {
        const why = error instanceof Error ? error.message : String(error);
        return {
          file: entry.file,
          failure: `${entry.file}: process '${id}' crashed the parser: ${why}`,
          diagnostics,
        };
      }
      diagnostics.push(
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
      };
    }
    return { file: entry.file, failure: undefined, ids, diagnostics };
  }
  return { file: entry.file, failure: undefined, diagnostics };
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
  const diagnostics = results.reduce((n, r) => n + r.diagnostics.length, 0);
  const summary = [
    `reference files parsed: ${reference.filter((r) => r.failure === undefined).length} of ${reference.length}; tool exports: ${results.length - reference.length - lines.filter((l) => !reference.some((r) => l.startsWith(r.file))).length} of ${results.length - reference.length}`,
    `id coverage in reference files: ${found} of ${listed}`,
    `unsupported-element diagnostics (executable processes the engine cannot run): ${diagnostics}`,
  ];
  return { passed: results.length - lines.length, failed: lines.length, lines, summary };
}
