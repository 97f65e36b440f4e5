#!/usr/bin/env node
/**
 * The `spiff` command line. Today it runs legacy Spiff XML specs; BPMN comes with the BPMN engine.
 *
 *     spiff run <spec.xml> [name=value ...]   run a spec to the end and print its trace
 *     spiff demo                              run the bundled order example
 */
import { relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { SpiffError } from '@spiff-ts/core';
import { runSpecFile } from './run-spec.js';

const USAGE = `usage:
  spiff run <spec.xml> [name=value ...]   run a legacy Spiff XML spec and print its trace
  spiff demo                              run the bundled order example`;

function parseAssignments(args: readonly string[]): Record<string, string> {
  const data: Record<string, string> = {};
  for (const arg of args) {
    const at = arg.indexOf('=');
    if (at <= 0) throw new SpiffError(`Expected name=value, got '${arg}'`);
    data[arg.slice(0, at)] = arg.slice(at + 1);
  }
  return data;
}

function printRun(file: string, data: Record<string, string>): number {
  const result = runSpecFile(file, data);
  console.log(
    `Trace of ${relative(process.cwd(), file) || file} (one line per completed task, indented by tree depth):`,
  );
  for (const line of result.trace) console.log(`  ${line}`);
  console.log(`\nCompleted: ${String(result.completed)}`);
  console.log(`Data: ${JSON.stringify(result.data)}`);
  return result.completed ? 0 : 1;
}

function main(argv: readonly string[]): number {
  const [command, ...rest] = argv;
  switch (command) {
    case 'run': {
      const [file, ...assignments] = rest;
      if (file === undefined) {
        console.error(USAGE);
        return 2;
      }
      return printRun(file, parseAssignments(assignments));
    }
    case 'demo': {
      const example = fileURLToPath(new URL('../../../examples/order.xml', import.meta.url));
      console.log('spiffworkflow-ts demo: an order process in SpiffWorkflow legacy XML\n');
      const vip = printRun(example, { customer: 'vip' });
      console.log('\nThe same process for a regular customer takes the manager approval branch:\n');
      return vip + printRun(example, { customer: 'regular' });
    }
    default:
      console.error(USAGE);
      return command === undefined || command === '--help' ? 0 : 2;
  }
}

try {
  process.exitCode = main(process.argv.slice(2));
} catch (error) {
  if (error instanceof SpiffError) {
    console.error(`${error.name}: ${error.message}`);
    process.exitCode = 1;
  } else {
    throw error;
  }
}
