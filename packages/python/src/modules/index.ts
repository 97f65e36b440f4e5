/**
 * The standard-library modules scripts may import: `datetime`, `decimal`, `json`, `math`, `re`,
 * `time`, `random`. Each entry builds a fresh module bound to the host's clock and random source.
 */
import type { HostHooks, PyModule } from '../values.js';
import { createDatetimeModule } from './datetime.js';
import { createDecimalModule } from './decimal.js';
import { createJsonModule } from './json.js';
import { createMathModule } from './math.js';
import { createRandomModule } from './random.js';
import { createReModule } from './re.js';
import { createTimeModule } from './time.js';

/** Module name → factory. `import x` is allowed exactly for these names. */
export const stdlibModules: Readonly<Record<string, (host: HostHooks) => PyModule>> = {
  datetime: createDatetimeModule,
  decimal: createDecimalModule,
  json: createJsonModule,
  math: createMathModule,
  re: createReModule,
  time: createTimeModule,
  random: createRandomModule,
};

export {
  PyDate,
  PyDateTime,
  PyTime,
  PyTimedelta,
  PyTimezone,
  dateFromIso,
  datetimeFromIso,
  datetimeTypes,
  isDatetimeValue,
  timeFromIso,
  timedeltaFromFields,
} from './datetime.js';
export { PyDecimal, decimalFromString } from './decimal.js';
export { JSONDecodeError } from './json.js';
export { PyMatch, PyPattern, ReError } from './re.js';
export { floatPow } from './math.js';
