#!/usr/bin/env node
/**
 * Conformance runner: `npm run -s conformance -- <kind> [path]`.
 *
 * Each kind replays one corpus from `../shared/conformance` (or any path given) and prints one
 * line per failure followed by a closing `N passed, N failed` line. Exit code: 0 when everything
 * passed, 1 when something failed, 2 for usage errors or a missing corpus.
 */
import { resolve } from 'node:path';
import { kinds } from './kinds.js';
import { CorpusMissingError, closingLine } from './report.js';

function usage(): string {
  const rows = Object.entries(kinds).map(
    ([name, kind]) =>
      `  ${name.padEnd(11)} <${kind.argument}>${kind.options ? ` [${kind.options}]` : ''}  ${kind.description}`,
  );
  return ['usage: npm run -s conformance -- <kind> [path] [options]', '', 'kinds:', ...rows].join(
    '\n',
  );
}

async function main(argv: readonly string[]): Promise<number> {
  const [kindName, ...rest] = argv;
  // The path is the first argument unless it is an option; the rest go to the kind.
  const pathArg = rest[0]?.startsWith('--') ? undefined : rest[0];
  const args = pathArg === undefined ? rest : rest.slice(1);
  if (kindName === undefined || kindName === '--help' || kindName === '-h') {
    console.log(usage());
    return kindName === undefined ? 2 : 0;
  }
  const kind = Object.hasOwn(kinds, kindName) ? kinds[kindName] : undefined;
  if (kind === undefined) {
    console.error(`Unknown corpus kind '${kindName}'\n\n${usage()}`);
    return 2;
  }
  if (args.length > 0 && kind.options === undefined) {
    console.error(`Unexpected argument '${args[0] ?? ''}' for kind '${kindName}'\n\n${usage()}`);
    return 2;
  }
  const path = resolve(pathArg ?? kind.defaultPath);
  try {
    const report = await kind.run(path, args);
    for (const line of report.lines) console.log(line);
    for (const line of report.summary ?? []) console.log(line);
    console.log(closingLine(report));
    return report.failed === 0 ? 0 : 1;
  } catch (error) {
    if (error instanceof CorpusMissingError) {
      console.error(error.message);
      return 2;
    }
    throw error;
  }
}

process.exitCode = await main(process.argv.slice(2));
