// Lint setup: typescript-eslint's recommended rules (the type checker already runs in `tsc -b`,
// so type-aware lint rules would mostly repeat it at several times the cost), plus the
// determinism rules the engine packages promise: no wall clock, no randomness, no console and
// no Node built-ins outside the host packages (cli, conformance).
import js from '@eslint/js';
import tseslint from 'typescript-eslint';

const basePackages = [
  'packages/core/src/**/*.ts',
  'packages/python/src/**/*.ts',
  'packages/bpmn/src/**/*.ts',
  'packages/dmn/src/**/*.ts',
];
const enginePackages = [
  ...basePackages,
  'packages/spiff/src/**/*.ts',
  'packages/camunda/src/**/*.ts',
];
const hostNeutral = { group: ['node:*'], message: 'Engine packages stay host-neutral' };

export default tseslint.config(
  { ignores: ['**/dist/**', '**/node_modules/**', 'coverage/**'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    // Plain Node scripts (the test wrapper); TypeScript files get Node's globals from @types/node.
    files: ['scripts/**/*.mjs'],
    languageOptions: { globals: { process: 'readonly', console: 'readonly' } },
  },
  {
    rules: {
      '@typescript-eslint/no-unused-vars': [
        'error',
        { argsIgnorePattern: '^_', varsIgnorePattern: '^_', caughtErrors: 'none' },
      ],
      'no-constant-condition': ['error', { checkLoops: false }],
    },
  },
  {
    files: enginePackages,
    ignores: ['packages/core/src/node/**', 'packages/bpmn/src/node/**'],
    rules: {
      'no-console': 'error',
      'no-restricted-imports': ['error', { patterns: [hostNeutral] }],
      'no-restricted-properties': [
        'error',
        { object: 'Date', property: 'now', message: 'Inject a clock instead' },
        { object: 'Math', property: 'random', message: 'Inject a random source instead' },
      ],
    },
  },
  {
    // Dependencies point one way: flavours build on bpmn and dmn, never the reverse.
    files: basePackages,
    ignores: ['packages/core/src/node/**', 'packages/bpmn/src/node/**'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          patterns: [
            hostNeutral,
            {
              group: ['@spiff-ts/spiff', '@spiff-ts/camunda'],
              message: 'Flavours depend on bpmn, not the reverse: pass a BpmnFlavour instead',
            },
          ],
        },
      ],
    },
  },
);
