/** Syntax tree of the Python subset (a trimmed version of CPython's `ast` module). */
import type { PyValue } from './values.js';

interface Pos {
  readonly line: number;
  readonly col: number;
}

export type Expr =
  | (Pos & { readonly kind: 'const'; readonly value: PyValue })
  | (Pos & { readonly kind: 'name'; readonly id: string })
  | (Pos & { readonly kind: 'fstring'; readonly parts: readonly FStringPart[] })
  | (Pos & {
      readonly kind: 'binop';
      readonly op: string;
      readonly left: Expr;
      readonly right: Expr;
    })
  | (Pos & { readonly kind: 'unary'; readonly op: 'not' | '-' | '+' | '~'; readonly operand: Expr })
  | (Pos & { readonly kind: 'boolop'; readonly op: 'and' | 'or'; readonly values: readonly Expr[] })
  | (Pos & {
      readonly kind: 'compare';
      readonly left: Expr;
      readonly ops: readonly string[];
      readonly comparators: readonly Expr[];
    })
  | (Pos & {
      readonly kind: 'ifexp';
      readonly test: Expr;
      readonly body: Expr;
      readonly orelse: Expr;
    })
  | (Pos & { readonly kind: 'lambda'; readonly params: Params; readonly body: Expr })
  | (Pos & {
      readonly kind: 'call';
      readonly func: Expr;
      readonly args: readonly Expr[];
      readonly keywords: readonly Keyword[];
    })
  | (Pos & { readonly kind: 'attr'; readonly value: Expr; readonly attr: string })
  | (Pos & { readonly kind: 'subscript'; readonly value: Expr; readonly index: Expr })
  | (Pos & {
      readonly kind: 'slice';
      readonly lower: Expr | null;
      readonly upper: Expr | null;
      readonly step: Expr | null;
    })
  | (Pos & { readonly kind: 'list'; readonly elts: readonly Expr[] })
  | (Pos & { readonly kind: 'tuple'; readonly elts: readonly Expr[] })
  | (Pos & { readonly kind: 'set'; readonly elts: readonly Expr[] })
  | (Pos & {
      readonly kind: 'dict';
      readonly keys: readonly (Expr | null)[];
      readonly values: readonly Expr[];
    })
  | (Pos & {
      readonly kind: 'comp';
      readonly type: 'list' | 'set' | 'gen' | 'dict';
      readonly elt: Expr;
      readonly value: Expr | null;
      readonly generators: readonly Comprehension[];
    })
  | (Pos & { readonly kind: 'starred'; readonly value: Expr })
  | (Pos & { readonly kind: 'walrus'; readonly target: string; readonly value: Expr })
  | (Pos & { readonly kind: 'yield'; readonly value: Expr | null; readonly from: boolean });

export type FStringPart =
  | string
  | {
      readonly expr: Expr;
      readonly conversion: 'r' | 's' | 'a' | null;
      readonly spec: FStringPart[] | null;
      readonly debugText: string | null;
    };

export interface Keyword {
  /** null for `**mapping`. */
  readonly name: string | null;
  readonly value: Expr;
}

export interface Comprehension {
  readonly target: Expr;
  readonly iter: Expr;
  readonly ifs: readonly Expr[];
}

export interface Param {
  readonly name: string;
  readonly default: Expr | null;
}

export interface Params {
  readonly positional: readonly Param[];
  /** Name of `*args`, or null. */
  readonly varargs: string | null;
  readonly kwonly: readonly Param[];
  /** Name of `**kwargs`, or null. */
  readonly varkw: string | null;
}

export interface ExceptHandler {
  readonly type: Expr | null;
  readonly name: string | null;
  readonly body: readonly Stmt[];
  readonly line: number;
}

export type Stmt =
  | (Pos & { readonly kind: 'expr'; readonly value: Expr })
  | (Pos & { readonly kind: 'assign'; readonly targets: readonly Expr[]; readonly value: Expr })
  | (Pos & {
      readonly kind: 'augassign';
      readonly target: Expr;
      readonly op: string;
      readonly value: Expr;
    })
  | (Pos & { readonly kind: 'annassign'; readonly target: Expr; readonly value: Expr | null })
  | (Pos & { readonly kind: 'del'; readonly targets: readonly Expr[] })
  | (Pos & { readonly kind: 'pass' })
  | (Pos & { readonly kind: 'break' })
  | (Pos & { readonly kind: 'continue' })
  | (Pos & { readonly kind: 'return'; readonly value: Expr | null })
  | (Pos & {
      readonly kind: 'if';
      readonly test: Expr;
      readonly body: readonly Stmt[];
      readonly orelse: readonly Stmt[];
    })
  | (Pos & {
      readonly kind: 'while';
      readonly test: Expr;
      readonly body: readonly Stmt[];
      readonly orelse: readonly Stmt[];
    })
  | (Pos & {
      readonly kind: 'for';
      readonly target: Expr;
      readonly iter: Expr;
      readonly body: readonly Stmt[];
      readonly orelse: readonly Stmt[];
    })
  | (Pos & {
      readonly kind: 'def';
      readonly name: string;
      readonly params: Params;
      readonly body: readonly Stmt[];
      readonly decorators: readonly Expr[];
    })
  | (Pos & { readonly kind: 'class'; readonly name: string })
  | (Pos & {
      readonly kind: 'try';
      readonly body: readonly Stmt[];
      readonly handlers: readonly ExceptHandler[];
      readonly orelse: readonly Stmt[];
      readonly finalbody: readonly Stmt[];
    })
  | (Pos & { readonly kind: 'raise'; readonly exc: Expr | null; readonly cause: Expr | null })
  | (Pos & { readonly kind: 'assert'; readonly test: Expr; readonly msg: Expr | null })
  | (Pos & {
      readonly kind: 'import';
      readonly names: readonly { readonly name: string; readonly asname: string | null }[];
    })
  | (Pos & {
      readonly kind: 'importfrom';
      readonly module: string;
      readonly names: readonly { readonly name: string; readonly asname: string | null }[];
    })
  | (Pos & { readonly kind: 'global'; readonly names: readonly string[] })
  | (Pos & { readonly kind: 'nonlocal'; readonly names: readonly string[] });
