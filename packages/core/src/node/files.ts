/// <reference types="node" />
import { readFileSync } from 'node:fs';
import { dirname, isAbsolute, resolve } from 'node:path';
import { loadSpiffXml } from '../xml/spiff-xml.js';
import type { WorkflowSpec } from '../spec.js';

/** Reads a UTF-8 text file (the XML loader's `readFile`). */
export function readTextFile(path: string): string {
  return readFileSync(path, 'utf8');
}

/** Loads a Spiff XML spec (and its sub-workflow files) from the file system. */
export function loadSpiffXmlFile(file: string): WorkflowSpec {
  return loadSpiffXml(resolve(file), {
    readFile: readTextFile,
    resolvePath: (from, f) => (isAbsolute(f) ? f : resolve(dirname(from), f)),
  });
}
