import { readFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import {
  BpmnParser,
  BpmnWorkflow,
  BpmnWorkflowSerializer,
  type BpmnWorkflowOptions,
} from '@spiff-ts/bpmn';

const fixtures = resolve(dirname(fileURLToPath(import.meta.url)), 'fixtures');

/** A parser holding the given fixture files. */
export function parserFor(...files: string[]): BpmnParser {
  const parser = new BpmnParser();
  for (const file of files) parser.addBpmnXml(readFileSync(resolve(fixtures, file), 'utf8'), file);
  return parser;
}

/** Loads a process from fixture files and creates a workflow. */
export function loadWorkflow(
  file: string | string[],
  process: string,
  options: BpmnWorkflowOptions = {},
): BpmnWorkflow {
  const parser = parserFor(...(Array.isArray(file) ? file : [file]));
  return new BpmnWorkflow(parser.getSpec(process), parser.getSubprocessSpecs(process), options);
}

/** Serializes to JSON text and back. */
export function saveRestore(
  workflow: BpmnWorkflow,
  options: ConstructorParameters<typeof BpmnWorkflowSerializer>[0] = {},
): BpmnWorkflow {
  const serializer = new BpmnWorkflowSerializer(options);
  return serializer.deserializeJson(serializer.serializeJson(workflow));
}
