/**
 * "Did you mean" suggestions, ranked the way SpiffWorkflow ranks them: its distance counts,
 * over a character diff of the two names, the larger of the insertions and deletions in each
 * run of changes.
 */

/** Matching blocks of two strings, as difflib's SequenceMatcher finds them (no junk). */
function matchingBlocks(a: string, b: string): [number, number, number][] {
  const blocks: [number, number, number][] = [];
  const queue: [number, number, number, number][] = [[0, a.length, 0, b.length]];
  while (queue.length > 0) {
    const [alo, ahi, blo, bhi] = queue.pop() as [number, number, number, number];
    let bestI = alo;
    let bestJ = blo;
    let bestSize = 0;
    let lengths = new Map<number, number>();
    for (let i = alo; i < ahi; i += 1) {
      const next = new Map<number, number>();
      for (let j = blo; j < bhi; j += 1) {
        if (a[i] !== b[j]) continue;
        const k = (lengths.get(j - 1) ?? 0) + 1;
        next.set(j, k);
        if (k > bestSize) {
          bestI = i - k + 1;
          bestJ = j - k + 1;
          bestSize = k;
        }
      }
      lengths = next;
    }
    if (bestSize > 0) {
      blocks.push([bestI, bestJ, bestSize]);
      if (alo < bestI && blo < bestJ) queue.push([alo, bestI, blo, bestJ]);
      if (bestI + bestSize < ahi && bestJ + bestSize < bhi) {
        queue.push([bestI + bestSize, ahi, bestJ + bestSize, bhi]);
      }
    }
  }
  return blocks.sort((x, y) => x[0] - y[0]);
}

/** SpiffWorkflow's edit distance between two names. */
export function distance(a: string, b: string): number {
  let total = 0;
  let i = 0;
  let j = 0;
  for (const [bi, bj, size] of [...matchingBlocks(a, b), [a.length, b.length, 0] as const]) {
    total += Math.max(bi - i, bj - j);
    i = bi + size;
    j = bj + size;
  }
  return total;
}

/** The `limit` names nearest to `name`, nearest first; ties keep the order of `names`. */
export function mostSimilar(name: string, names: readonly string[], limit: number): string[] {
  return names
    .map((candidate, index) => ({ candidate, index, d: distance(name, candidate) }))
    .sort((x, y) => x.d - y.d || x.index - y.index)
    .slice(0, limit)
    .map((x) => x.candidate);
}
