/**
 * @packageDocumentation
 * Sandboxed interpreter for the Python subset used in SpiffWorkflow models: gateway conditions,
 * script tasks, DMN cells. Pure TypeScript; no host access from Python code.
 *
 * ```ts
 * import { evaluate, execute, toPython } from '@spiff-ts/python';
 * evaluate('amount > 100', { amount: 150n }); // true
 * const data = { items: toPython([1, 2, 3]) };
 * execute('total = sum(items)', data); // data.total === 6n
 * ```
 */
export {
  evaluate,
  execute,
  executeHostCode,
  importModule,
  parse,
  type Context,
  type HostCodeOptions,
  type RunOptions,
} from './run.js';
export { fromPython, toPython, type JsonLike, type TaggedValue } from './convert.js';
export { PyFunction } from './interp.js';
export { formatValue } from './format.js';
export {
  PyBuiltin,
  PyCallable,
  PyDict,
  PyDictView,
  PyException,
  PyException as PythonError,
  PyExceptionType,
  PyIterator,
  PyList,
  PyModule,
  PyRange,
  PySet,
  PyTuple,
  PyType,
  builtin,
  defaultHostHooks,
  floatRepr,
  pyEquals,
  pyRepr,
  pyStr,
  truthy,
  typeName,
  type BinOp,
  type CompareOp,
  type HostHooks,
  type PyKwargs,
  type PyObject,
  type PyValue,
  type SourceSpan,
} from './values.js';
