/** Recursive-descent parser producing the tree in `ast.ts`; errors are Python SyntaxErrors. */
import type {
  Comprehension,
  ExceptHandler,
  Expr,
  FStringPart,
  Keyword,
  Param,
  Params,
  Stmt,
} from './ast.js';
import { decodeEscapes, syntaxError, tokenize, type Token } from './lexer.js';
import { PyBytes } from './bytes.js';
import type { PyValue } from './values.js';

const MAX_NESTING = 100;

const AUG_OPS = new Set([
  '+=',
  '-=',
  '*=',
  '/=',
  '//=',
  '%=',
  '**=',
  '<<=',
  '>>=',
  '&=',
  '|=',
  '^=',
  '@=',
]);
const COMPARE_OPS = new Set(['<', '>', '==', '>=', '<=', '!=', 'in', 'not', 'is']);
const KEYWORDS = new Set([
  'False',
  'None',
  'True',
  'and',
  'as',
  'assert',
  'async',
  'await',
  'break',
  'class',
  'continue',
  'def',
  'del',
  'elif',
  'else',
  'except',
  'finally',
  'for',
  'from',
  'global',
  'if',
  'import',
  'in',
  'is',
  'lambda',
  'nonlocal',
  'not',
  'or',
  'pass',
  'raise',
  'return',
  'try',
  'while',
  'with',
  'yield',
]);

/** Parses a module (script). */
export function parseModule(source: string): Stmt[] {
  const p = new Parser(tokenize(source));
  const body: Stmt[] = [];
  while (!p.at('eof')) {
    if (p.at('newline')) {
      p.next();
      continue;
    }
    body.push(...p.statement());
  }
  checkContext(body, false, false);
  return body;
}

/** Parses a single expression (what `eval` accepts: a testlist, surrounding whitespace allowed). */
export function parseExpression(source: string): Expr {
  // eval() ignores leading spaces and tabs
  const toks = tokenize(source.replace(/^[ \t]+/, '')).filter(
    (t) => t.type !== 'newline' && t.type !== 'indent' && t.type !== 'dedent',
  );
  const err = toks.find((t) => t.type === 'error');
  if (err) toks.splice(toks.indexOf(err) + 1);
  // leading indentation is allowed in eval mode, so INDENT/DEDENT tokens are dropped
  const p = new Parser(toks);
  if (p.at('eof')) throw syntaxError('invalid syntax', 1, 0);
  const e = p.testList(true);
  if (!p.at('eof')) p.fail();
  return e;
}

class Parser {
  private pos = 0;
  private depth = 0;
  private readonly toks: Token[];
  constructor(toks: Token[]) {
    this.toks = toks;
  }

  peek(offset = 0): Token {
    return this.toks[Math.min(this.pos + offset, this.toks.length - 1)] as Token;
  }
  next(): Token {
    const t = this.peek();
    if (this.pos < this.toks.length - 1) this.pos++;
    return t;
  }
  at(type: Token['type'], value?: string): boolean {
    const t = this.peek();
    return t.type === type && (value === undefined || t.value === value);
  }
  atOp(value: string): boolean {
    const t = this.peek();
    return t.type === 'op' && t.value === value;
  }
  atKw(value: string): boolean {
    const t = this.peek();
    return t.type === 'name' && t.value === value;
  }
  eatOp(value: string): boolean {
    if (this.atOp(value)) {
      this.next();
      return true;
    }
    return false;
  }
  eatKw(value: string): boolean {
    if (this.atKw(value)) {
      this.next();
      return true;
    }
    return false;
  }
  expectOp(value: string): Token {
    if (!this.atOp(value)) {
      if (value === ':') this.fail("expected ':'");
      this.fail();
    }
    return this.next();
  }
  expectKw(value: string): void {
    if (!this.eatKw(value)) this.fail();
  }
  fail(msg = 'invalid syntax', tok = this.peek()): never {
    if (tok.type === 'error') throw syntaxError(tok.value, tok.line, tok.col);
    if (msg === 'invalid syntax' && tok.type === 'indent') msg = 'unexpected indent';
    if (msg === 'invalid syntax' && tok.type === 'eof') msg = 'invalid syntax';
    throw syntaxError(msg, tok.line, tok.col);
  }
  identifier(): string {
    const t = this.peek();
    if (t.type !== 'name' || KEYWORDS.has(t.value)) this.fail();
    this.next();
    return t.value;
  }
  private enter(): void {
    if (++this.depth > MAX_NESTING) this.fail('too many nested parentheses');
  }
  private leave(): void {
    this.depth--;
  }

  // ------------------------------------------------------------------ statements

  statement(): Stmt[] {
    const t = this.peek();
    if (t.type === 'indent') this.fail('unexpected indent');
    if (t.type === 'name') {
      switch (t.value) {
        case 'if':
          return [this.ifStmt()];
        case 'while':
          return [this.whileStmt()];
        case 'for':
          return [this.forStmt()];
        case 'def':
          return [this.defStmt([])];
        case 'try':
          return [this.tryStmt()];
        case 'class':
          return [this.classStmt()];
        case 'with':
        case 'async':
        case 'match':
          if (t.value !== 'match' || this.peek(1).type === 'name') {
            if (t.value !== 'match') this.fail(`'${t.value}' statements are not supported`);
          }
          break;
      }
    }
    if (t.type === 'op' && t.value === '@') return [this.decorated()];
    return this.simpleStatements();
  }

  private simpleStatements(): Stmt[] {
    const out: Stmt[] = [this.smallStatement()];
    while (this.eatOp(';')) {
      if (this.at('newline') || this.at('eof')) break;
      out.push(this.smallStatement());
    }
    if (!this.at('newline') && !this.at('eof')) this.fail();
    if (this.at('newline')) this.next();
    return out;
  }

  private block(): Stmt[] {
    this.expectOp(':');
    if (!this.at('newline')) return this.simpleStatements();
    this.next();
    if (!this.at('indent')) this.fail('expected an indented block');
    this.next();
    const body: Stmt[] = [];
    while (!this.at('dedent') && !this.at('eof')) {
      if (this.at('newline')) {
        this.next();
        continue;
      }
      body.push(...this.statement());
    }
    if (this.at('dedent')) this.next();
    return body;
  }

  private ifStmt(): Stmt {
    const t = this.next();
    const test = this.namedExpr();
    const body = this.block();
    let orelse: Stmt[] = [];
    if (this.atKw('elif')) {
      orelse = [this.ifStmt()];
    } else if (this.eatKw('else')) {
      orelse = this.block();
    }
    return { kind: 'if', test, body, orelse, line: t.line, col: t.col };
  }

  private whileStmt(): Stmt {
    const t = this.next();
    const test = this.namedExpr();
    const body = this.block();
    const orelse = this.eatKw('else') ? this.block() : [];
    return { kind: 'while', test, body, orelse, line: t.line, col: t.col };
  }

  private forStmt(): Stmt {
    const t = this.next();
    const target = this.targetList();
    this.expectKw('in');
    const iter = this.testList(true);
    const body = this.block();
    const orelse = this.eatKw('else') ? this.block() : [];
    return { kind: 'for', target, iter, body, orelse, line: t.line, col: t.col };
  }

  private decorated(): Stmt {
    const decorators: Expr[] = [];
    while (this.eatOp('@')) {
      decorators.push(this.namedExpr());
      if (!this.at('newline')) this.fail();
      this.next();
    }
    if (this.atKw('class')) return this.classStmt();
    if (!this.atKw('def')) this.fail();
    return this.defStmt(decorators);
  }

  private defStmt(decorators: Expr[]): Stmt {
    const t = this.next();
    const name = this.identifier();
    this.expectOp('(');
    const params = this.params(')');
    this.expectOp(')');
    if (this.eatOp('->')) this.test();
    const body = this.block();
    return { kind: 'def', name, params, body, decorators, line: t.line, col: t.col };
  }

  private classStmt(): Stmt {
    const t = this.next();
    const name = this.identifier();
    if (this.eatOp('(')) {
      if (!this.atOp(')')) this.callArgs();
      this.expectOp(')');
    }
    this.block();
    return { kind: 'class', name, line: t.line, col: t.col };
  }

  private params(close: string): Params {
    const positional: Param[] = [];
    const kwonly: Param[] = [];
    let varargs: string | null = null;
    let varkw: string | null = null;
    let star = false;
    const seen = new Set<string>();
    const add = (n: string): void => {
      if (seen.has(n)) this.fail(`duplicate argument '${n}' in function definition`);
      seen.add(n);
    };
    while (!this.atOp(close)) {
      if (this.eatOp('**')) {
        varkw = this.identifier();
        add(varkw);
        if (close === ')' && this.eatOp(':')) this.test();
        this.eatOp(',');
        if (!this.atOp(close)) this.fail();
        break;
      }
      if (this.eatOp('*')) {
        if (star) this.fail('* argument may appear only once');
        star = true;
        if (!this.atOp(',') && !this.atOp(close)) {
          varargs = this.identifier();
          add(varargs);
          if (close === ')' && this.eatOp(':')) this.test();
        }
      } else if (this.eatOp('/')) {
        // positional-only marker: accepted, treated as ordinary positional parameters
      } else {
        const name = this.identifier();
        add(name);
        if (close === ')' && this.eatOp(':')) this.test();
        let def: Expr | null = null;
        if (this.eatOp('=')) def = this.test();
        if (star) kwonly.push({ name, default: def });
        else {
          if (def === null && positional.some((p) => p.default !== null)) {
            this.fail('non-default argument follows default argument');
          }
          positional.push({ name, default: def });
        }
      }
      if (!this.eatOp(',')) break;
    }
    if (star && varargs === null && kwonly.length === 0)
      this.fail('named arguments must follow bare *');
    return { positional, varargs, kwonly, varkw };
  }

  private tryStmt(): Stmt {
    const t = this.next();
    const body = this.block();
    const handlers: ExceptHandler[] = [];
    while (this.atKw('except')) {
      const h = this.next();
      let type: Expr | null = null;
      let name: string | null = null;
      if (!this.atOp(':')) {
        type = this.test();
        if (this.atOp(',')) {
          this.fail('multiple exception types must be parenthesized');
        }
        if (this.eatKw('as')) name = this.identifier();
      }
      const hbody = this.block();
      handlers.push({ type, name, body: hbody, line: h.line });
    }
    for (let i = 0; i < handlers.length - 1; i++) {
      if (handlers[i]?.type === null) {
        throw syntaxError("default 'except:' must be last", handlers[i]?.line ?? t.line, 0);
      }
    }
    const orelse = handlers.length > 0 && this.eatKw('else') ? this.block() : [];
    const finalbody = this.eatKw('finally') ? this.block() : [];
    if (handlers.length === 0 && finalbody.length === 0) {
      this.fail("expected 'except' or 'finally' block");
    }
    return { kind: 'try', body, handlers, orelse, finalbody, line: t.line, col: t.col };
  }

  private smallStatement(): Stmt {
    const t = this.peek();
    const pos = { line: t.line, col: t.col };
    if (t.type === 'name') {
      switch (t.value) {
        case 'pass':
          this.next();
          return { kind: 'pass', ...pos };
        case 'break':
          this.next();
          return { kind: 'break', ...pos };
        case 'continue':
          this.next();
          return { kind: 'continue', ...pos };
        case 'return': {
          this.next();
          const value = this.atEndOfSimple() ? null : this.testList(true);
          return { kind: 'return', value, ...pos };
        }
        case 'del': {
          this.next();
          const targets: Expr[] = [];
          do {
            if (this.atEndOfSimple()) break;
            const e = this.bitOr();
            checkTarget(e, 'del');
            targets.push(e);
          } while (this.eatOp(','));
          if (targets.length === 0) this.fail();
          return { kind: 'del', targets, ...pos };
        }
        case 'raise': {
          this.next();
          let exc: Expr | null = null;
          let cause: Expr | null = null;
          if (!this.atEndOfSimple()) {
            exc = this.test();
            if (this.eatKw('from')) cause = this.test();
          }
          return { kind: 'raise', exc, cause, ...pos };
        }
        case 'assert': {
          this.next();
          const test = this.test();
          const msg = this.eatOp(',') ? this.test() : null;
          return { kind: 'assert', test, msg, ...pos };
        }
        case 'global':
        case 'nonlocal': {
          this.next();
          const names = [this.identifier()];
          while (this.eatOp(',')) names.push(this.identifier());
          return { kind: t.value, names, ...pos };
        }
        case 'import': {
          this.next();
          const names: { name: string; asname: string | null }[] = [];
          do {
            const name = this.dottedName();
            const asname = this.eatKw('as') ? this.identifier() : null;
            names.push({ name, asname });
          } while (this.eatOp(','));
          return { kind: 'import', names, ...pos };
        }
        case 'from': {
          this.next();
          let dots = '';
          while (this.atOp('.') || this.atOp('...')) dots += this.next().value;
          const module = dots + (this.atKw('import') && dots ? '' : this.dottedName());
          this.expectKw('import');
          const names: { name: string; asname: string | null }[] = [];
          if (this.eatOp('*')) {
            names.push({ name: '*', asname: null });
          } else {
            const paren = this.eatOp('(');
            do {
              if (paren && this.atOp(')')) break;
              const name = this.identifier();
              const asname = this.eatKw('as') ? this.identifier() : null;
              names.push({ name, asname });
            } while (this.eatOp(','));
            if (paren) this.expectOp(')');
          }
          return { kind: 'importfrom', module, names, ...pos };
        }
        case 'yield': {
          const value = this.yieldExpr();
          return { kind: 'expr', value, ...pos };
        }
        case 'await':
          this.fail(`'${t.value}' is not supported`);
      }
    }
    // expression statement or assignment
    const first = this.testListStarExpr();
    if (this.atOp('=')) {
      const targets: Expr[] = [first];
      let value: Expr = first;
      while (this.eatOp('=')) {
        value = this.atKw('yield') ? this.yieldExpr() : this.testListStarExpr();
        targets.push(value);
      }
      targets.pop();
      for (const target of targets) checkTarget(target, 'assign');
      return { kind: 'assign', targets, value, ...pos };
    }
    const op = this.peek();
    if (op.type === 'op' && AUG_OPS.has(op.value)) {
      this.next();
      if (first.kind !== 'name' && first.kind !== 'attr' && first.kind !== 'subscript') {
        throw syntaxError(
          `'${describe(first)}' is an illegal expression for augmented assignment`,
          first.line,
          first.col,
        );
      }
      const value = this.testList(true);
      return { kind: 'augassign', target: first, op: op.value.slice(0, -1), value, ...pos };
    }
    if (op.type === 'op' && op.value === ':') {
      this.next();
      this.test();
      checkTarget(first, 'assign');
      const value = this.eatOp('=') ? this.testList(true) : null;
      return { kind: 'annassign', target: first, value, ...pos };
    }
    return { kind: 'expr', value: first, ...pos };
  }

  /** `yield [value]` or `yield from iterable` (statement level and assignment values only). */
  private yieldExpr(): Expr {
    const t = this.next();
    if (this.eatKw('from')) {
      return { kind: 'yield', value: this.test(), from: true, line: t.line, col: t.col };
    }
    const value = this.atEndOfSimple() || this.atOp('=') ? null : this.testList(true);
    return { kind: 'yield', value, from: false, line: t.line, col: t.col };
  }

  private atEndOfSimple(): boolean {
    return this.at('newline') || this.at('eof') || this.atOp(';');
  }

  private dottedName(): string {
    let name = this.identifier();
    while (this.eatOp('.')) name += '.' + this.identifier();
    return name;
  }

  // ------------------------------------------------------------------ expressions

  /** testlist_star_expr: expressions separated by commas (a tuple when there is a comma). */
  private testListStarExpr(): Expr {
    return this.testList(true, true);
  }

  /** A comma separated list; a tuple when a comma is present. */
  testList(allowStar: boolean, allowWalrus = false): Expr {
    const t = this.peek();
    const first = this.starOrTest(allowStar, allowWalrus);
    if (!this.atOp(',')) {
      if (first.kind === 'starred') this.fail("can't use starred expression here", t);
      return first;
    }
    const elts: Expr[] = [first];
    while (this.eatOp(',')) {
      if (this.atExprEnd()) break;
      elts.push(this.starOrTest(allowStar, allowWalrus));
    }
    return { kind: 'tuple', elts, line: t.line, col: t.col };
  }

  private atExprEnd(): boolean {
    const t = this.peek();
    if (t.type === 'newline' || t.type === 'eof') return true;
    if (t.type === 'op')
      return (
        t.value === '=' ||
        t.value === ')' ||
        t.value === ']' ||
        t.value === '}' ||
        t.value === ';' ||
        t.value === ':' ||
        AUG_OPS.has(t.value)
      );
    return t.type === 'name' && t.value === 'in';
  }

  private starOrTest(allowStar: boolean, allowWalrus: boolean): Expr {
    if (this.atOp('*')) {
      const t = this.next();
      if (!allowStar) this.fail(undefined, t);
      return { kind: 'starred', value: this.bitOr(), line: t.line, col: t.col };
    }
    return allowWalrus ? this.namedExpr() : this.test();
  }

  /** namedexpr_test: `name := test` or test. */
  namedExpr(): Expr {
    const t = this.peek();
    if (t.type === 'name' && this.peek(1).type === 'op' && this.peek(1).value === ':=') {
      const target = this.identifier();
      this.next();
      const value = this.test();
      return { kind: 'walrus', target, value, line: t.line, col: t.col };
    }
    return this.test();
  }

  /** test: conditional expression or lambda. */
  test(): Expr {
    this.enter();
    try {
      if (this.atKw('lambda')) return this.lambda();
      const t = this.peek();
      const body = this.orTest();
      if (this.atKw('if')) {
        this.next();
        const test = this.orTest();
        if (!this.eatKw('else')) this.fail("expected 'else' after 'if' expression");
        const orelse = this.test();
        return { kind: 'ifexp', test, body, orelse, line: t.line, col: t.col };
      }
      return body;
    } finally {
      this.leave();
    }
  }

  private testNoCond(): Expr {
    if (this.atKw('lambda')) return this.lambda(true);
    return this.orTest();
  }

  private lambda(noCond = false): Expr {
    const t = this.next();
    const params = this.params(':');
    this.expectOp(':');
    const body = noCond ? this.testNoCond() : this.test();
    return { kind: 'lambda', params, body, line: t.line, col: t.col };
  }

  private orTest(): Expr {
    const t = this.peek();
    const first = this.andTest();
    if (!this.atKw('or')) return first;
    const values = [first];
    while (this.eatKw('or')) values.push(this.andTest());
    return { kind: 'boolop', op: 'or', values, line: t.line, col: t.col };
  }

  private andTest(): Expr {
    const t = this.peek();
    const first = this.notTest();
    if (!this.atKw('and')) return first;
    const values = [first];
    while (this.eatKw('and')) values.push(this.notTest());
    return { kind: 'boolop', op: 'and', values, line: t.line, col: t.col };
  }

  private notTest(): Expr {
    if (this.atKw('not')) {
      const t = this.next();
      this.enter();
      try {
        return { kind: 'unary', op: 'not', operand: this.notTest(), line: t.line, col: t.col };
      } finally {
        this.leave();
      }
    }
    return this.comparison();
  }

  private comparison(): Expr {
    const t = this.peek();
    const left = this.bitOr();
    const ops: string[] = [];
    const comparators: Expr[] = [];
    for (;;) {
      const o = this.peek();
      if (!((o.type === 'op' || o.type === 'name') && COMPARE_OPS.has(o.value))) break;
      if (o.type === 'op' && (o.value === 'in' || o.value === 'not' || o.value === 'is')) break;
      if (o.type === 'name' && !(o.value === 'in' || o.value === 'not' || o.value === 'is')) break;
      this.next();
      let op = o.value;
      if (op === 'not') {
        if (!this.eatKw('in')) this.fail(undefined, o);
        op = 'not in';
      } else if (op === 'is' && this.eatKw('not')) {
        op = 'is not';
      }
      ops.push(op);
      comparators.push(this.bitOr());
    }
    if (ops.length === 0) return left;
    return { kind: 'compare', left, ops, comparators, line: t.line, col: t.col };
  }

  private binaryLevel(ops: readonly string[], sub: () => Expr): Expr {
    const t = this.peek();
    let left = sub();
    for (;;) {
      const o = this.peek();
      if (o.type !== 'op' || !ops.includes(o.value)) return left;
      this.next();
      const right = sub();
      left = { kind: 'binop', op: o.value, left, right, line: t.line, col: t.col };
    }
  }

  bitOr(): Expr {
    return this.binaryLevel(['|'], () =>
      this.binaryLevel(['^'], () => this.binaryLevel(['&'], () => this.shiftExpr())),
    );
  }
  private shiftExpr(): Expr {
    return this.binaryLevel(['<<', '>>'], () =>
      this.binaryLevel(['+', '-'], () =>
        this.binaryLevel(['*', '/', '//', '%', '@'], () => this.factor()),
      ),
    );
  }

  private factor(): Expr {
    const t = this.peek();
    if (t.type === 'op' && (t.value === '-' || t.value === '+' || t.value === '~')) {
      this.next();
      this.enter();
      try {
        const operand = this.factor();
        // fold negative numeric literals so that -9223372036854775808 stays a literal
        if (
          t.value === '-' &&
          operand.kind === 'const' &&
          (typeof operand.value === 'bigint' || typeof operand.value === 'number') &&
          !this.atOp('**')
        ) {
          return { kind: 'const', value: -operand.value, line: t.line, col: t.col };
        }
        return { kind: 'unary', op: t.value, operand, line: t.line, col: t.col };
      } finally {
        this.leave();
      }
    }
    return this.power();
  }

  private power(): Expr {
    const t = this.peek();
    const base = this.atomExpr();
    if (this.atOp('**')) {
      this.next();
      this.enter();
      try {
        const exp = this.factor();
        return { kind: 'binop', op: '**', left: base, right: exp, line: t.line, col: t.col };
      } finally {
        this.leave();
      }
    }
    return base;
  }

  private atomExpr(): Expr {
    let e = this.atom();
    for (;;) {
      const t = this.peek();
      if (t.type !== 'op') return e;
      if (t.value === '(') {
        this.next();
        this.enter();
        const { args, keywords } = this.callArgs();
        this.leave();
        this.expectOp(')');
        e = { kind: 'call', func: e, args, keywords, line: e.line, col: e.col };
      } else if (t.value === '[') {
        this.next();
        this.enter();
        const index = this.subscriptList();
        this.leave();
        this.expectOp(']');
        e = { kind: 'subscript', value: e, index, line: e.line, col: e.col };
      } else if (t.value === '.') {
        this.next();
        const attr = this.identifier();
        e = { kind: 'attr', value: e, attr, line: e.line, col: e.col };
      } else {
        return e;
      }
    }
  }

  private subscriptList(): Expr {
    const t = this.peek();
    const first = this.subscript();
    if (!this.atOp(',')) return first;
    const elts = [first];
    while (this.eatOp(',')) {
      if (this.atOp(']')) break;
      elts.push(this.subscript());
    }
    return { kind: 'tuple', elts, line: t.line, col: t.col };
  }

  private subscript(): Expr {
    const t = this.peek();
    let lower: Expr | null = null;
    if (!this.atOp(':')) {
      lower = this.namedExpr();
      if (!this.atOp(':')) return lower;
    }
    this.expectOp(':');
    let upper: Expr | null = null;
    let step: Expr | null = null;
    if (!this.atOp(']') && !this.atOp(',') && !this.atOp(':')) upper = this.test();
    if (this.eatOp(':')) {
      if (!this.atOp(']') && !this.atOp(',')) step = this.test();
    }
    return { kind: 'slice', lower, upper, step, line: t.line, col: t.col };
  }

  private callArgs(): { args: Expr[]; keywords: Keyword[] } {
    const args: Expr[] = [];
    const keywords: Keyword[] = [];
    while (!this.atOp(')')) {
      const t = this.peek();
      if (this.eatOp('**')) {
        keywords.push({ name: null, value: this.test() });
      } else if (this.eatOp('*')) {
        if (keywords.some((k) => k.name === null)) {
          this.fail('iterable argument unpacking follows keyword argument unpacking', t);
        }
        args.push({ kind: 'starred', value: this.test(), line: t.line, col: t.col });
      } else if (t.type === 'name' && this.peek(1).type === 'op' && this.peek(1).value === '=') {
        const name = this.identifier();
        this.next();
        if (keywords.some((k) => k.name === name))
          this.fail(`keyword argument repeated: ${name}`, t);
        keywords.push({ name, value: this.test() });
      } else {
        const e = this.namedExpr();
        if (this.atKw('for') || this.atKw('async')) {
          const generators = this.compFor();
          const gen: Expr = {
            kind: 'comp',
            type: 'gen',
            elt: e,
            value: null,
            generators,
            line: t.line,
            col: t.col,
          };
          if (args.length > 0 || keywords.length > 0 || !this.atOp(')')) {
            if (!this.atOp(')') || args.length > 0 || keywords.length > 0) {
              this.fail('Generator expression must be parenthesized', t);
            }
          }
          args.push(gen);
        } else {
          if (keywords.length > 0) {
            this.fail(
              keywords.some((k) => k.name === null)
                ? 'positional argument follows keyword argument unpacking'
                : 'positional argument follows keyword argument',
              t,
            );
          }
          if (this.atOp('='))
            this.fail('expression cannot contain assignment, perhaps you meant "=="?', t);
          args.push(e);
        }
      }
      if (!this.eatOp(',')) break;
    }
    return { args, keywords };
  }

  private compFor(): Comprehension[] {
    const gens: Comprehension[] = [];
    while (this.atKw('for') || this.atKw('async')) {
      if (this.atKw('async')) this.fail();
      this.next();
      const target = this.targetList();
      this.expectKw('in');
      const iter = this.orTest();
      const ifs: Expr[] = [];
      while (this.atKw('if')) {
        this.next();
        ifs.push(this.testNoCond());
      }
      gens.push({ target, iter, ifs });
    }
    return gens;
  }

  /** exprlist used as a for-target. */
  private targetList(): Expr {
    const t = this.peek();
    const first = this.starOrBitOr();
    let target: Expr = first;
    if (this.atOp(',')) {
      const elts = [first];
      while (this.eatOp(',')) {
        if (this.atKw('in') || this.atOp('=')) break;
        elts.push(this.starOrBitOr());
      }
      target = { kind: 'tuple', elts, line: t.line, col: t.col };
    }
    checkTarget(target, 'for');
    return target;
  }

  private starOrBitOr(): Expr {
    if (this.atOp('*')) {
      const t = this.next();
      return { kind: 'starred', value: this.bitOr(), line: t.line, col: t.col };
    }
    return this.bitOr();
  }

  private atom(): Expr {
    const t = this.peek();
    const pos = { line: t.line, col: t.col };
    switch (t.type) {
      case 'int': {
        this.next();
        return { kind: 'const', value: parseIntLiteral(t.value), ...pos };
      }
      case 'float': {
        this.next();
        return { kind: 'const', value: Number(t.value), ...pos };
      }
      case 'str':
        return this.strings();
      case 'name': {
        switch (t.value) {
          case 'None':
            this.next();
            return { kind: 'const', value: null, ...pos };
          case 'True':
            this.next();
            return { kind: 'const', value: true, ...pos };
          case 'False':
            this.next();
            return { kind: 'const', value: false, ...pos };
        }
        if (KEYWORDS.has(t.value)) this.fail();
        this.next();
        return { kind: 'name', id: t.value, ...pos };
      }
      case 'op':
        switch (t.value) {
          case '(':
            return this.parenthesized();
          case '[':
            return this.listDisplay();
          case '{':
            return this.dictOrSetDisplay();
          case '...':
            this.next();
            return { kind: 'const', value: null, ...pos };
        }
        break;
      case 'indent':
        this.fail('unexpected indent');
    }
    return this.fail();
  }

  private parenthesized(): Expr {
    const t = this.next();
    this.enter();
    try {
      if (this.eatOp(')')) return { kind: 'tuple', elts: [], line: t.line, col: t.col };
      const first = this.starOrTest(true, true);
      if (this.atKw('for')) {
        const generators = this.compFor();
        this.expectOp(')');
        return {
          kind: 'comp',
          type: 'gen',
          elt: first,
          value: null,
          generators,
          line: t.line,
          col: t.col,
        };
      }
      if (this.eatOp(')')) {
        if (first.kind === 'starred') this.fail('cannot use starred expression here', t);
        return first;
      }
      const elts = [first];
      this.expectOp(',');
      while (!this.atOp(')')) {
        elts.push(this.starOrTest(true, true));
        if (!this.eatOp(',')) break;
      }
      this.expectOp(')');
      return { kind: 'tuple', elts, line: t.line, col: t.col };
    } finally {
      this.leave();
    }
  }

  private listDisplay(): Expr {
    const t = this.next();
    this.enter();
    try {
      const elts: Expr[] = [];
      if (this.eatOp(']')) return { kind: 'list', elts, line: t.line, col: t.col };
      const first = this.starOrTest(true, true);
      if (this.atKw('for')) {
        const generators = this.compFor();
        this.expectOp(']');
        return {
          kind: 'comp',
          type: 'list',
          elt: first,
          value: null,
          generators,
          line: t.line,
          col: t.col,
        };
      }
      elts.push(first);
      while (this.eatOp(',')) {
        if (this.atOp(']')) break;
        elts.push(this.starOrTest(true, true));
      }
      this.expectOp(']');
      return { kind: 'list', elts, line: t.line, col: t.col };
    } finally {
      this.leave();
    }
  }

  private dictOrSetDisplay(): Expr {
    const t = this.next();
    const pos = { line: t.line, col: t.col };
    this.enter();
    try {
      if (this.eatOp('}')) return { kind: 'dict', keys: [], values: [], ...pos };
      // first item decides dict or set
      if (this.eatOp('**')) {
        const keys: (Expr | null)[] = [null];
        const values: Expr[] = [this.bitOr()];
        return this.dictRest(keys, values, pos);
      }
      const first = this.starOrTest(true, false);
      if (first.kind !== 'starred' && this.eatOp(':')) {
        const value = this.test();
        if (this.atKw('for')) {
          const generators = this.compFor();
          this.expectOp('}');
          return { kind: 'comp', type: 'dict', elt: first, value, generators, ...pos };
        }
        return this.dictRest([first], [value], pos);
      }
      if (this.atKw('for')) {
        const generators = this.compFor();
        this.expectOp('}');
        return { kind: 'comp', type: 'set', elt: first, value: null, generators, ...pos };
      }
      const elts = [first];
      while (this.eatOp(',')) {
        if (this.atOp('}')) break;
        elts.push(this.starOrTest(true, false));
      }
      this.expectOp('}');
      return { kind: 'set', elts, ...pos };
    } finally {
      this.leave();
    }
  }

  private dictRest(
    keys: (Expr | null)[],
    values: Expr[],
    pos: { line: number; col: number },
  ): Expr {
    while (this.eatOp(',')) {
      if (this.atOp('}')) break;
      if (this.eatOp('**')) {
        keys.push(null);
        values.push(this.bitOr());
      } else {
        keys.push(this.test());
        this.expectOp(':');
        values.push(this.test());
      }
    }
    this.expectOp('}');
    return { kind: 'dict', keys, values, ...pos };
  }

  private strings(): Expr {
    const first = this.peek();
    const parts: FStringPart[] = [];
    let isF = false;
    let isBytes: boolean | undefined;
    while (this.at('str')) {
      const t = this.next();
      const prefix = t.prefix ?? '';
      const b = prefix.includes('b');
      if (isBytes !== undefined && isBytes !== b)
        this.fail('cannot mix bytes and nonbytes literals', t);
      isBytes = b;
      if (prefix.includes('f')) {
        isF = true;
        parts.push(...parseFString(t.raw ?? '', prefix.includes('r'), t.line, t.col));
      } else {
        parts.push(t.value);
      }
    }
    const pos = { line: first.line, col: first.col };
    if (isBytes) {
      const text = parts.join('');
      for (const ch of text) {
        if ((ch.codePointAt(0) as number) > 127)
          this.fail('bytes can only contain ASCII literal characters', first);
      }
      return { kind: 'const', value: PyBytes.fromLatin1(text) as PyValue, ...pos };
    }
    if (!isF) return { kind: 'const', value: parts.join(''), ...pos };
    // merge adjacent literal parts
    const merged: FStringPart[] = [];
    for (const p of parts) {
      const last = merged[merged.length - 1];
      if (typeof p === 'string' && typeof last === 'string') merged[merged.length - 1] = last + p;
      else merged.push(p);
    }
    return { kind: 'fstring', parts: merged, ...pos };
  }
}

function parseIntLiteral(text: string): bigint {
  const lower = text.toLowerCase();
  if (lower.startsWith('0o')) return BigInt('0o' + text.slice(2));
  return BigInt(text);
}

/** Splits an f-string body into literal text and replacement fields (CPython 3.11 rules). */
function parseFString(body: string, raw: boolean, line: number, col: number): FStringPart[] {
  const parts: FStringPart[] = [];
  let lit = '';
  let i = 0;
  const flush = (): void => {
    if (lit) parts.push(raw ? lit : decodeEscapes(lit, false, line, col));
    lit = '';
  };
  while (i < body.length) {
    const c = body[i] as string;
    if (c === '{') {
      if (body[i + 1] === '{') {
        lit += '{';
        i += 2;
        continue;
      }
      flush();
      const [field, end] = parseField(body, i + 1, raw, line, col, 0);
      parts.push(field);
      i = end;
      continue;
    }
    if (c === '}') {
      if (body[i + 1] === '}') {
        lit += '}';
        i += 2;
        continue;
      }
      throw syntaxError("f-string: single '}' is not allowed", line, col);
    }
    if (c === '\\' && !raw && i + 1 < body.length) {
      lit += c + body[i + 1];
      i += 2;
      continue;
    }
    lit += c;
    i++;
  }
  flush();
  return parts;
}

/** Parses a replacement field starting after `{`; returns the part and the index after `}`. */
function parseField(
  body: string,
  start: number,
  raw: boolean,
  line: number,
  col: number,
  nesting: number,
): [FStringPart, number] {
  if (nesting > 1) throw syntaxError('f-string: expressions nested too deeply', line, col);
  // find the end of the expression: a top-level '!', ':', '=' (debug) or '}'
  let i = start;
  let depth = 0;
  let quote: string | null = null;
  while (i < body.length) {
    const c = body[i] as string;
    if (quote) {
      if (c === quote) quote = null;
      i++;
      continue;
    }
    if (c === '\\')
      throw syntaxError('f-string expression part cannot include a backslash', line, col);
    if (c === "'" || c === '"') {
      quote = c;
    } else if (c === '(' || c === '[' || c === '{') {
      depth++;
    } else if (c === ')' || c === ']' || c === '}') {
      if (depth === 0) {
        if (c !== '}') throw syntaxError(`f-string: unmatched '${c}'`, line, col);
        break;
      }
      depth--;
    } else if (depth === 0 && (c === ':' || (c === '!' && body[i + 1] !== '='))) {
      // a top-level ':' always starts the format spec (a walrus needs parentheses)
      break;
    } else if (
      depth === 0 &&
      c === '=' &&
      body[i + 1] !== '=' &&
      !'=!<>'.includes(body[i - 1] ?? '')
    ) {
      break;
    } else if (depth === 0 && c === '#') {
      throw syntaxError("f-string expression part cannot include '#'", line, col);
    }
    i++;
  }
  if (quote) throw syntaxError('f-string: unterminated string', line, col);
  if (i >= body.length) throw syntaxError("f-string: expecting '}'", line, col);
  const exprText = body.slice(start, i);
  if (exprText.trim() === '')
    throw syntaxError('f-string: empty expression not allowed', line, col);
  let debugText: string | null = null;
  if (body[i] === '=') {
    debugText = body.slice(start, i + 1);
    i++;
    while (body[i] === ' ') {
      debugText += ' ';
      i++;
    }
  }
  let expr: Expr;
  try {
    expr = parseExpression('(' + exprText + ')');
  } catch (e) {
    throw syntaxError('f-string: invalid syntax', line, col);
  }
  let conversion: 'r' | 's' | 'a' | null = null;
  if (body[i] === '!') {
    const conv = body[i + 1];
    if (conv !== 'r' && conv !== 's' && conv !== 'a') {
      throw syntaxError(
        "f-string: invalid conversion character: expected 's', 'r', or 'a'",
        line,
        col,
      );
    }
    conversion = conv;
    i += 2;
  }
  let spec: FStringPart[] | null = null;
  if (body[i] === ':') {
    i++;
    spec = [];
    let lit = '';
    while (i < body.length && body[i] !== '}') {
      const c = body[i] as string;
      if (c === '{') {
        if (lit) spec.push(raw ? lit : decodeEscapes(lit, false, line, col));
        lit = '';
        const [inner, end] = parseField(body, i + 1, raw, line, col, nesting + 1);
        spec.push(inner);
        i = end;
        continue;
      }
      lit += c;
      i++;
    }
    if (lit) spec.push(raw ? lit : decodeEscapes(lit, false, line, col));
  }
  if (body[i] !== '}') throw syntaxError("f-string: expecting '}'", line, col);
  if (debugText !== null && conversion === null && spec === null) conversion = 'r';
  return [{ expr, conversion, spec, debugText }, i + 1];
}

function describe(e: Expr): string {
  switch (e.kind) {
    case 'const':
      return e.value === null || typeof e.value === 'boolean'
        ? String(e.value === null ? 'None' : e.value ? 'True' : 'False')
        : 'literal';
    case 'call':
      return 'function call';
    case 'binop':
    case 'unary':
      return 'expression';
    case 'boolop':
      return 'expression';
    case 'compare':
      return 'comparison';
    case 'lambda':
      return 'lambda';
    case 'ifexp':
      return 'conditional expression';
    case 'fstring':
      return 'f-string expression';
    case 'dict':
      return 'dict literal';
    case 'set':
      return 'set display';
    case 'comp':
      return e.type === 'gen' ? 'generator expression' : `${e.type} comprehension`;
    case 'tuple':
      return 'tuple';
    case 'list':
      return 'list';
    default:
      return 'expression';
  }
}

function checkTarget(e: Expr, ctx: 'assign' | 'del' | 'for'): void {
  switch (e.kind) {
    case 'name':
      if (e.id === '__debug__') throw syntaxError('cannot assign to __debug__', e.line, e.col);
      return;
    case 'attr':
    case 'subscript':
      return;
    case 'tuple':
    case 'list': {
      let stars = 0;
      for (const elt of e.elts) {
        if (elt.kind === 'starred') {
          if (ctx === 'del') throw syntaxError('cannot delete starred', elt.line, elt.col);
          stars++;
          checkTarget(elt.value, ctx);
        } else {
          checkTarget(elt, ctx);
        }
      }
      if (stars > 1) throw syntaxError('multiple starred expressions in assignment', e.line, e.col);
      return;
    }
    case 'starred':
      if (ctx === 'del') throw syntaxError('cannot delete starred', e.line, e.col);
      throw syntaxError('starred assignment target must be in a list or tuple', e.line, e.col);
  }
  const verb = ctx === 'del' ? 'delete' : 'assign to';
  const what = describe(e);
  throw syntaxError(
    `cannot ${verb} ${what}${ctx === 'assign' && what !== 'literal' && e.kind !== 'const' ? " here. Maybe you meant '==' instead of '='?" : ''}`,
    e.line,
    e.col,
  );
}

/** Rejects `return`/`break`/`continue` outside their context, as CPython's compiler does. */
function checkContext(body: readonly Stmt[], inFunc: boolean, inLoop: boolean): void {
  for (const s of body) {
    if (!inFunc && (s.kind === 'expr' || s.kind === 'assign') && s.value.kind === 'yield') {
      throw syntaxError("'yield' outside function", s.line, s.col);
    }
    switch (s.kind) {
      case 'return':
        if (!inFunc) throw syntaxError("'return' outside function", s.line, s.col);
        break;
      case 'break':
        if (!inLoop) throw syntaxError("'break' outside loop", s.line, s.col);
        break;
      case 'continue':
        if (!inLoop) throw syntaxError("'continue' not properly in loop", s.line, s.col);
        break;
      case 'if':
        checkContext(s.body, inFunc, inLoop);
        checkContext(s.orelse, inFunc, inLoop);
        break;
      case 'while':
      case 'for':
        checkContext(s.body, inFunc, true);
        checkContext(s.orelse, inFunc, inLoop);
        break;
      case 'def':
        checkContext(s.body, true, false);
        break;
      case 'try':
        checkContext(s.body, inFunc, inLoop);
        for (const h of s.handlers) checkContext(h.body, inFunc, inLoop);
        checkContext(s.orelse, inFunc, inLoop);
        checkContext(s.finalbody, inFunc, inLoop);
        break;
    }
  }
}
