import type { CorpusKind } from './report.js';
import { runPatterns } from './patterns.js';
import { runPythonCorpus } from './python-corpus.js';

/** Every corpus the runner knows; later issues add `spiff`, `dmn-tck`, ... here. */
export const kinds: Readonly<Record<string, CorpusKind>> = {
  patterns: {
    description: 'legacy Spiff XML workflow patterns: traces, data patterns, round trips',
    argument: 'dir',
    defaultPath: '../shared/conformance/spiff/models/core/data',
    run: runPatterns,
  },
  python: {
    description: 'Python-subset interpreter cases recorded from CPython',
    argument: 'cases.json',
    defaultPath: '../shared/conformance/python/cases.json',
    run: runPythonCorpus,
  },
};
