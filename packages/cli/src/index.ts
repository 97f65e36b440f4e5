/**
 * @packageDocumentation
 * The `spiff` command line of spiffworkflow-ts. Its library part runs specs for other hosts.
 *
 * @example
 * ```ts
 * import { runSpecFile } from '@spiff-ts/cli';
 * const { trace, completed } = runSpecFile('examples/order.xml');
 * ```
 */
export { runSpecFile, type SpecRunResult } from './run-spec.js';
