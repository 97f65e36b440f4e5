/**
 * The 0-based line and column of every start tag of `xml`, in document order, as
 * `[line0, column0, line1, column1, ...]`: the positions saxen's `getContext()` reports, found in
 * one pass (`getContext()` counts lines from the start of the text on every call, so calling it
 * for each element makes reading quadratic in the file size). Line breaks are `\r\n`, `\r` or
 * `\n`, as saxen counts them. Comments, CDATA sections, processing instructions and quoted
 * attribute values are skipped, so a `<` inside them is not taken for a tag.
 *
 * @internal
 */
export function startTagPositions(xml: string): Int32Array {
  const length = xml.length;
  let out = new Int32Array(256);
  let count = 0;
  let line = 0;
  let lineStart = 0;
  let pos = 0;
  // Counts the line breaks in [pos, to) and moves pos to `to`.
  const advance = (to: number): void => {
    for (let k = pos; k < to; k++) {
      const c = xml.charCodeAt(k);
      if (c === 10) {
        line++;
        lineStart = k + 1;
      } else if (c === 13) {
        if (xml.charCodeAt(k + 1) === 10) k++;
        line++;
        lineStart = k + 1;
      }
    }
    pos = to;
  };
  const after = (token: string, from: number): number => {
    const at = xml.indexOf(token, from);
    return at === -1 ? length : at + token.length;
  };
  for (;;) {
    const lt = xml.indexOf('<', pos);
    if (lt === -1) break;
    advance(lt);
    const next = xml.charCodeAt(lt + 1);
    let end: number;
    if (next === 33 /* ! */) {
      if (xml.startsWith('<!--', lt)) end = after('-->', lt + 4);
      else if (xml.startsWith('<![CDATA[', lt)) end = after(']]>', lt + 9);
      else end = lt + 2; // a declaration: the reader refuses the file
    } else if (next === 63 /* ? */) {
      end = after('?>', lt + 2);
    } else if (next === 47 /* / */) {
      end = lt + 2;
    } else {
      if (count + 2 > out.length) {
        const grown = new Int32Array(out.length * 2);
        grown.set(out);
        out = grown;
      }
      out[count++] = line;
      out[count++] = lt - lineStart;
      let k = lt + 1;
      while (k < length) {
        const c = xml.charCodeAt(k);
        if (c === 62 /* > */) break;
        if (c === 34 /* " */ || c === 39 /* ' */) {
          const close = xml.indexOf(c === 34 ? '"' : "'", k + 1);
          k = close === -1 ? length : close + 1;
        } else {
          k++;
        }
      }
      end = Math.min(k + 1, length);
    }
    advance(end);
  }
  return out.subarray(0, count);
}

/**
 * The position of the `index`-th start tag: from `positions` while it has one, else from the
 * tokenizer (slow, but only reached for text the tokenizer reads differently, which it then
 * reports as malformed).
 *
 * @internal
 */
export function positionOf(
  positions: Int32Array,
  index: number,
  getContext: () => { line: number; column: number },
): { line: number; column: number } {
  const at = index * 2;
  if (at + 1 < positions.length) {
    return { line: positions[at] as number, column: positions[at + 1] as number };
  }
  const { line, column } = getContext();
  return { line, column };
}
