/**
 * SQL text for the model frame: quoting, numeric formula expressions as SQL with R's
 * semantics (src/formula/evaluate.ts is the in-memory twin), and the design columns of
 * src/model/designColumns.ts as SQL expressions. Pure string building: no engine is touched.
 */
import { LmmError } from '../errors.js';
import { deparse } from '../formula/deparse.js';
import type { Expr } from '../formula/types.js';
import type { DesignColumn } from '../model/designColumns.js';

/** What differs between the SQL engines the text is written for. */
export interface Dialect {
  name: 'duckdb' | 'spark' | 'trino';
  /** A quoted identifier. */
  ident(name: string): string;
  /** A literal of a non-finite double (±Inf, NaN). */
  special(value: number): string;
  /** An array of doubles. */
  list(items: string[]): string;
  /** The NaN test of a double. */
  isnan: string;
  /** The text type of CAST. */
  text: string;
}

const quoted = (q: string) => (name: string) => `${q}${name.split(q).join(q + q)}${q}`;

/** The dialects `lmm crossprod --emit-sql` writes; DuckDB's is also the one lmm runs itself. */
export const DIALECTS: Record<Dialect['name'], Dialect> = {
  duckdb: { name: 'duckdb', ident: quoted('"'), special: (v) => `CAST('${Number.isNaN(v) ? 'nan' : v > 0 ? 'inf' : '-inf'}' AS DOUBLE)`, list: (items) => `[${items.join(', ')}]`, isnan: 'isnan', text: 'VARCHAR' },
  spark: { name: 'spark', ident: quoted('`'), special: (v) => `CAST('${Number.isNaN(v) ? 'NaN' : v > 0 ? 'Infinity' : '-Infinity'}' AS DOUBLE)`, list: (items) => `array(${items.join(', ')})`, isnan: 'isnan', text: 'STRING' },
  trino: { name: 'trino', ident: quoted('"'), special: (v) => (Number.isNaN(v) ? 'nan()' : v > 0 ? 'infinity()' : '-infinity()'), list: (items) => `ARRAY[${items.join(', ')}]`, isnan: 'is_nan', text: 'VARCHAR' },
};

let dialect: Dialect = DIALECTS.duckdb;

/** Build SQL text for another dialect (synchronous builders only: the dialect is restored after `build`). */
export function inDialect<T>(d: Dialect, build: () => T): T {
  const saved = dialect;
  dialect = d;
  try {
    return build();
  } finally {
    dialect = saved;
  }
}

/** The dialect SQL is being written for. */
export function currentDialect(): Dialect {
  return dialect;
}

/** A quoted SQL identifier. */
export function ident(name: string): string {
  return dialect.ident(name);
}

/** A quoted SQL string literal. */
export function text(value: string): string {
  return `'${value.replace(/'/g, "''")}'`;
}

/**
 * A DOUBLE literal that parses to exactly `value` (JS's shortest round-trip decimal, read as a
 * string so that the engine does not first make a DECIMAL of it).
 */
export function double(value: number): string {
  return Number.isFinite(value) ? `CAST('${String(value)}' AS DOUBLE)` : dialect.special(value);
}

/** How a data column is read: numbers, or labels (strings; booleans as R's TRUE/FALSE). */
export type ColumnKind = 'numeric' | 'string';

/** The SQL of a column read as DOUBLE or as text. */
export function columnSql(name: string, kind: ColumnKind, type: string): string {
  if (kind === 'numeric') return `CAST(${ident(name)} AS DOUBLE)`;
  if (/^BOOL/i.test(type)) return `CASE WHEN ${ident(name)} IS NULL THEN NULL WHEN ${ident(name)} THEN 'TRUE' ELSE 'FALSE' END`;
  return /^(VARCHAR|STRING|TEXT|CHAR)/i.test(type) ? ident(name) : `CAST(${ident(name)} AS ${dialect.text})`;
}

/** Whether a DuckDB column type is read as numbers (R: a numeric column). */
export function isNumericType(type: string): boolean {
  return /^(TINYINT|SMALLINT|INT|INTEGER|BIGINT|LONG|SHORT|BYTE|HUGEINT|UTINYINT|USMALLINT|UINTEGER|UBIGINT|UHUGEINT|FLOAT|DOUBLE|REAL|DECIMAL.*|NUMERIC.*)$/i.test(type.trim());
}

/** A value is missing (R's NA or NaN). */
export function missingSql(sql: string, numeric: boolean): string {
  return numeric ? `(${sql} IS NULL OR ${dialect.isnan}(${sql}))` : `(${sql} IS NULL)`;
}

/**
 * A numeric formula expression as SQL, with R's arithmetic: `log` of 0 is −Inf and of a
 * negative number NaN, `sqrt` of a negative number NaN (DuckDB raises errors there), `1^y` and
 * `x^0` are 1, and `x^2` is `x·x` as in the in-memory evaluator. `column` gives a numeric
 * column's SQL, or null for a factor (then the expression is refused as in memory).
 */
export function numericSql(expr: Expr, column: (name: string) => string | null, label = deparse(expr)): string {
  const go = (e: Expr): string => {
    switch (e.kind) {
      case 'number':
        return double(e.value);
      case 'name': {
        const sql = column(e.name);
        if (sql === null) throw new LmmError('data', `${label} needs numeric columns: '${e.name}' is a factor`);
        return sql;
      }
      case 'paren':
        return go(e.expr);
      case 'unary':
        return e.op === '+' ? go(e.arg) : `(-${go(e.arg)})`;
      case 'call':
        return call(e);
      case 'binary':
        return binary(e);
      case 'bar':
        throw new LmmError('formula', `cannot evaluate '${deparse(e)}' as a number`);
    }
  };
  const ln = (x: string) => `(CASE WHEN ${dialect.isnan}(${x}) THEN ${x} WHEN ${x} > 0 THEN ln(${x}) WHEN ${x} = 0 THEN ${double(-Infinity)} ELSE ${double(NaN)} END)`;
  const call = (e: Extract<Expr, { kind: 'call' }>): string => {
    const args = e.args.map(go);
    switch (e.fn) {
      case 'I':
        return args[0];
      case 'log':
        return args.length === 2 ? `(${ln(args[0])} / ${ln(args[1])})` : ln(args[0]);
      case 'exp':
        return `exp(${args[0]})`;
      case 'sqrt':
        return `(CASE WHEN ${dialect.isnan}(${args[0]}) THEN ${args[0]} WHEN ${args[0]} >= 0 THEN sqrt(${args[0]}) ELSE ${double(NaN)} END)`;
      case 'abs':
        return `abs(${args[0]})`;
      default:
        throw new LmmError('formula', `unsupported function '${e.fn}' in '${label}'`);
    }
  };
  const binary = (e: Extract<Expr, { kind: 'binary' }>): string => {
    const a = go(e.left);
    if (e.op === '^' && e.right.kind === 'number' && e.right.value === 2) return `(${a} * ${a})`;
    const b = go(e.right);
    switch (e.op) {
      case '+':
      case '-':
      case '*':
      case '/':
        return `(${a} ${e.op} ${b})`;
      case '^':
        return `(CASE WHEN ${a} = 1 OR ${b} = 0 THEN ${double(1)} ELSE pow(${a}, ${b}) END)`;
      default:
        throw new LmmError('formula', `operator '${e.op}' cannot be evaluated in '${label}' ('${deparse(e)}')`);
    }
  };
  return go(expr);
}

/** A frame variable as SQL: numeric, the columns of a matrix (poly), or a factor's value and its levels' values. */
export type SqlVariable =
  | { kind: 'numeric'; sql: string }
  | { kind: 'matrix'; columns: string[]; suffixes: string[] }
  | { kind: 'factor'; sql: string; numeric: boolean; levels: string[]; values: (string | number)[] };

/** The SQL of a design column: Π numeric parts, times the indicator of its factor levels. */
export function designColumnSql(column: DesignColumn, variables: ReadonlyMap<string, SqlVariable>): string {
  const numeric = column.numeric.map(({ label, column: k }) => {
    const v = variables.get(label) as SqlVariable;
    return v.kind === 'matrix' ? v.columns[k as number] : (v as { sql: string }).sql;
  });
  const product = numeric.length === 0 ? double(1) : numeric.join(' * ');
  if (column.levels.length === 0) return numeric.length <= 1 ? product : `(${product})`;
  const conditions = column.levels.map(({ label, level }) => {
    const v = variables.get(label) as Extract<SqlVariable, { kind: 'factor' }>;
    const value = v.values[level];
    return `${v.sql} = ${typeof value === 'number' ? double(value) : text(value)}`;
  });
  return `(CASE WHEN ${conditions.join(' AND ')} THEN ${product} ELSE ${double(0)} END)`;
}
