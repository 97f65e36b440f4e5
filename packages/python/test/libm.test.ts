import { describe, expect, it } from 'vitest';
import { evaluate, importModule } from '@spiff-ts/python';
import { floatPow } from '../src/modules/math.js';

const globals = { math: importModule('math') };

// CPython 3.11 on glibc; V8's Math.* differ from these in the last place for several inputs.
describe('math matches the C library', () => {
  it.each([
    ['math.exp(2.6296075393646356)', 13.868326061895589],
    ['math.exp(19)', 178482300.96318725],
    ['math.log(0.7154949398214209)', -0.33478075223786424],
    ['math.sin(0.7620319006574151)', 0.6903928167168231],
    ['math.cos(3.0)', -0.9899924966004454],
    ['math.tan(1.0)', 1.5574077246549023],
    ['math.atan2(2.960933301330698, -2.1106564952459204)', 2.1900844570246485],
    ['math.asin(0.5)', 0.5235987755982989],
    ['math.acos(0.3)', 1.2661036727794992],
    ['math.pow(77.90355888518046, 2.3641587261920805)', 29644.333631717356],
    ['math.hypot(2.017171122526774, -3.2196670245620886)', 3.799372985981821],
    ['math.log2(10)', 3.321928094887362],
    ['math.cosh(7.09104955242335)', 600.5843301952813],
    ['math.sinh(30.5)', 8809508975677.816],
    ['math.asinh(3.5)', 1.9657204716496515],
    ['math.acosh(5.25)', 2.3421790088083645],
    ['math.degrees(22)', 1260.507149287811],
    ['math.radians(43)', 0.7504915783575618],
    ['math.erf(1)', 0.8427007929497149],
    ['math.erfc(0.5)', 0.4795001221869535],
    ['math.cbrt(27)', 3.0000000000000004],
    ['math.cbrt(24.42542754491332)', 2.901443100428856],
    ['math.cbrt(-0.0006934913623884212)', -0.08851435018509506],
    ['math.frexp(1e-310)[0]', 0.5752618031559393],
    ['math.frexp(0.1)[0]', 0.8],
  ])('%s', (expression, expected) => {
    expect(evaluate(expression, {}, { globals })).toBe(expected);
  });

  it.each([
    [0.5, 0.3, 0.8122523963562356],
    [7, -2, 0.02040816326530612],
    [-2, 3, -8],
    [0, -1, Infinity],
  ])('floatPow(%d, %d)', (x, y, expected) => {
    expect(floatPow(x, y)).toBe(expected);
  });
});
