/// <reference types="node" />
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { XsdSchema, type XsdFiles } from '../xsd/xsd-schema.js';

const require = createRequire(import.meta.url);

function readPackageFiles(dir: string, names: readonly string[], entry: string): XsdFiles {
  const files = Object.fromEntries(
    names.map((name) => [name, readFileSync(require.resolve(`${dir}/${name}`), 'utf8')]),
  );
  return { entry, files };
}

/**
 * The BPMN 2.0 XSDs as shipped in the `bpmn-moddle` package (the OMG files; this repository does
 * not carry copies).
 */
export function bpmnXsdFiles(): XsdFiles {
  return readPackageFiles(
    'bpmn-moddle/resources/bpmn/xsd',
    ['BPMN20.xsd', 'Semantic.xsd', 'BPMNDI.xsd', 'DC.xsd', 'DI.xsd'],
    'BPMN20.xsd',
  );
}

/** The DMN 1.3 XSDs as shipped in the `dmn-moddle` package. */
export function dmnXsdFiles(): XsdFiles {
  return readPackageFiles(
    'dmn-moddle/resources/dmn/xsd',
    ['DMN13.xsd', 'DMNDI13.xsd', 'DC.xsd', 'DI.xsd'],
    'DMN13.xsd',
  );
}

/** Compiles {@link bpmnXsdFiles} for `validateBpmn`. */
export function loadBpmnSchema(): XsdSchema {
  return XsdSchema.compile(bpmnXsdFiles());
}

/** Compiles {@link dmnXsdFiles} for `validateDmn`. */
export function loadDmnSchema(): XsdSchema {
  return XsdSchema.compile(dmnXsdFiles());
}
