import type { CorpusKind } from './report.js';
import { runDmnTck } from './dmn-tck.js';
import { runPatterns } from './patterns.js';
import { runPythonCorpus } from './python-corpus.js';
import { runInterop, runSpiff } from './spiff/runner.js';
import { runMiwg } from './miwg.js';
import { interopOutOptions, runInteropOut } from './interop-out.js';

/** Every corpus the runner knows; later issues add `spiff`, `dmn-tck`, ... here. */
export const kinds: Readonly<Record<string, CorpusKind>> = {
  patterns: {
    description: 'legacy Spiff XML workflow patterns: traces, data patterns, round trips',
    argument: 'dir',
    defaultPath: '../shared/conformance/spiff/models/core/data',
    run: runPatterns,
  },
  'dmn-tck': {
    description: 'DMN TCK decision models and test cases (compliance levels 2 and 3)',
    argument: 'dir',
    defaultPath: '../shared/conformance/dmn-tck',
    run: runDmnTck,
  },
  spiff: {
    description: 'SpiffWorkflow behaviour scenarios: BPMN models replayed step by step',
    argument: 'dir',
    defaultPath: '../shared/conformance/spiff',
    run: runSpiff,
  },
  interop: {
    description: 'SpiffWorkflow-written workflow states (interop/*.json) read and continued',
    argument: 'dir',
    defaultPath: '../shared/conformance/spiff',
    run: runInterop,
  },
  'interop-out': {
    description:
      'our states at the interop save points, continued by a SpiffWorkflow checkout (optional)',
    argument: 'dir',
    options: '--reference <SpiffWorkflow checkout>',
    defaultPath: '../shared/conformance/spiff',
    run: (path, args) => runInteropOut(path, interopOutOptions(args)),
  },
  miwg: {
    description: 'BPMN MIWG interchange models: every file parses, ids are kept, gaps reported',
    argument: 'dir',
    defaultPath: '../shared/conformance/bpmn-miwg',
    run: runMiwg,
  },
  python: {
    description: 'Python-subset interpreter cases recorded from CPython',
    argument: 'cases.json',
    defaultPath: '../shared/conformance/python/cases.json',
    run: runPythonCorpus,
  },
};
