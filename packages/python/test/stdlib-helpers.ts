import {
  PyModule,
  PyNamedTuple,
  PyType,
  callValue,
  isPyObject,
  pyRepr,
  pyStr,
  type HostHooks,
  type PyValue,
} from '../src/values.js';
import { stdlibModules } from '../src/modules/index.js';

/** A fixed host: 2024-01-02T03:04:05.5Z, UTC, deterministic randomness. */
export function testHost(offsetMinutes = 0): HostHooks {
  let state = 1;
  return {
    now: () => 1_704_164_645_500,
    random: () => {
      state = (state * 16807) % 2147483647;
      return state / 2147483647;
    },
    timezoneOffset: () => offsetMinutes,
  };
}

export function mod(name: string, host: HostHooks = testHost()): PyModule {
  const factory = stdlibModules[name];
  if (!factory) throw new Error(`no module ${name}`);
  return factory(host);
}

/** `obj.name` for modules, classes and stdlib objects. */
export function attr(obj: PyValue, name: string): PyValue {
  let v: PyValue | undefined;
  if (obj instanceof PyModule) v = obj.attrs.get(name);
  else if (obj instanceof PyType) v = obj.getAttr(name);
  else if (obj instanceof PyNamedTuple) v = obj.field(name);
  else if (isPyObject(obj)) v = obj.getAttr(name);
  if (v === undefined) throw new Error(`no attribute ${name}`);
  return v;
}

/** `obj.name(*args, **kwargs)`. */
export function call(
  obj: PyValue,
  name: string,
  args: PyValue[] = [],
  kwargs?: Record<string, PyValue>,
): PyValue {
  return callValue(attr(obj, name), args, kwargs ? new Map(Object.entries(kwargs)) : undefined);
}

export { pyRepr, pyStr };
