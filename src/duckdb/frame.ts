/**
 * The model frame computed by SQL aggregation (src/model/frame.ts is the in-memory twin, whose
 * rules this follows): the variables a formula uses as SQL expressions, `poly()`/`scale()`
 * coefficients from aggregate passes over every row of their column (R's model.frame evaluates
 * them before dropping incomplete rows), the complete-case predicate, and the levels of every
 * factor in R's order, found by GROUP BY in the engine. No row reaches JavaScript.
 */
import { LmmError, closestName } from '../errors.js';
import type { ParsedFormula, Variable } from '../formula/types.js';
import { compareLevels, formatLevel } from '../model/factor.js';
import type { Transform } from '../model/transforms.js';
import { columnSql, double, ident, isNumericType, missingSql, numericSql, type ColumnKind, type SqlVariable } from './sql.js';

/** Runs one query and returns its rows (numbers as JS numbers, BIGINT as bigint, text as strings). */
export type RunQuery = (sql: string) => Promise<unknown[][]>;

/** A relation to read: SQL text usable after FROM, and its columns with DuckDB type names. */
export interface SqlSource {
  from: string;
  columns: { name: string; type: string }[];
  /** How messages name it. */
  label: string;
}

/** A grouping factor: the SQL of its columns and whether each is numeric (its levels come with the blocks). */
export interface SqlGroup {
  label: string;
  sql: string[];
  /** The GROUP BY expressions of its columns (see groupKey). */
  by: string[];
  numeric: boolean[];
}

/**
 * What a grouping column is grouped by: an integer or text column by its own values (the same
 * groups as its DOUBLE or text reading, and DuckDB's perfect hash aggregate applies to a small
 * integer range), any other column by its SQL reading. Integers beyond ±2^53, which a JS number
 * cannot tell apart, are out of this path's reach on either side.
 */
function groupKey(name: string, type: string, reading: string): string {
  return /^(TINYINT|SMALLINT|INT|INTEGER|BIGINT|UTINYINT|USMALLINT|UINTEGER|UBIGINT|VARCHAR)$/i.test(type.trim()) ? ident(name) : reading;
}

/** The frame: variables, complete-case predicate, factor levels, notes' facts. */
export interface SqlFrame {
  variables: Map<string, SqlVariable>;
  /** SQL predicate of a complete row. */
  keep: string;
  n: number;
  nTotal: number;
  groups: Map<string, SqlGroup>;
  lostLevels: Map<string, string[]>;
  transforms: Map<string, Transform>;
  /** SQL of the summed offsets, or null. */
  offset: string | null;
  /** SQL of the weights, or null. */
  weights: string | null;
}

/** A value from the engine as a JS number (BIGINT/HUGEINT come as bigint). */
export function toNumber(v: unknown): number {
  return typeof v === 'bigint' ? Number(v) : v === null ? NaN : (v as number);
}

/** The key of a tuple of engine values, for maps from group values to level indices. */
export function levelKey(values: readonly unknown[]): string {
  return JSON.stringify(values.map((v) => (typeof v === 'bigint' ? Number(v) : typeof v === 'number' && !Number.isFinite(v) ? String(v) : v)));
}

/** Build the model frame of `formula` over `source` by aggregate queries. */
export async function sqlFrame(run: RunQuery, source: SqlSource, formula: ParsedFormula, weights?: string): Promise<SqlFrame> {
  const names = source.columns.map((c) => c.name);
  const typeOf = new Map(source.columns.map((c) => [c.name, c.type]));
  const kindOf = (name: string): ColumnKind => (isNumericType(typeOf.get(name) as string) ? 'numeric' : 'string');
  const raw = (name: string) => columnSql(name, kindOf(name), typeOf.get(name) as string);
  const from = source.from;

  const variables = new Map<string, Variable>();
  const offsets = formula.fixed.offsets ?? [];
  for (const v of [formula.response, ...formula.fixed.variables, ...offsets, ...formula.random.flatMap((r) => r.effects.variables)]) {
    if (!variables.has(v.label)) variables.set(v.label, v);
  }
  const groupColumns = [...new Set(formula.random.flatMap((r) => r.groupColumns))];
  for (const column of [...[...variables.values()].flatMap((v) => v.columns), ...groupColumns]) {
    if (!typeOf.has(column)) {
      const hint = closestName(column, names);
      throw new LmmError('data', `unknown column '${column}' in formula${hint ? ` (did you mean '${hint}'?)` : ''}`);
    }
  }
  if (weights !== undefined && !typeOf.has(weights)) {
    const hint = closestName(weights, names);
    throw new LmmError('data', `unknown weights column '${weights}'${hint ? ` (did you mean '${hint}'?)` : ''}`);
  }
  if (weights !== undefined && kindOf(weights) !== 'numeric') throw new LmmError('data', `weights column '${weights}' is not numeric (it has type ${typeOf.get(weights)})`);
  const numericColumn = (name: string) => (kindOf(name) === 'numeric' ? raw(name) : null);

  // Variables as SQL; poly()/scale() coefficients from passes over all rows of their column.
  const transforms = new Map<string, Transform>();
  const sqlVariables = new Map<string, SqlVariable | { kind: 'pendingFactor'; sql: string; numeric: boolean }>();
  for (const [label, v] of variables) {
    if (v.expr.kind === 'name') {
      const name = v.expr.name;
      sqlVariables.set(label, kindOf(name) === 'numeric' ? { kind: 'numeric', sql: raw(name) } : { kind: 'pendingFactor', sql: raw(name), numeric: false });
      continue;
    }
    const fn = v.fn;
    if (fn === undefined) {
      sqlVariables.set(label, { kind: 'numeric', sql: numericSql(v.expr, numericColumn) });
      continue;
    }
    switch (fn.kind) {
      case 'offset':
        sqlVariables.set(label, { kind: 'numeric', sql: numericSql(fn.arg, numericColumn, label) });
        break;
      case 'factor':
        if (fn.arg.kind === 'name') {
          const name = fn.arg.name;
          sqlVariables.set(label, { kind: 'pendingFactor', sql: raw(name), numeric: kindOf(name) === 'numeric' });
        } else {
          sqlVariables.set(label, { kind: 'pendingFactor', sql: numericSql(fn.arg, numericColumn), numeric: true });
        }
        break;
      case 'scale': {
        const x = numericSql(fn.arg, numericColumn, label);
        const transform = await scaleTransform(run, from, x, fn.center, fn.scale);
        transforms.set(label, transform);
        sqlVariables.set(label, { kind: 'numeric', sql: `((${x} - ${double(transform.center ?? 0)}) / ${double(transform.scale ?? 1)})` });
        break;
      }
      case 'poly': {
        const x = numericSql(fn.arg, numericColumn, label);
        const suffixes = Array.from({ length: fn.degree }, (_, j) => String(j + 1));
        if (fn.raw) {
          const columns: string[] = [];
          for (let j = 1; j <= fn.degree; j++) columns.push(j === 1 ? x : `(${Array.from({ length: j }, () => x).join(' * ')})`);
          sqlVariables.set(label, { kind: 'matrix', columns, suffixes });
        } else {
          const { transform, columns } = await polyTransform(run, from, x, fn.degree, label);
          transforms.set(label, transform);
          sqlVariables.set(label, { kind: 'matrix', columns, suffixes });
        }
        break;
      }
    }
  }
  const response = sqlVariables.get(formula.response.label);
  if (response && response.kind !== 'numeric') {
    if (response.kind === 'pendingFactor' && formula.response.expr.kind === 'name') {
      const example = (await run(`SELECT ${response.sql} FROM ${from} WHERE ${response.sql} IS NOT NULL LIMIT 1`))[0]?.[0];
      throw new LmmError('data', `response '${formula.response.label}' is not numeric (it holds text such as '${example}')`);
    }
    throw new LmmError('data', `the response '${formula.response.label}' must be a numeric column or expression`);
  }

  // Complete cases over every used variable and grouping column.
  const missing: { label: string; sql: string }[] = [];
  for (const [label, v] of sqlVariables) {
    if (v.kind === 'matrix') for (const c of v.columns) missing.push({ label, sql: missingSql(c, true) });
    else missing.push({ label, sql: missingSql(v.sql, v.kind === 'numeric' || (v.kind === 'pendingFactor' && v.numeric)) });
  }
  for (const name of groupColumns) missing.push({ label: name, sql: missingSql(raw(name), kindOf(name) === 'numeric') });
  const weightsSql = weights === undefined ? null : raw(weights);
  if (weightsSql) missing.push({ label: `weights column '${weights}'`, sql: missingSql(weightsSql, true) });
  let keep = missing.length === 0 ? 'TRUE' : `NOT (${missing.map((m) => m.sql).join(' OR ')})`;

  // Counts, and infinite values in kept rows (lme4: "NA/NaN/Inf in 'y'").
  const infinite: { label: string; sql: string }[] = [];
  for (const [label, v] of sqlVariables) {
    if (v.kind === 'numeric') infinite.push({ label, sql: v.sql });
    else if (v.kind === 'matrix') for (const c of v.columns) infinite.push({ label, sql: c });
  }
  if (weightsSql && weights !== undefined) infinite.push({ label: `weights column '${weights}'`, sql: weightsSql });
  const countRow = (await run(`SELECT count(*), count(*) FILTER (WHERE ${keep})${infinite.map((c) => `, count(*) FILTER (WHERE (${keep}) AND isinf(${c.sql}))`).join('')}${missing.map((m) => `, bool_or(${m.sql})`).join('')} FROM ${from}`))[0];
  const nTotal = toNumber(countRow[0]);
  const n = toNumber(countRow[1]);
  infinite.forEach((c, k) => {
    const count = toNumber(countRow[2 + k]);
    if (count > 0) throw new LmmError('data', `'${c.label}' is infinite in ${count} row${count > 1 ? 's' : ''}; remove or recode infinite values`);
  });
  if (n === 0) {
    const labels = [...new Set(missing.filter((_, k) => countRow[2 + infinite.length + k] === true).map((m) => m.label))];
    throw new LmmError('data', `no rows left after dropping rows with missing values in ${labels.map((m) => `'${m}'`).join(', ')}`);
  }

  // Every row complete: the predicate is TRUE on every row, so the passes below need not test it.
  if (n === nTotal) keep = 'TRUE';

  // Factor levels in R's order, from the kept rows; levels only in dropped rows for the notes.
  const lostLevels = new Map<string, string[]>();
  const finalVariables = new Map<string, SqlVariable>();
  const factorValues = async (sql: string, numeric: boolean, lostName: string | null): Promise<{ levels: string[]; values: (string | number)[] }> => {
    const rows = await run(`SELECT ${sql}, bool_or(${keep}) FROM ${from} WHERE ${sql} IS NOT NULL${numeric ? ` AND NOT isnan(${sql})` : ''} GROUP BY 1`);
    const kept = rows.filter((r) => r[1] === true).map((r) => (numeric ? toNumber(r[0]) : String(r[0])));
    if (lostName !== null && n < nTotal) {
      const lost = rows.filter((r) => r[1] !== true).map((r) => (numeric ? toNumber(r[0]) : String(r[0])));
      if (lost.length > 0) lostLevels.set(lostName, sortValues(lost, numeric).map((v) => (typeof v === 'number' ? formatLevel(v) : v)));
    }
    const values = sortValues(kept, numeric);
    return { levels: values.map((v) => (typeof v === 'number' ? formatLevel(v) : v)), values };
  };
  for (const [label, v] of sqlVariables) {
    if (v.kind !== 'pendingFactor') {
      finalVariables.set(label, v);
      continue;
    }
    const plainText = variables.get(label)?.expr.kind === 'name' && !v.numeric;
    const { levels, values } = await factorValues(v.sql, v.numeric, plainText ? label : null);
    finalVariables.set(label, { kind: 'factor', sql: v.sql, numeric: v.numeric, levels, values });
  }
  // The grouping factors' levels come with the blocks (one row per level, docs/LMMX.md); a pass
  // over a grouping column here is needed only for the levels that dropped rows lose.
  if (n < nTotal) for (const name of groupColumns) if (!lostLevels.has(name)) await factorValues(raw(name), kindOf(name) === 'numeric', name);
  const groups = new Map<string, SqlGroup>();
  for (const r of formula.random) {
    if (!groups.has(r.group)) groups.set(r.group, { label: r.group, sql: r.groupColumns.map(raw), by: r.groupColumns.map((c) => groupKey(c, typeOf.get(c) as string, raw(c))), numeric: r.groupColumns.map((c) => kindOf(c) === 'numeric') });
  }
  const offsetSql = offsets.length === 0 ? null : offsets.map((o) => (finalVariables.get(o.label) as { sql: string }).sql).join(' + ');
  return { variables: finalVariables, keep, n, nTotal, groups, lostLevels, transforms, offset: offsetSql === null ? null : `(${offsetSql})`, weights: weightsSql };
}

/** Distinct values in R's order: numbers numerically, text as R sorts it. */
function sortValues(values: (string | number)[], numeric: boolean): (string | number)[] {
  return numeric ? (values as number[]).sort((a, b) => a - b) : (values as string[]).sort(compareLevels);
}

/** R's `scale(x, center, scale)` coefficients over the non-missing values of every row (transforms.ts's `scaleColumn`). */
async function scaleTransform(run: RunQuery, from: string, x: string, center: boolean | number, scale: boolean | number): Promise<Extract<Transform, { kind: 'scale' }>> {
  const present = `NOT ${missingSql(x, true)}`;
  let c: number | null = null;
  if (center === true) c = toNumber((await run(`SELECT avg(${x}) FROM ${from} WHERE ${present}`))[0][0]);
  else if (typeof center === 'number') c = center;
  let d: number | null = null;
  if (scale === true) {
    const [ss, m] = (await run(`SELECT sum((${x} - ${double(c ?? 0)}) * (${x} - ${double(c ?? 0)})), count(*) FROM ${from} WHERE ${present}`))[0];
    d = Math.sqrt(toNumber(ss) / Math.max(1, toNumber(m) - 1));
  } else if (typeof scale === 'number') {
    d = scale;
  }
  return { kind: 'scale', center: c, scale: d };
}

/**
 * R's `poly(x, degree)` coefficients over every row (transforms.ts's `polyBasis`): the
 * three-term recurrence of the monic orthogonal polynomials in x − x̄, one aggregate pass per
 * degree, p_{j+1} = (x − x̄ − a_j) p_j − (‖p_j‖²/‖p_{j−1}‖²) p_{j−1} with
 * a_j = Σ(x − x̄)p_j²/‖p_j‖²; the basis columns are p_j/‖p_j‖.
 */
async function polyTransform(run: RunQuery, from: string, x: string, degree: number, label: string): Promise<{ transform: Extract<Transform, { kind: 'poly' }>; columns: string[] }> {
  const [missing, distinct, mean] = (await run(`SELECT count(*) FILTER (WHERE ${missingSql(x, true)}), count(DISTINCT ${x}), avg(${x}) FROM ${from}`))[0];
  if (toNumber(missing) > 0) {
    throw new LmmError('data', `${label}: missing values are not allowed in 'poly' (R refuses them too); drop the rows with a missing value in its column first`);
  }
  if (degree >= toNumber(distinct)) throw new LmmError('data', `${label}: the degree (${degree}) must be less than the number of distinct values (${toNumber(distinct)})`);
  const xbar = toNumber(mean);
  const xc = `(${x} - ${double(xbar)})`;
  const a: number[] = [];
  const norm2 = [1];
  // p[j] as SQL (monic in x − x̄).
  const p: string[] = [double(1)];
  const polynomial = (j: number): string => {
    if (j === 1) return `(${xc} - ${double(a[0])})`;
    const ratio = norm2[j] / norm2[j - 1];
    return `((${xc} - ${double(a[j - 1])}) * ${p[j - 1]} - ${double(ratio)} * ${p[j - 2]})`;
  };
  for (let j = 0; j <= degree; j++) {
    if (j > 0) p.push(polynomial(j));
    const [ss, sx] = (await run(`SELECT sum(${p[j]} * ${p[j]}), sum(${xc} * ${p[j]} * ${p[j]}) FROM ${from}`))[0].map(toNumber);
    norm2.push(ss);
    if (j < degree) a.push(sx / ss);
  }
  const columns = p.slice(1).map((pj, j) => `(${pj} / ${double(Math.sqrt(norm2[j + 2]))})`);
  return { transform: { kind: 'poly', alpha: a.map((v) => v + xbar), norm2 }, columns };
}

/**
 * The frame of `formula` without reading any data, for SQL that another engine runs
 * (`lmm crossprod --emit-sql`): the variables as SQL, the complete-case predicate and the
 * grouping columns. What needs the data before the sums can be written is refused: factor
 * variables in the model's columns (their levels make the design columns) and `poly()`/`scale()`
 * (their coefficients come from a pass over the column).
 */
export function staticFrame(source: Pick<SqlSource, 'columns'>, formula: ParsedFormula, weights?: string): Pick<SqlFrame, 'variables' | 'keep' | 'offset' | 'weights'> & { groups: Map<string, { sql: string[]; numeric: boolean[] }> } {
  const names = source.columns.map((c) => c.name);
  const typeOf = new Map(source.columns.map((c) => [c.name, c.type]));
  const kindOf = (name: string): ColumnKind => (isNumericType(typeOf.get(name) as string) ? 'numeric' : 'string');
  const raw = (name: string) => columnSql(name, kindOf(name), typeOf.get(name) as string);
  const variables = new Map<string, Variable>();
  const offsets = formula.fixed.offsets ?? [];
  for (const v of [formula.response, ...formula.fixed.variables, ...offsets, ...formula.random.flatMap((r) => r.effects.variables)]) {
    if (!variables.has(v.label)) variables.set(v.label, v);
  }
  const groupColumns = [...new Set(formula.random.flatMap((r) => r.groupColumns))];
  for (const column of [...[...variables.values()].flatMap((v) => v.columns), ...groupColumns, ...(weights === undefined ? [] : [weights])]) {
    if (!typeOf.has(column)) {
      const hint = closestName(column, names);
      throw new LmmError('data', `unknown column '${column}'${hint ? ` (did you mean '${hint}'?)` : ''}: --columns lists ${names.join(', ')}`);
    }
  }
  const numericColumn = (name: string) => (kindOf(name) === 'numeric' ? raw(name) : null);
  const sqlVariables = new Map<string, SqlVariable>();
  for (const [label, v] of variables) {
    const fn = v.fn;
    if (fn && fn.kind !== 'offset') {
      throw new LmmError('formula', `--emit-sql: '${label}' needs a pass over the data first (${fn.kind === 'factor' ? 'its levels make the design columns' : 'its coefficients come from the whole column'}); compute the cross-products with lmm crossprod --data instead`);
    }
    if (v.expr.kind === 'name' && kindOf(v.expr.name) !== 'numeric') {
      throw new LmmError('formula', `--emit-sql: '${label}' is a text column, a factor whose levels make the design columns; compute the cross-products with lmm crossprod --data instead`);
    }
    sqlVariables.set(label, { kind: 'numeric', sql: numericSql(fn ? fn.arg : v.expr, numericColumn, label) });
  }
  const missing = [...sqlVariables.values()].map((v) => missingSql((v as { sql: string }).sql, true));
  for (const name of groupColumns) missing.push(missingSql(raw(name), kindOf(name) === 'numeric'));
  if (weights !== undefined && kindOf(weights) !== 'numeric') throw new LmmError('data', `weights column '${weights}' is not numeric (it has type ${typeOf.get(weights)})`);
  const weightsSql = weights === undefined ? null : raw(weights);
  if (weightsSql) missing.push(missingSql(weightsSql, true));
  const groups = new Map<string, { sql: string[]; numeric: boolean[] }>();
  for (const r of formula.random) groups.set(r.group, { sql: r.groupColumns.map(raw), numeric: r.groupColumns.map((c) => kindOf(c) === 'numeric') });
  const offsetSql = offsets.length === 0 ? null : `(${offsets.map((o) => (sqlVariables.get(o.label) as { sql: string }).sql).join(' + ')})`;
  return { variables: sqlVariables, keep: missing.length === 0 ? 'TRUE' : `NOT (${missing.join(' OR ')})`, offset: offsetSql, weights: weightsSql, groups };
}
