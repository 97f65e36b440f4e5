#!/usr/bin/env node
/**
 * The `spiff` command line: runs BPMN models (answers for user tasks, messages and the passing of
 * time come from an answers file) and legacy Spiff XML specs.
 *
 *     spiff run <model.bpmn> [more.bpmn ...] [--process <id>] [--answers <file.json>]
 *               [--data <json>] [--start-time <ISO>] [--flavour bpmn|spiff|camunda]
 *     spiff run <spec.xml> [name=value ...]
 *     spiff demo
 */
import { relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { SpiffError } from '@spiff-ts/core';
import { loadAnswersFile } from './answers.js';
import { formatError } from './format-error.js';
import { FLAVOURS, runBpmnFiles, type BpmnRunResult, type FlavourName } from './run-bpmn.js';
import { runSpecFile } from './run-spec.js';

const USAGE = `usage:
  spiff run <model.bpmn> [more.bpmn ...] [--process <id>] [--answers <file.json>]
            [--data <json>] [--start-time <ISO>] [--flavour bpmn|spiff|camunda]
                                          run a BPMN process to its end; print the task tree and data
  spiff run <spec.xml> [name=value ...]   run a legacy Spiff XML spec and print its trace
  spiff demo                              run examples/order.bpmn with examples/order.answers.json`;

/** A mistake on the command line: printed with the usage, exit code 2. */
class UsageError extends Error {}

const shortPath = (file: string): string => relative(process.cwd(), file) || file;

function parseAssignments(args: readonly string[]): Record<string, string> {
  const data: Record<string, string> = {};
  for (const arg of args) {
    const at = arg.indexOf('=');
    if (at <= 0) throw new UsageError(`Expected name=value, got '${arg}'`);
    data[arg.slice(0, at)] = arg.slice(at + 1);
  }
  return data;
}

function parseData(text: string): Record<string, unknown> {
  let data: unknown;
  try {
    data = JSON.parse(text);
  } catch (error) {
    throw new UsageError(`--data is not valid JSON: ${(error as Error).message}`);
  }
  if (data === null || typeof data !== 'object' || Array.isArray(data)) {
    throw new UsageError('--data must be a JSON object, such as {"customer": "Acme"}');
  }
  return data as Record<string, unknown>;
}

function printLegacyRun(file: string, data: Record<string, string>): number {
  const result = runSpecFile(file, data);
  console.log(`Trace of ${shortPath(file)} (one line per completed task, indented by tree depth):`);
  for (const line of result.trace) console.log(`  ${line}`);
  console.log(`\nCompleted: ${String(result.completed)}`);
  console.log(`Data: ${JSON.stringify(result.data)}`);
  return result.completed ? 0 : 1;
}

function printBpmnRun(files: readonly string[], result: BpmnRunResult): number {
  console.log(`Run of process '${result.process}' in ${files.map(shortPath).join(', ')}:`);
  for (const line of result.log) console.log(`  ${line}`);
  console.log('\nTask tree (indented by depth; internal helper tasks left out):');
  const cells = result.tree.map((t) => `${'  '.repeat(t.depth)}${t.id}`);
  const width = Math.max(0, ...cells.map((c) => c.length));
  result.tree.forEach((task, i) => {
    const name = task.name === null ? '' : `  ${task.name}`;
    console.log(`  ${(cells[i] ?? '').padEnd(width)}  ${task.state.padEnd(9)}${name}`.trimEnd());
  });
  console.log(`\nCompleted: ${String(result.completed)}`);
  console.log(`Final data:\n${JSON.stringify(result.data, null, 2)}`);
  return result.completed ? 0 : 1;
}

function runBpmnCommand(args: readonly string[]): number {
  const { values, positionals } = parseArgs({
    args: [...args],
    allowPositionals: true,
    options: {
      process: { type: 'string' },
      answers: { type: 'string' },
      data: { type: 'string' },
      'start-time': { type: 'string' },
      flavour: { type: 'string' },
    },
  });
  const flavour = values.flavour;
  if (flavour !== undefined && !(FLAVOURS as readonly string[]).includes(flavour)) {
    throw new UsageError(`--flavour must be one of ${FLAVOURS.join(', ')}, got '${flavour}'`);
  }
  const answers = values.answers === undefined ? undefined : loadAnswersFile(values.answers);
  const result = runBpmnFiles(positionals, {
    ...(values.process === undefined ? {} : { process: values.process }),
    ...(answers === undefined ? {} : { answers }),
    ...(values.data === undefined ? {} : { data: parseData(values.data) }),
    ...(values['start-time'] === undefined ? {} : { startTime: values['start-time'] }),
    ...(flavour === undefined ? {} : { flavour: flavour as FlavourName }),
  });
  return printBpmnRun(positionals, result);
}

const isBpmn = (file: string): boolean => /\.bpmn2?$/i.test(file);

function main(argv: readonly string[]): number {
  const [command, ...rest] = argv;
  switch (command) {
    case 'run': {
      const [file, ...more] = rest;
      if (file === undefined) throw new UsageError('spiff run needs a file');
      return isBpmn(file) ? runBpmnCommand(rest) : printLegacyRun(file, parseAssignments(more));
    }
    case 'demo': {
      const example = (name: string) =>
        shortPath(fileURLToPath(new URL(`../../../examples/${name}`, import.meta.url)));
      const model = example('order.bpmn');
      const answers = example('order.answers.json');
      console.log('spiffworkflow-ts demo: an order process in BPMN 2.0, answered from a file');
      console.log(`  spiff run ${model} --process order --answers ${answers}\n`);
      return runBpmnCommand([model, '--process', 'order', '--answers', answers]);
    }
    case undefined:
    case '--help':
    case 'help':
      console.log(USAGE);
      return 0;
    default:
      throw new UsageError(`Unknown command '${command}'`);
  }
}

try {
  process.exitCode = main(process.argv.slice(2));
} catch (error) {
  if (error instanceof SpiffError) {
    console.error(formatError(error));
    process.exitCode = 1;
  } else if (
    error instanceof UsageError ||
    (error as { code?: string }).code?.startsWith('ERR_PARSE_ARGS')
  ) {
    console.error(`${(error as Error).message}\n${USAGE}`);
    process.exitCode = 2;
  } else {
    throw error;
  }
}
