/**
 * Trusted mode: the few extra names host-supplied code (a script-engine prelude) may use to set
 * up the environment model scripts run in, as SpiffWorkflow hosts do with full Python. Everything
 * here is built from sandbox values only; see the README's safety section.
 *
 * - `import builtins`: a read-only module holding exactly the sandbox's builtins (its
 *   `__import__` is the sandbox one: it imports what the *running* code may import).
 * - `import types`: `types.ModuleType(name)` makes a module whose attributes can be assigned.
 * - `vars(module)`: a dict of the module's attributes; `vars()` is `locals()`.
 */
import { BUILTINS } from './builtins.js';
import { PyHostModule, VARS_BUILTIN } from './interp.js';
import { PyModule, PyType, raise, typeName, type PyValue } from './values.js';

/** Modules only trusted code may import, on top of the allowed stdlib modules. */
export const TRUSTED_MODULES: ReadonlyMap<string, PyModule> = new Map([
  // a plain (read-only) module: it is shared by every run, so no code may change it
  ['builtins', new PyModule('builtins', new Map(BUILTINS))],
  [
    'types',
    new PyModule(
      'types',
      new Map<string, PyValue>([
        [
          'ModuleType',
          new PyType('module', {
            call: (args, kwargs) => {
              const all = [...args];
              for (const [k, v] of kwargs ?? []) {
                const at = k === 'name' ? 0 : k === 'doc' ? 1 : -1;
                if (at < 0 || all[at] !== undefined) {
                  raise('TypeError', `module() got an unexpected keyword argument '${k}'`);
                }
                all[at] = v;
              }
              if (all.length > 2) {
                raise('TypeError', `module() takes at most 2 arguments (${all.length} given)`);
              }
              const name = all[0];
              if (name === undefined) {
                raise('TypeError', "module() missing required argument 'name' (pos 1)");
              }
              if (typeof name !== 'string') {
                raise('TypeError', `module() argument 'name' must be str, not ${typeName(name)}`);
              }
              return new PyHostModule(name);
            },
            isInstance: (v) => v instanceof PyModule,
          }),
        ],
      ]),
    ),
  ],
]);

/** The builtin namespace of trusted code: the sandbox's plus `vars`. */
export const TRUSTED_BUILTINS: ReadonlyMap<string, PyValue> = new Map([
  ...BUILTINS,
  ['vars', VARS_BUILTIN],
]);
