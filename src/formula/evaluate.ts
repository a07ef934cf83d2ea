/**
 * Evaluation of numeric formula expressions (`I(meanses^2)`, `log(y)`, `I((ses - 1)/2)`) over
 * the rows of a data set, column-at-a-time on `Float64Array`s.
 */
import { LmmError } from '../errors.js';
import { deparse } from './deparse.js';
import type { Expr } from './types.js';

/** An intermediate value: a whole column, or a constant. */
type Value = Float64Array | number;

/**
 * Supplies a numeric column by name, or `null` if the column exists but is not numeric
 * (a factor). Unknown names are the callback's to report (it may throw).
 */
export type ColumnLookup = (name: string) => Float64Array | null;

class Evaluator {
  private readonly cache = new Map<string, Float64Array>();

  constructor(
    private readonly column: ColumnLookup,
    private readonly n: number,
    private readonly label: string,
  ) {}

  /** Whether `v` is a data column (which must not be returned or modified in place). */
  isColumn(v: Value): boolean {
    if (typeof v === 'number') return false;
    for (const c of this.cache.values()) if (c === v) return true;
    return false;
  }

  /**
   * Where to write an element-wise result: an operand that is an intermediate result (not a
   * data column) is overwritten in place, otherwise a new array is allocated.
   */
  private target(a: Value, b: Value = 0): Float64Array {
    if (typeof a !== 'number' && !this.isColumn(a)) return a;
    if (typeof b !== 'number' && !this.isColumn(b)) return b;
    return new Float64Array(this.n);
  }

  lookup(name: string): Float64Array {
    const cached = this.cache.get(name);
    if (cached !== undefined) return cached;
    const values = this.column(name);
    if (values === null) {
      throw new LmmError('data', `${this.label} needs numeric columns: '${name}' is a factor`);
    }
    if (values.length !== this.n) {
      throw new Error(`internal: column '${name}' has ${values.length} rows, expected ${this.n}`);
    }
    this.cache.set(name, values);
    return values;
  }

  eval(expr: Expr): Value {
    switch (expr.kind) {
      case 'number':
        return expr.value;
      case 'name':
        return this.lookup(expr.name);
      case 'paren':
        return this.eval(expr.expr);
      case 'unary': {
        const v = this.eval(expr.arg);
        return expr.op === '+' ? v : this.map(v, NEGATE);
      }
      case 'call':
        return this.call(expr);
      case 'binary':
        return this.binary(expr.op, this.eval(expr.left), this.eval(expr.right), expr);
      case 'bar':
        throw new LmmError('formula', `cannot evaluate '${deparse(expr)}' as a number`);
    }
  }

  private call(expr: Extract<Expr, { kind: 'call' }>): Value {
    const args = expr.args.map((a) => this.eval(a));
    switch (expr.fn) {
      case 'I':
        return args[0];
      case 'log':
        if (args.length === 2) {
          return this.binary('/', this.map(args[0], LOG), this.map(args[1], LOG), expr);
        }
        return this.map(args[0], LOG);
      case 'exp':
        return this.map(args[0], EXP);
      case 'sqrt':
        return this.map(args[0], SQRT);
      case 'abs':
        return this.map(args[0], ABS);
      default:
        throw new LmmError('formula', `unsupported function '${expr.fn}' in '${this.label}'`);
    }
  }

  private map(v: Value, op: UnaryOp): Value {
    if (typeof v === 'number') return applyUnary(op, v);
    const out = this.target(v);
    switch (op) {
      case NEGATE:
        for (let i = 0; i < v.length; i++) out[i] = -v[i];
        break;
      case LOG:
        for (let i = 0; i < v.length; i++) out[i] = Math.log(v[i]);
        break;
      case EXP:
        for (let i = 0; i < v.length; i++) out[i] = Math.exp(v[i]);
        break;
      case SQRT:
        for (let i = 0; i < v.length; i++) out[i] = Math.sqrt(v[i]);
        break;
      case ABS:
        for (let i = 0; i < v.length; i++) out[i] = Math.abs(v[i]);
        break;
    }
    return out;
  }

  private binary(op: string, a: Value, b: Value, expr: Expr): Value {
    if (typeof a === 'number' && typeof b === 'number') return applyBinary(op, a, b, expr, this.label);
    const n = this.n;
    const out = this.target(a, b);
    if (typeof a === 'number') {
      const x = a;
      const y = b as Float64Array;
      switch (op) {
        case '+': for (let i = 0; i < n; i++) out[i] = x + y[i]; break;
        case '-': for (let i = 0; i < n; i++) out[i] = x - y[i]; break;
        case '*': for (let i = 0; i < n; i++) out[i] = x * y[i]; break;
        case '/': for (let i = 0; i < n; i++) out[i] = x / y[i]; break;
        case '^': for (let i = 0; i < n; i++) out[i] = pow(x, y[i]); break;
        default: throw badOperator(op, expr, this.label);
      }
    } else if (typeof b === 'number') {
      const x = a;
      const y = b;
      switch (op) {
        case '+': for (let i = 0; i < n; i++) out[i] = x[i] + y; break;
        case '-': for (let i = 0; i < n; i++) out[i] = x[i] - y; break;
        case '*': for (let i = 0; i < n; i++) out[i] = x[i] * y; break;
        case '/': for (let i = 0; i < n; i++) out[i] = x[i] / y; break;
        case '^':
          if (y === 2) for (let i = 0; i < n; i++) out[i] = x[i] * x[i];
          else for (let i = 0; i < n; i++) out[i] = pow(x[i], y);
          break;
        default: throw badOperator(op, expr, this.label);
      }
    } else {
      const x = a;
      const y = b;
      switch (op) {
        case '+': for (let i = 0; i < n; i++) out[i] = x[i] + y[i]; break;
        case '-': for (let i = 0; i < n; i++) out[i] = x[i] - y[i]; break;
        case '*': for (let i = 0; i < n; i++) out[i] = x[i] * y[i]; break;
        case '/': for (let i = 0; i < n; i++) out[i] = x[i] / y[i]; break;
        case '^': for (let i = 0; i < n; i++) out[i] = pow(x[i], y[i]); break;
        default: throw badOperator(op, expr, this.label);
      }
    }
    return out;
  }
}

const NEGATE = 0;
const LOG = 1;
const EXP = 2;
const SQRT = 3;
const ABS = 4;
type UnaryOp = typeof NEGATE | typeof LOG | typeof EXP | typeof SQRT | typeof ABS;

function applyUnary(op: UnaryOp, x: number): number {
  switch (op) {
    case NEGATE: return -x;
    case LOG: return Math.log(x);
    case EXP: return Math.exp(x);
    case SQRT: return Math.sqrt(x);
    case ABS: return Math.abs(x);
  }
}

/** R's `^`: like Math.pow, except that `1^y` and `x^0` are always 1. */
function pow(x: number, y: number): number {
  return x === 1 || y === 0 ? 1 : Math.pow(x, y);
}

function applyBinary(op: string, x: number, y: number, expr: Expr, label: string): number {
  switch (op) {
    case '+': return x + y;
    case '-': return x - y;
    case '*': return x * y;
    case '/': return x / y;
    case '^': return pow(x, y);
    default: throw badOperator(op, expr, label);
  }
}

function badOperator(op: string, expr: Expr, label: string): LmmError {
  return new LmmError('formula', `operator '${op}' cannot be evaluated in '${label}' ('${deparse(expr)}')`);
}

/**
 * Evaluate a numeric expression over `n` rows: names are numeric columns, and `+ - * / ^`,
 * unary minus, numbers, parentheses, `I()`, `log()` (natural, or `log(x, base)`), `exp()`,
 * `sqrt()` and `abs()` are computed element-wise. The result is a new array of length `n`
 * (never one of the columns themselves).
 *
 * @param expr the expression, e.g. a {@link Variable}'s `expr`
 * @param column numeric column by name; `null` for a non-numeric column (a factor)
 * @param n number of rows
 * @param label how messages name the expression (default: the expression itself)
 * @throws LmmError (kind `data`) naming the column when a column is not numeric.
 */
export function evaluateNumeric(expr: Expr, column: ColumnLookup, n: number, label = deparse(expr)): Float64Array {
  const evaluator = new Evaluator(column, n, label);
  const result = evaluator.eval(expr);
  if (typeof result === 'number') return new Float64Array(n).fill(result);
  return evaluator.isColumn(result) ? result.slice() : result;
}
