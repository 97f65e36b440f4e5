/**
 * Python's format-spec mini-language (`[[fill]align][sign][z][#][0][width][grouping][.precision][type]`)
 * for the stdlib number types (Decimal): parsing, and sign/grouping/padding of a formatted body.
 * @internal
 */
import { raise } from '../values.js';

export interface FormatSpec {
  fill: string;
  align: '<' | '>' | '^' | '=' | undefined;
  sign: '+' | '-' | ' ';
  noNegativeZero: boolean;
  alternate: boolean;
  zeroPad: boolean;
  width: number;
  grouping: ',' | '_' | undefined;
  precision: number | undefined;
  type: string | undefined;
}

const SPEC_RE =
  /^(?:([\s\S])?([<>^=]))?([+\- ])?(z)?(#)?(0)?(\d+)?([,_])?(?:\.(\d+))?([a-zA-Z%])?$/u;

/** Parses a format spec; ValueError "Invalid format specifier" when malformed. */
export function parseFormatSpec(spec: string): FormatSpec {
  const m = SPEC_RE.exec(spec);
  if (!m) return raise('ValueError', 'Invalid format specifier');
  return {
    fill: m[1] ?? (m[6] && !m[2] ? '0' : ' '),
    align: (m[2] as FormatSpec['align']) ?? (m[6] ? '=' : undefined),
    sign: (m[3] as FormatSpec['sign'] | undefined) ?? '-',
    noNegativeZero: m[4] !== undefined,
    alternate: m[5] !== undefined,
    zeroPad: m[6] !== undefined,
    width: m[7] === undefined ? 0 : Number(m[7]),
    grouping: m[8] as FormatSpec['grouping'],
    precision: m[9] === undefined ? undefined : Number(m[9]),
    type: m[10],
  };
}

function group(intPart: string, sep: string): string {
  let out = '';
  for (let i = 0; i < intPart.length; i++) {
    if (i > 0 && (intPart.length - i) % 3 === 0) out += sep;
    out += intPart[i];
  }
  return out;
}

/**
 * Lays out a formatted number: `body` is the unsigned text (`1234.50`, `1.2e+03`, `NaN`);
 * grouping applies to its leading digits, then sign and padding per the spec.
 */
export function formatNumber(
  negative: boolean,
  body: string,
  spec: FormatSpec,
  numeric: boolean,
): string {
  if (spec.noNegativeZero && negative && /^[0.]*(?:[eE].*)?%?$/.test(body)) negative = false;
  const sign = negative ? '-' : spec.sign === '+' ? '+' : spec.sign === ' ' ? ' ' : '';
  let text = body;
  if (numeric && spec.grouping) {
    const m = /^(\d+)([\s\S]*)$/.exec(body);
    if (m) text = group(m[1] ?? '', spec.grouping) + (m[2] ?? '');
  }
  const align = spec.align ?? '>';
  const padLength = spec.width - sign.length - [...text].length;
  if (padLength <= 0) return sign + text;
  const fill = spec.fill.repeat(padLength);
  switch (align) {
    case '<':
      return sign + text + fill;
    case '^': {
      const left = Math.floor(padLength / 2);
      return spec.fill.repeat(left) + sign + text + spec.fill.repeat(padLength - left);
    }
    case '=':
      return sign + fill + text;
    default:
      return fill + sign + text;
  }
}
