/**
 * A backtracking matcher with CPython `sre` semantics, run on an explicit stack (no JS recursion
 * per character) and charged against the interpreter's step budget.
 *
 * The tree from {@link parsePattern} is compiled to a flat program. Choice points, undo records
 * (captures, repeat counters) and barriers (lookarounds, atomic groups) share one stack:
 * backtracking pops entries, undoing writes, until it reaches a choice point. Repeats follow
 * sre's MAX_UNTIL/MIN_UNTIL: another iteration is tried only when the previous one consumed
 * something, captures keep their value from earlier iterations, and single-character bodies use
 * a counting loop (REPEAT_ONE) whose backtracking is one stack entry.
 * @internal
 */
import { MAXREPEAT, parsePattern, type ClassItem, type Node } from './parser.js';
import { fold, isDigit, isSpace, isWord, lower, upper } from './unicode.js';

const Op = {
  Char: 0,
  CharI: 1,
  Any: 2,
  AnyAll: 3,
  Set: 4,
  Split: 5,
  Jmp: 6,
  Save: 7,
  Bol: 8,
  MBol: 9,
  Eol: 10,
  MEol: 11,
  BeginStr: 12,
  EndStr: 13,
  WordB: 14,
  Ref: 15,
  RepStart: 16,
  RepLoop: 17,
  Star: 18,
  Look: 19,
  Atomic: 20,
  BodyEnd: 21,
  Cond: 22,
  Match: 23,
} as const;

const Tag = {
  Choice: 1,
  Undo: 2,
  StarGreedy: 3,
  StarLazy: 4,
  Barrier: 5,
  LazyMore: 6,
} as const;

const Barrier = {
  Look: 0,
  NegLook: 1,
  Atomic: 2,
} as const;

/** A compiled character class. */
class CharSet {
  readonly #items: readonly ClassItem[];
  readonly #neg: boolean;
  readonly #icase: boolean;
  readonly #ascii: boolean;
  readonly #bits = new Uint32Array(4);
  readonly #folded: Set<number> | null;

  constructor(items: readonly ClassItem[], neg: boolean, icase: boolean, ascii: boolean) {
    this.#items = items;
    this.#neg = neg;
    this.#icase = icase;
    this.#ascii = ascii;
    this.#folded = null;
    if (icase) {
      const folded = new Set<number>();
      for (const it of items) {
        if (it.k === 'char') folded.add(fold(it.c, ascii));
        else if (it.k === 'range' && it.hi - it.lo < 4096) {
          for (let c = it.lo; c <= it.hi; c++) folded.add(fold(c, ascii));
        }
      }
      this.#folded = folded;
    }
    for (let c = 0; c < 128; c++) {
      if (this.#slow(c)) this.#bits[c >> 5]! |= 1 << (c & 31);
    }
  }

  #raw(c: number): boolean {
    for (const it of this.#items) {
      switch (it.k) {
        case 'char':
          if (it.c === c) return true;
          break;
        case 'range':
          if (c >= it.lo && c <= it.hi) return true;
          break;
        default: {
          const a = this.#ascii;
          let r: boolean;
          const cat = it.cat;
          if (cat === 'd' || cat === 'D') r = isDigit(c, a);
          else if (cat === 'w' || cat === 'W') r = isWord(c, a);
          else r = isSpace(c, a);
          if (r === (cat === 'd' || cat === 'w' || cat === 's')) return true;
        }
      }
    }
    return false;
  }

  #slow(c: number): boolean {
    let r = this.#raw(c);
    if (!r && this.#icase) {
      const a = this.#ascii;
      if (this.#folded?.has(fold(c, a))) r = true;
      else if (!a || c < 128) {
        const l = lower(c);
        const u = upper(c);
        r =
          (l !== c && (!a || l < 128) && this.#raw(l)) ||
          (u !== c && (!a || u < 128) && this.#raw(u));
      }
    }
    return r !== this.#neg;
  }

  has(c: number): boolean {
    if (c < 128) return ((this.#bits[c >> 5]! >>> (c & 31)) & 1) === 1;
    return this.#slow(c);
  }
}

type OpCode = (typeof Op)[keyof typeof Op];

class Inst {
  op: OpCode;
  a: number;
  b: number;
  c: number;
  d: number;
  set: CharSet | null;
  constructor(op: OpCode, a = 0, b = 0, c = 0, d = 0, set: CharSet | null = null) {
    this.op = op;
    this.a = a;
    this.b = b;
    this.c = c;
    this.d = d;
    this.set = set;
  }
}

interface RepInfo {
  min: number;
  max: number;
  greedy: boolean;
  body: number;
  exit: number;
}

/** Charges matcher steps to the step budget (throws the interpreter's TimeoutError beyond it). */
export type StepCharger = (n: number) => void;

/** A subject string as code points (Python indexes strings by code point). */
export class Subject {
  readonly str: string;
  readonly codes: Int32Array;
  /** Code point index → UTF-16 offset, only when the string has surrogate pairs. */
  readonly #offsets: Int32Array | null;

  constructor(str: string) {
    this.str = str;
    let astral = false;
    for (let i = 0; i < str.length; i++) {
      const u = str.charCodeAt(i);
      if (u >= 0xd800 && u <= 0xdbff) {
        astral = true;
        break;
      }
    }
    if (!astral) {
      const codes = new Int32Array(str.length);
      for (let i = 0; i < str.length; i++) codes[i] = str.charCodeAt(i);
      this.codes = codes;
      this.#offsets = null;
    } else {
      const cps: number[] = [];
      const offs: number[] = [];
      for (let i = 0; i < str.length;) {
        const c = str.codePointAt(i) ?? 0;
        cps.push(c);
        offs.push(i);
        i += c > 0xffff ? 2 : 1;
      }
      offs.push(str.length);
      this.codes = Int32Array.from(cps);
      this.#offsets = Int32Array.from(offs);
    }
  }

  get length(): number {
    return this.codes.length;
  }

  /** UTF-16 offset of code point index `i`. */
  offset(i: number): number {
    return this.#offsets === null ? i : (this.#offsets[i] ?? this.str.length);
  }

  slice(start: number, end: number): string {
    return this.str.slice(this.offset(start), this.offset(end));
  }
}

/** Result of one match: capture slots (code point offsets, -1 unset) and `lastindex`. */
export interface MatchResult {
  readonly slots: Int32Array;
  readonly lastindex: number;
}

function stackExhausted(): RangeError {
  // run.ts reports a RangeError that is not a stack overflow as MemoryError
  return new RangeError('regular expression backtracking stack exhausted');
}

function setMem(mem: Int32Array, stk: number[], i: number, v: number): void {
  const old = mem[i] ?? -1;
  if (old !== v) {
    stk.push(i, old, Tag.Undo);
    mem[i] = v;
  }
}

/** The single-character predicate of a Char/CharI/Any/AnyAll/Set instruction. */
function matchOne(inst: Inst, c: number): boolean {
  switch (inst.op) {
    case Op.Char:
      return c === inst.a;
    case Op.CharI:
      return fold(c, inst.b === 1) === inst.a;
    case Op.Any:
      return c !== 10;
    case Op.AnyAll:
      return true;
    default:
      return (inst.set as CharSet).has(c);
  }
}

function isWordAt(text: Int32Array, end: number, p: number, ascii: boolean): boolean {
  return p >= 0 && p < end && isWord(text[p] ?? 0, ascii);
}

/** Backtracking stack entries (numbers) before a match gives up with MemoryError (~128 MB). */
const STACK_LIMIT = 16_000_000;

/** A compiled pattern. */
export class Regex {
  readonly flags: number;
  readonly groups: number;
  readonly groupIndex: ReadonlyMap<string, number>;
  readonly #prog: Inst[] = [];
  readonly #reps: RepInfo[] = [];
  readonly #memSize: number;
  readonly #lastIndexSlot: number;
  /** Only position 0 can match (leading `^`/`\A` without MULTILINE). */
  readonly #anchored: boolean;
  /** A single-character instruction every match begins with, for skipping in search. */
  readonly #lead: Inst | null;
  #charge: StepCharger;

  constructor(pattern: string, flags: number, charge: StepCharger) {
    const parsed = parsePattern(pattern, flags);
    this.flags = parsed.flags;
    this.groups = parsed.groups;
    this.groupIndex = parsed.groupIndex;
    this.#charge = charge;
    this.#emit(parsed.root);
    this.#prog.push(new Inst(Op.Match));
    this.#lastIndexSlot = 2 * (this.groups + 1);
    this.#memSize = this.#lastIndexSlot + 1 + 2 * this.#reps.length;
    const first = this.#prog[0] as Inst;
    this.#anchored = first.op === Op.Bol || first.op === Op.BeginStr;
    // an instruction every match must start with, to skip hopeless start positions in search
    let lead: Inst | null = null;
    if (first.op === Op.Char || first.op === Op.CharI || first.op === Op.Set) lead = first;
    else if (first.op === Op.Star && first.a > 0) lead = this.#prog[1] as Inst;
    this.#lead = lead;
  }

  // -------------------------------------------------------------------------------------------
  // Compiler

  #add(op: OpCode, a = 0, b = 0, c = 0, d = 0, set: CharSet | null = null): Inst {
    const inst = new Inst(op, a, b, c, d, set);
    this.#prog.push(inst);
    return inst;
  }

  #single(node: Node): boolean {
    return node.t === 'char' || node.t === 'any' || node.t === 'set';
  }

  #emit(node: Node): void {
    const prog = this.#prog;
    switch (node.t) {
      case 'char': {
        const c = node.c;
        const cased = node.a
          ? c < 128 && lower(c) !== upper(c)
          : lower(c) !== c || upper(c) !== c || fold(c, false) !== c;
        if (node.i && cased) this.#add(Op.CharI, fold(c, node.a), node.a ? 1 : 0);
        else this.#add(Op.Char, c);
        return;
      }
      case 'any':
        this.#add(node.all ? Op.AnyAll : Op.Any);
        return;
      case 'set':
        this.#add(Op.Set, 0, 0, 0, 0, new CharSet(node.items, node.neg, node.i, node.a));
        return;
      case 'seq':
        for (const item of node.items) this.#emit(item);
        return;
      case 'alt': {
        const jumps: Inst[] = [];
        node.alts.forEach((alt, k) => {
          if (k < node.alts.length - 1) {
            const split = this.#add(Op.Split, prog.length + 1);
            this.#emit(alt);
            jumps.push(this.#add(Op.Jmp));
            split.b = prog.length;
          } else this.#emit(alt);
        });
        for (const j of jumps) j.a = prog.length;
        return;
      }
      case 'group':
        this.#add(Op.Save, 2 * node.n);
        this.#emit(node.body);
        this.#add(Op.Save, 2 * node.n + 1);
        return;
      case 'look': {
        const look = this.#add(
          Op.Look,
          node.neg ? Barrier.NegLook : Barrier.Look,
          node.behind ? node.width : -1,
        );
        this.#emit(node.body);
        this.#add(Op.BodyEnd);
        look.c = prog.length;
        return;
      }
      case 'atomic': {
        const atom = this.#add(Op.Atomic);
        this.#emit(node.body);
        this.#add(Op.BodyEnd);
        atom.c = prog.length;
        return;
      }
      case 'rep': {
        if (node.possessive) {
          // sre's POSSESSIVE_REPEAT: every iteration is atomic, and so is the whole repeat
          const body: Node = this.#single(node.body) ? node.body : { t: 'atomic', body: node.body };
          this.#emit({ t: 'atomic', body: { ...node, body, possessive: false } });
          return;
        }
        if (node.max === 0) return;
        if (this.#single(node.body)) {
          const star = this.#add(Op.Star, node.min, node.max, node.greedy ? 1 : 0);
          this.#emit(node.body);
          star.d = prog.length;
          return;
        }
        if (node.min === 1 && node.max === 1) {
          this.#emit(node.body);
          return;
        }
        const r = this.#reps.length;
        const info: RepInfo = {
          min: node.min,
          max: node.max,
          greedy: node.greedy,
          body: 0,
          exit: 0,
        };
        this.#reps.push(info);
        this.#add(Op.RepStart, r);
        info.body = prog.length;
        this.#emit(node.body);
        this.#add(Op.RepLoop, r);
        info.exit = prog.length;
        return;
      }
      case 'at': {
        const ops = {
          bol: Op.Bol,
          mbol: Op.MBol,
          eol: Op.Eol,
          meol: Op.MEol,
          A: Op.BeginStr,
          Z: Op.EndStr,
        };
        this.#add(ops[node.at]);
        return;
      }
      case 'wb':
        this.#add(Op.WordB, node.neg ? 1 : 0, node.a ? 1 : 0);
        return;
      case 'ref':
        this.#add(Op.Ref, node.n, node.i ? 1 : 0, node.a ? 1 : 0);
        return;
      case 'cond': {
        const cond = this.#add(Op.Cond, node.n);
        this.#emit(node.yes);
        if (node.no !== null) {
          const j = this.#add(Op.Jmp);
          cond.b = prog.length;
          this.#emit(node.no);
          j.a = prog.length;
        } else cond.b = prog.length;
        return;
      }
    }
  }

  // -------------------------------------------------------------------------------------------
  // Matcher

  /**
   * Runs the pattern on `subject.codes[0:end]` starting at `pos`: anchored for `match` and
   * `fullmatch`, scanning forward for `search`. With `mustAdvance`, a match that starts at `pos`
   * must not be empty (sre's rule for successive matches after an empty one).
   */
  exec(
    subject: Subject,
    pos: number,
    end: number,
    mode: 'match' | 'search' | 'fullmatch',
    mustAdvance = false,
  ): MatchResult | null {
    const text = subject.codes;
    const mem = new Int32Array(this.#memSize);
    const stk: number[] = [];
    let budget = 4096;
    const charge = this.#charge;
    let start = pos;
    let result: MatchResult | null = null;
    for (;;) {
      if (mode === 'search') {
        if (this.#anchored && start > 0) break;
        const lead = this.#lead;
        if (lead !== null) {
          while (start < end && !matchOne(lead, text[start] ?? 0)) {
            start++;
            if (--budget <= 0) {
              charge(4096 - budget);
              budget = 4096;
            }
          }
          if (start >= end) break;
        }
      }
      mem.fill(-1);
      const full = mode === 'fullmatch';
      const found = this.#run(
        text,
        mem,
        stk,
        start,
        end,
        full,
        mustAdvance && start === pos,
        budget,
      );
      budget = this.#budgetLeft;
      if (found) {
        const slots = mem.slice(0, 2 * (this.groups + 1));
        result = { slots, lastindex: mem[this.#lastIndexSlot] ?? -1 };
        break;
      }
      if (mode !== 'search' || start >= end) break;
      start++;
    }
    charge(4096 - budget);
    return result;
  }

  #budgetLeft = 0;

  #run(
    text: Int32Array,
    mem: Int32Array,
    stk: number[],
    start: number,
    end: number,
    full: boolean,
    mustAdvance: boolean,
    budgetIn: number,
  ): boolean {
    const prog = this.#prog;
    const reps = this.#reps;
    const charge = this.#charge;
    const li = this.#lastIndexSlot;
    const repBase = li + 1;
    let budget = budgetIn;
    let pc = 0;
    let pos = start;
    stk.length = 0;
    for (;;) {
      if (--budget <= 0) {
        charge(4096 - budget);
        budget = 4096;
      }
      let ok = true;
      const inst = prog[pc] as Inst;
      switch (inst.op) {
        case Op.Char:
          if (pos < end && text[pos] === inst.a) {
            pos++;
            pc++;
          } else ok = false;
          break;
        case Op.CharI:
        case Op.Any:
        case Op.AnyAll:
        case Op.Set:
          if (pos < end && matchOne(inst, text[pos] ?? 0)) {
            pos++;
            pc++;
          } else ok = false;
          break;
        case Op.Split:
          if (stk.length > STACK_LIMIT) throw stackExhausted();
          stk.push(inst.b, pos, Tag.Choice);
          pc = inst.a;
          break;
        case Op.Jmp:
          pc = inst.a;
          break;
        case Op.Save:
          setMem(mem, stk, inst.a, pos);
          if ((inst.a & 1) === 1) setMem(mem, stk, li, inst.a >> 1);
          pc++;
          break;
        case Op.Bol:
          ok = pos === 0;
          pc++;
          break;
        case Op.MBol:
          ok = pos === 0 || text[pos - 1] === 10;
          pc++;
          break;
        case Op.Eol:
          ok = pos === end || (pos + 1 === end && text[pos] === 10);
          pc++;
          break;
        case Op.MEol:
          ok = pos === end || text[pos] === 10;
          pc++;
          break;
        case Op.BeginStr:
          ok = pos === 0;
          pc++;
          break;
        case Op.EndStr:
          ok = pos === end;
          pc++;
          break;
        case Op.WordB: {
          if (pos === 0 && pos === end) ok = false;
          else {
            const ascii = inst.b === 1;
            ok =
              (isWordAt(text, end, pos - 1, ascii) !== isWordAt(text, end, pos, ascii)) ===
              (inst.a === 0);
          }
          pc++;
          break;
        }
        case Op.Ref: {
          const s = mem[2 * inst.a] ?? -1;
          const e = mem[2 * inst.a + 1] ?? -1;
          if (s < 0 || e < 0 || e < s || pos + (e - s) > end) {
            ok = false;
            break;
          }
          const icase = inst.b === 1;
          const ascii = inst.c === 1;
          for (let k = 0; k < e - s; k++) {
            const x = text[s + k] ?? 0;
            const y = text[pos + k] ?? 0;
            if (x !== y && (!icase || fold(x, ascii) !== fold(y, ascii))) {
              ok = false;
              break;
            }
          }
          if (ok) {
            budget -= e - s;
            pos += e - s;
            pc++;
          }
          break;
        }
        case Op.RepStart:
        case Op.RepLoop: {
          const r = inst.a;
          const rep = reps[r] as RepInfo;
          const cnt = repBase + 2 * r;
          const last = cnt + 1;
          if (inst.op === Op.RepStart) {
            setMem(mem, stk, cnt, 0);
            setMem(mem, stk, last, -1);
          } else setMem(mem, stk, cnt, (mem[cnt] ?? 0) + 1);
          const c = mem[cnt] ?? 0;
          if (c < rep.min) {
            pc = rep.body;
          } else if (rep.greedy) {
            if ((c < rep.max || rep.max === MAXREPEAT) && pos !== mem[last]) {
              if (stk.length > STACK_LIMIT) throw stackExhausted();
              stk.push(rep.exit, pos, Tag.Choice);
              setMem(mem, stk, last, pos);
              pc = rep.body;
            } else pc = rep.exit;
          } else {
            if (stk.length > STACK_LIMIT) throw stackExhausted();
            stk.push(r, pos, Tag.LazyMore);
            pc = rep.exit;
          }
          break;
        }
        case Op.Star: {
          const body = prog[pc + 1] as Inst;
          const limit = inst.b === MAXREPEAT ? end : Math.min(end, pos + inst.b);
          if (inst.c === 1) {
            let p = pos;
            while (p < limit && matchOne(body, text[p] ?? 0)) p++;
            budget -= p - pos;
            if (p - pos < inst.a) {
              ok = false;
              break;
            }
            if (p - pos > inst.a) {
              if (stk.length > STACK_LIMIT) throw stackExhausted();
              stk.push(inst.d, pos + inst.a, p - 1, Tag.StarGreedy);
            }
            pos = p;
          } else {
            let p = pos;
            const minEnd = pos + inst.a;
            if (minEnd > limit) {
              ok = false;
              break;
            }
            while (p < minEnd && matchOne(body, text[p] ?? 0)) p++;
            budget -= p - pos;
            if (p < minEnd) {
              ok = false;
              break;
            }
            if (p < limit) {
              if (stk.length > STACK_LIMIT) throw stackExhausted();
              stk.push(pc, limit, p, Tag.StarLazy);
            }
            pos = p;
          }
          pc = inst.d;
          break;
        }
        case Op.Look: {
          const width = inst.b;
          if (width >= 0 && pos - width < 0) {
            if (inst.a === Barrier.NegLook) pc = inst.c;
            else ok = false;
            break;
          }
          stk.push(inst.a, pos, inst.c, Tag.Barrier);
          if (width >= 0) pos -= width;
          pc++;
          break;
        }
        case Op.Atomic:
          stk.push(Barrier.Atomic, pos, inst.c, Tag.Barrier);
          pc++;
          break;
        case Op.BodyEnd: {
          // find the innermost barrier, keeping the undo records above it
          let i = stk.length;
          const undo: number[] = [];
          for (;;) {
            const tag = stk[i - 1];
            if (tag === Tag.Barrier) break;
            if (tag === Tag.Undo) {
              undo.push(stk[i - 3] ?? 0, stk[i - 2] ?? 0);
              i -= 3;
            } else i -= tag === Tag.Choice || tag === Tag.LazyMore ? 3 : 4;
          }
          const kind = stk[i - 4] ?? 0;
          const at = stk[i - 3] ?? 0;
          const cont = stk[i - 2] ?? 0;
          budget -= (stk.length - i) >> 2;
          stk.length = i - 4;
          if (kind === Barrier.NegLook) {
            // the body matched: restore what it changed, then fail
            for (let k = 0; k < undo.length; k += 2) mem[undo[k] ?? 0] = undo[k + 1] ?? 0;
            ok = false;
            break;
          }
          for (let k = undo.length - 2; k >= 0; k -= 2)
            stk.push(undo[k] ?? 0, undo[k + 1] ?? 0, Tag.Undo);
          if (kind === Barrier.Look) pos = at;
          pc = cont;
          break;
        }
        case Op.Cond: {
          const s = mem[2 * inst.a] ?? -1;
          const e = mem[2 * inst.a + 1] ?? -1;
          pc = s >= 0 && e >= 0 && e >= s ? pc + 1 : inst.b;
          break;
        }
        case Op.Match:
          if ((full && pos !== end) || (mustAdvance && pos === start)) {
            ok = false;
            break;
          }
          mem[1] = pos;
          mem[0] = start;
          this.#budgetLeft = budget;
          return true;
      }
      if (ok) continue;
      // backtrack
      for (;;) {
        if (--budget <= 0) {
          charge(4096 - budget);
          budget = 4096;
        }
        const tag = stk.pop();
        if (tag === undefined) {
          this.#budgetLeft = budget;
          return false;
        }
        if (tag === Tag.Undo) {
          const old = stk.pop() ?? -1;
          mem[stk.pop() ?? 0] = old;
          continue;
        }
        if (tag === Tag.Choice) {
          pos = stk.pop() ?? 0;
          pc = stk.pop() ?? 0;
          break;
        }
        if (tag === Tag.StarGreedy) {
          const n = stk.length;
          let p = stk[n - 1] ?? 0;
          const minPos = stk[n - 2] ?? 0;
          const next = stk[n - 3] ?? 0;
          const nextInst = prog[next] as Inst;
          if (nextInst.op === Op.Char) {
            const c = nextInst.a;
            const from = p;
            while (p >= minPos && text[p] !== c) p--;
            budget -= from - p;
            if (p < minPos) {
              stk.length = n - 3;
              continue;
            }
          }
          if (p > minPos) {
            stk[n - 1] = p - 1;
            stk.push(Tag.StarGreedy);
          } else stk.length = n - 3;
          pos = p;
          pc = next;
          break;
        }
        if (tag === Tag.StarLazy) {
          const n = stk.length;
          const p = stk[n - 1] ?? 0;
          const limit = stk[n - 2] ?? 0;
          const starPc = stk[n - 3] ?? 0;
          const star = prog[starPc] as Inst;
          if (p < limit && matchOne(prog[starPc + 1] as Inst, text[p] ?? 0)) {
            if (p + 1 < limit) {
              stk[n - 1] = p + 1;
              stk.push(Tag.StarLazy);
            } else stk.length = n - 3;
            pos = p + 1;
            pc = star.d;
            break;
          }
          stk.length = n - 3;
          continue;
        }
        if (tag === Tag.Barrier) {
          const cont = stk.pop() ?? 0;
          const at = stk.pop() ?? 0;
          const kind = stk.pop() ?? 0;
          if (kind === Barrier.NegLook) {
            pos = at;
            pc = cont;
            break;
          }
          continue;
        }
        // Tag.LazyMore
        const at = stk.pop() ?? 0;
        const r = stk.pop() ?? 0;
        const rep = reps[r] as RepInfo;
        const cnt = repBase + 2 * r;
        const c = mem[cnt] ?? 0;
        if ((c >= rep.max && rep.max !== MAXREPEAT) || at === mem[cnt + 1]) continue;
        pos = at;
        setMem(mem, stk, cnt + 1, at);
        pc = rep.body;
        break;
      }
    }
  }
}
