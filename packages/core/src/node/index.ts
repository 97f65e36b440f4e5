/**
 * `@spiff-ts/core/node`: the Node.js-only parts of the core: a file reader for the XML loader
 * and the Execute spec's layer, which runs external commands.
 *
 * @example
 * ```ts
 * import { Workflow } from '@spiff-ts/core';
 * import { createNodeRegistry, loadSpiffXmlFile } from '@spiff-ts/core/node';
 * const workflow = new Workflow(loadSpiffXmlFile('flow.xml'), { registry: createNodeRegistry() });
 * ```
 *
 * @packageDocumentation
 */
export { createNodeRegistry, executeLayer } from './execute.js';
export { loadSpiffXmlFile, readTextFile } from './files.js';
