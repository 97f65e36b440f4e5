import { describe, expect, it } from 'vitest';
import { PyException, callValue, pyEquals, type PyValue } from '../src/values.js';
import { PyDecimal } from '../src/modules/decimal.js';
import { attr, call, mod, pyRepr, pyStr } from './stdlib-helpers.js';

const decimal = mod('decimal');
const Decimal = attr(decimal, 'Decimal');
const D = (v: PyValue): PyDecimal => callValue(Decimal, [v]) as PyDecimal;
const op = (a: PyValue, o: '+' | '-' | '*' | '/' | '//' | '%' | '**', b: PyValue): PyValue => {
  if (a instanceof PyDecimal) return a.binaryOp(o, b, false) ?? 'NotImplemented';
  return (b as PyDecimal).binaryOp(o, a, true) ?? 'NotImplemented';
};

function pyError(fn: () => unknown): string {
  try {
    fn();
  } catch (e) {
    if (e instanceof PyException) return `${e.pyType}: ${e.pyMessage}`;
    throw e;
  }
  return 'no error';
}

describe('Decimal', () => {
  it.each([
    ['1.10', '1.10'],
    ['100', '100'],
    ['1E+2', '1E+2'],
    ['0.0000001', '1E-7'],
    ['0.000001', '0.000001'],
    ['  7.50 ', '7.50'],
    ['1e-3', '0.001'],
    ['-0', '-0'],
    ['nan', 'NaN'],
    ['-Infinity', '-Infinity'],
    ['1_000.5', '1000.5'],
  ])('Decimal(%j) is %s', (text, str) => {
    expect(pyStr(D(text))).toBe(str);
  });

  it('converts ints and floats exactly', () => {
    expect(pyStr(D(5n))).toBe('5');
    expect(pyStr(D(0.1))).toBe('0.1000000000000000055511151231257827021181583404541015625');
    expect(pyStr(D(0.5))).toBe('0.5');
    expect(pyRepr(D('3.14'))).toBe("Decimal('3.14')");
  });

  it.each<[string, () => PyValue, string]>([
    ['add keeps exponent', () => op(D('1.10'), '+', D('2.205')), '3.305'],
    ['precision 28', () => op(D('10'), '/', D('3')), '3.333333333333333333333333333'],
    ['exact quotient', () => op(D('1.00'), '/', D('2')), '0.50'],
    ['int operand', () => op(D('1.20'), '*', 3n), '3.60'],
    ['reflected int', () => op(3n, '-', D('0.5')), '2.5'],
    ['power', () => op(D('2'), '**', 10n), '1024'],
    ['remainder sign', () => op(D('-7'), '%', D('3')), '-1'],
    ['integer division', () => op(D('10'), '//', D('3')), '3'],
    ['truncating division', () => op(D('-7'), '//', D('2')), '-3'],
    ['product scale', () => op(D('5'), '*', D('0.20')), '1.00'],
    ['sum', () => op(op(D('0.1'), '+', D('0.2')), '-', D('0.3')), '0.0'],
    ['quantize half even', () => D('2.675').quantize(D('0.01'), 'ROUND_HALF_EVEN'), '2.68'],
    ['quantize tie', () => D('2.665').quantize(D('0.01'), 'ROUND_HALF_EVEN'), '2.66'],
    ['quantize half up', () => D('2.665').quantize(D('0.01'), 'ROUND_HALF_UP'), '2.67'],
    ['quantize 05up', () => D('2.501').quantize(D('0.1'), 'ROUND_05UP'), '2.6'],
    ['quantize 05up down', () => D('2.651').quantize(D('0.1'), 'ROUND_05UP'), '2.6'],
    ['normalize', () => D('100').normalize(), '1E+2'],
    ['normalize fraction', () => D('1.500').normalize(), '1.5'],
    ['sqrt', () => call(D('2'), 'sqrt'), '1.414213562373095048801688724'],
    ['exact sqrt', () => call(D('4'), 'sqrt'), '2'],
    ['round', () => call(D('2.675'), '__round__', [2n]), '2.68'],
  ])('%s', (_name, make, text) => {
    expect(pyStr(make())).toBe(text);
  });

  it('compares with ints and floats', () => {
    expect(pyEquals(D('1.5'), 1.5)).toBe(true);
    expect(pyEquals(D('1.0'), 1n)).toBe(true);
    expect(pyEquals(D('0.1'), 0.1)).toBe(false);
    expect(pyEquals(D('NaN'), D('NaN'))).toBe(false);
    expect(D('1.5').compare('<', 2n)).toBe(true);
    expect(D('105').compare('>=', D('100.05'))).toBe(true);
    expect(D('1.0').hash()).toBe(1n);
    expect(D('1.5').hash()).toBe(1.5);
  });

  it('converts to Python numbers', () => {
    expect(call(D('7.9'), '__int__')).toBe(7n);
    expect(call(D('1.25'), '__float__')).toBe(1.25);
    expect(call(D('2.5'), '__round__')).toBe(2n);
    expect(call(D('-2.5'), '__floor__')).toBe(-3n);
    expect(pyRepr(call(D('3.14'), 'as_tuple'))).toBe(
      'DecimalTuple(sign=0, digits=(3, 1, 4), exponent=-2)',
    );
  });

  it.each([
    [',.2f', '1234.5', '1,234.50'],
    ['.2f', '2.675', '2.68'],
    ['', '1.10', '1.10'],
    ['>8', '1.5', '     1.5'],
    ['.1%', '0.125', '12.5%'],
    ['.3e', '1234.5', '1.234e+3'],
  ])('format(%j) of %s', (spec, value, text) => {
    expect(D(value).format(spec)).toBe(text);
  });

  it('signals like CPython', () => {
    expect(pyError(() => op(D('1'), '/', D('0')))).toBe(
      "DivisionByZero: [<class 'decimal.DivisionByZero'>]",
    );
    expect(pyError(() => D('abc'))).toBe("InvalidOperation: [<class 'decimal.ConversionSyntax'>]");
    expect(op(D('1.1'), '+', 1.1)).toBe('NotImplemented');
    const e = (() => {
      try {
        op(D('1'), '/', D('0'));
      } catch (err) {
        return err as PyException;
      }
      throw new Error('no error');
    })();
    expect(e.isInstance('ZeroDivisionError')).toBe(true);
    expect(e.isInstance('ArithmeticError')).toBe(true);
  });
});
