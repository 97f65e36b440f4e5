/** Minimal `bytes` support: literals, indexing, `len`, iteration, `decode` (UTF-8 / ASCII / Latin-1). */
import {
  PyBuiltin,
  PyIterator,
  PyTuple,
  bindArgs,
  raise,
  toIndex,
  typeName,
  type PyObject,
  type PyValue,
} from './values.js';

/** Python `bytes` (immutable byte string). */
export class PyBytes implements PyObject {
  readonly pyTypeName = 'bytes';
  readonly data: Uint8Array;
  constructor(data: Uint8Array) {
    this.data = data;
  }
  /** Bytes from a string whose code points are all < 256. */
  static fromLatin1(text: string): PyBytes {
    const out = new Uint8Array(text.length);
    for (let i = 0; i < text.length; i++) out[i] = text.charCodeAt(i) & 0xff;
    return new PyBytes(out);
  }
  /** UTF-8 encoding of a string. */
  static encode(text: string, encoding: string): PyBytes {
    const enc = encoding.toLowerCase().replace(/[-_]/g, '');
    if (enc === 'utf8') return new PyBytes(utf8Encode(text));
    if (enc === 'ascii' || enc === 'latin1' || enc === 'iso88591') {
      const limit = enc === 'ascii' ? 128 : 256;
      for (let i = 0; i < text.length; i++) {
        const cp = text.charCodeAt(i);
        if (cp >= limit) {
          raise(
            'UnicodeEncodeError',
            `'${enc === 'ascii' ? 'ascii' : 'latin-1'}' codec can't encode character '\\x${cp.toString(16)}' in position ${i}: ordinal not in range(${limit})`,
          );
        }
      }
      return PyBytes.fromLatin1(text);
    }
    return raise('LookupError', `unknown encoding: ${encoding}`);
  }
  decode(encoding: string): string {
    const enc = encoding.toLowerCase().replace(/[-_]/g, '');
    if (enc === 'utf8') {
      const s = utf8Decode(this.data);
      if (s === undefined)
        return raise('UnicodeDecodeError', "'utf-8' codec can't decode bytes: invalid data");
      return s;
    }
    if (enc === 'ascii' || enc === 'latin1' || enc === 'iso88591') {
      let s = '';
      for (const b of this.data) {
        if (enc === 'ascii' && b >= 128) {
          raise(
            'UnicodeDecodeError',
            `'ascii' codec can't decode byte 0x${b.toString(16)}: ordinal not in range(128)`,
          );
        }
        s += String.fromCharCode(b);
      }
      return s;
    }
    return raise('LookupError', `unknown encoding: ${encoding}`);
  }
  getAttr(name: string): PyValue | undefined {
    if (name === 'decode') {
      return new PyBuiltin(
        'decode',
        (args, kwargs) => {
          const [enc] = bindArgs('decode', args, kwargs, ['encoding', 'errors'], 0);
          return this.decode(enc === undefined ? 'utf-8' : String(enc));
        },
        this,
      );
    }
    return undefined;
  }
  repr(): string {
    let s = "b'";
    for (const b of this.data) {
      if (b === 0x27) s += "\\'";
      else if (b === 0x5c) s += '\\\\';
      else if (b === 10) s += '\\n';
      else if (b === 13) s += '\\r';
      else if (b === 9) s += '\\t';
      else if (b < 32 || b >= 127) s += '\\x' + b.toString(16).padStart(2, '0');
      else s += String.fromCharCode(b);
    }
    return s + "'";
  }
  equals(other: PyValue): boolean {
    if (!(other instanceof PyBytes) || other.data.length !== this.data.length) return false;
    return this.data.every((b, i) => other.data[i] === b);
  }
  hash(): string {
    return 'bytes:' + Array.from(this.data).join(',');
  }
  truthy(): boolean {
    return this.data.length > 0;
  }
  len(): number {
    return this.data.length;
  }
  iter(): PyIterator {
    let i = 0;
    return new PyIterator('bytes_iterator', () =>
      i < this.data.length ? BigInt(this.data[i++] as number) : undefined,
    );
  }
  getItem(key: PyValue): PyValue {
    if (key instanceof PyTuple)
      raise('TypeError', 'byte indices must be integers or slices, not tuple');
    if (typeof key !== 'bigint' && typeof key !== 'boolean') {
      raise('TypeError', `byte indices must be integers or slices, not ${typeName(key)}`);
    }
    let i = Number(toIndex(key));
    if (i < 0) i += this.data.length;
    if (i < 0 || i >= this.data.length) raise('IndexError', 'index out of range');
    return BigInt(this.data[i] as number);
  }
  contains(item: PyValue): boolean {
    if (typeof item === 'bigint') return this.data.includes(Number(item));
    if (item instanceof PyBytes) {
      const hay = this.repr();
      return hay.includes(item.repr().slice(2, -1));
    }
    return raise('TypeError', `a bytes-like object is required, not '${typeName(item)}'`);
  }
}

function utf8Encode(text: string): Uint8Array {
  const out: number[] = [];
  for (const ch of text) {
    const cp = ch.codePointAt(0) as number;
    if (cp >= 0xd800 && cp <= 0xdfff) {
      raise('UnicodeEncodeError', "'utf-8' codec can't encode character: surrogates not allowed");
    }
    if (cp < 0x80) out.push(cp);
    else if (cp < 0x800) out.push(0xc0 | (cp >> 6), 0x80 | (cp & 63));
    else if (cp < 0x10000) out.push(0xe0 | (cp >> 12), 0x80 | ((cp >> 6) & 63), 0x80 | (cp & 63));
    else {
      out.push(
        0xf0 | (cp >> 18),
        0x80 | ((cp >> 12) & 63),
        0x80 | ((cp >> 6) & 63),
        0x80 | (cp & 63),
      );
    }
  }
  return Uint8Array.from(out);
}

function utf8Decode(data: Uint8Array): string | undefined {
  let s = '';
  for (let i = 0; i < data.length;) {
    const b = data[i] as number;
    let cp: number;
    let n: number;
    if (b < 0x80) {
      cp = b;
      n = 0;
    } else if (b >= 0xc2 && b < 0xe0) {
      cp = b & 31;
      n = 1;
    } else if (b >= 0xe0 && b < 0xf0) {
      cp = b & 15;
      n = 2;
    } else if (b >= 0xf0 && b < 0xf5) {
      cp = b & 7;
      n = 3;
    } else return undefined;
    if (i + n >= data.length + (n === 0 ? 1 : 0) && n > 0 && i + n > data.length - 1 + 1)
      return undefined;
    for (let k = 1; k <= n; k++) {
      const c = data[i + k];
      if (c === undefined || (c & 0xc0) !== 0x80) return undefined;
      cp = (cp << 6) | (c & 63);
    }
    if (
      (n === 2 && (cp < 0x800 || (cp >= 0xd800 && cp <= 0xdfff))) ||
      (n === 3 && (cp < 0x10000 || cp > 0x10ffff))
    )
      return undefined;
    s += String.fromCodePoint(cp);
    i += n + 1;
  }
  return s;
}
