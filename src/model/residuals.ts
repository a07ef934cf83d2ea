/**
 * Residual structures beyond σ²I, kept on cross-products (issue 15): AR(1) within groups
 * (nlme's `corAR1(form = ~ time | g)`) and a variance per stratum (nlme's
 * `varIdent(form = ~ 1 | s)`), alone or together: Var(e_i) = σ²δ²_{s(i)}, and within a group
 * Corr(e_i, e_j) = ρ^|t_i − t_j| for integer times.
 *
 * The whitened residuals are Markov: a group's first row (by time) gives e_1/δ_1, and each
 * later row t with predecessor p at gap d = t_t − t_p gives
 *
 *     e*_t = (e_t/δ_t − ρ^d e_p/δ_p) / √(1 − ρ^{2d}),
 *
 * so [Z X y]'V⁻¹[Z X y] = Σ_sets c_set(ρ, δ)·B_set over fixed cross-product sets B (computed
 * once, in one pass each): per stratum, the first rows; per (gap d, stratum of t, stratum of p),
 * the rows t (`current`), their predecessors (`previous`) and the sums row t + row p (`sum`),
 * with a_t b_p + a_p b_t = (a_t + a_p)(b_t + b_p) − a_t b_t − a_p b_p. An evaluation at new
 * (ρ, δ) combines the sets, O(blocks), whatever n. The Jacobian of the whitening is
 * log|V| = Σ_i 2 log δ_{s(i)} + Σ_pairs log(1 − ρ^{2d}).
 *
 * The blocks keep their structure only if a row and its predecessor are in the same level of
 * every random-effects term (the AR group is, or is nested in, each grouping factor): otherwise
 * refused.
 */
import { log, log1p } from '../../samplers/elementary.js';
import type * as aq from 'arquero';
import { LmmError } from '../errors.js';
import { crossProducts, type CrossProducts } from './crossprod.js';
import { rawColumn } from './frame.js';
import { modelRows, type MixedModel } from './model.js';

/** A parsed `--residuals` specification. */
export interface ResidualSpec {
  /** AR(1) within `group`, ordered by the integer `time`. */
  ar1?: { time: string; group: string };
  /** A residual SD per level of `stratum` (the first in sorted order is the reference, δ = 1, as nlme's). */
  variance?: { stratum: string };
  /** The text given (`ar1(Days | Subject) + var(Sex)`). */
  text: string;
}

/** Parse `ar1(time | g)`, `var(stratum)` or both joined by `+`. */
export function parseResidualSpec(text: string): ResidualSpec {
  const spec: ResidualSpec = { text: text.trim() };
  for (const part of text.split('+').map((s) => s.trim()).filter((s) => s.length > 0)) {
    let m = /^ar1\(\s*([A-Za-z_.][\w.]*)\s*\|\s*([A-Za-z_.][\w.]*)\s*\)$/.exec(part);
    if (m) {
      if (spec.ar1) throw new LmmError('option', `--residuals: ar1 given twice in '${text}'`);
      spec.ar1 = { time: m[1], group: m[2] };
      continue;
    }
    m = /^var\(\s*([A-Za-z_.][\w.]*)\s*\)$/.exec(part);
    if (m) {
      if (spec.variance) throw new LmmError('option', `--residuals: var given twice in '${text}'`);
      spec.variance = { stratum: m[1] };
      continue;
    }
    throw new LmmError('option', `--residuals: cannot read '${part}' (expected ar1(time | group) or var(stratum))`);
  }
  if (!spec.ar1 && !spec.variance) throw new LmmError('option', `--residuals: nothing given in '${text}'`);
  return spec;
}

/** One fixed cross-product set and what its coefficient depends on. */
export interface ResidualSet {
  kind: 'first' | 'current' | 'previous' | 'sum';
  /** Gap (0 for `first`), stratum of the row, stratum of its predecessor (−1 for `first`). */
  gap: number;
  stratum: number;
  previousStratum: number;
  blocks: CrossProducts;
}

/** The residual structure of a model: its sets, strata and pairs. */
export interface ResidualStructure {
  spec: ResidualSpec;
  /** Stratum levels (['all'] without `var`). */
  strata: string[];
  /** Rows per stratum, and each model row's stratum. */
  stratumRows: Int32Array;
  stratumOf: Int32Array;
  /** Number of (row, predecessor) pairs per gap. */
  pairsByGap: Map<number, number>;
  sets: ResidualSet[];
}

/** A column of the table on the model's rows, as numbers or labels. */
function modelColumn(table: aq.ColumnTable, model: MixedModel, name: string, what: string): { numeric: Float64Array | null; labels: string[] } {
  if (!table.columnNames().includes(name)) throw new LmmError('data', `--residuals: unknown column '${name}' (${what})`);
  const raw = rawColumn(table, name);
  const rowOf = (i: number) => (model.rows ? model.rows[i] : i);
  const labels: string[] = [];
  const numeric = raw.kind === 'numeric' ? new Float64Array(model.n) : null;
  for (let i = 0; i < model.n; i++) {
    const v = raw.values[rowOf(i)];
    if (v === null || v === undefined || (typeof v === 'number' && Number.isNaN(v)) || v === '') {
      throw new LmmError('data', `--residuals: column '${name}' (${what}) is missing in row ${rowOf(i) + 1}`);
    }
    if (numeric) numeric[i] = v as number;
    labels.push(String(v));
  }
  return { numeric, labels };
}

/** Build the fixed cross-product sets of a residual structure for a model fitted to `table`. */
export function residualStructure(table: aq.ColumnTable, model: MixedModel, spec: ResidualSpec): ResidualStructure {
  if (model.weighted) throw new LmmError('option', '--residuals cannot be combined with prior weights (--weights)');
  const { n, p } = model;
  const rows = modelRows(model, '--residuals');
  const terms = rows.terms;
  // Strata in sorted order (numbers numerically, labels as strings), the first the reference:
  // nlme's varIdent takes its reference so.
  let strata = ['all'];
  const stratumOf = new Int32Array(n);
  if (spec.variance) {
    const { numeric, labels } = modelColumn(table, model, spec.variance.stratum, 'variance stratum');
    const unique = [...new Set(labels)];
    if (numeric) unique.sort((a, b) => Number(a) - Number(b));
    else unique.sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
    const index = new Map(unique.map((l, k) => [l, k]));
    labels.forEach((l, i) => (stratumOf[i] = index.get(l)!));
    strata = unique;
  }
  const stratumRows = new Int32Array(strata.length);
  for (let i = 0; i < n; i++) stratumRows[stratumOf[i]]++;

  // Predecessor of each row within its AR group (−1: the group's first row), and the gap.
  const previous = new Int32Array(n).fill(-1);
  const gap = new Int32Array(n);
  if (spec.ar1) {
    const { numeric: time } = modelColumn(table, model, spec.ar1.time, 'ar1 time');
    if (!time) throw new LmmError('data', `--residuals: ar1 time column '${spec.ar1.time}' is not numeric`);
    const { labels: group } = modelColumn(table, model, spec.ar1.group, 'ar1 group');
    const byGroup = new Map<string, number[]>();
    for (let i = 0; i < n; i++) {
      if (!Number.isInteger(time[i])) throw new LmmError('data', `--residuals: ar1 time '${spec.ar1.time}' must be integer-valued (row ${(model.rows ? model.rows[i] : i) + 1} has ${time[i]})`);
      const rows = byGroup.get(group[i]) ?? [];
      rows.push(i);
      byGroup.set(group[i], rows);
    }
    for (const [g, rows] of byGroup) {
      rows.sort((a, b) => time[a] - time[b]);
      for (let r = 1; r < rows.length; r++) {
        const t = rows[r];
        const q = rows[r - 1];
        if (time[t] === time[q]) throw new LmmError('data', `--residuals: ar1 time '${spec.ar1.time}' repeats the value ${time[t]} within group '${g}' of '${spec.ar1.group}'`);
        previous[t] = q;
        gap[t] = time[t] - time[q];
      }
    }
    for (const term of terms) {
      for (let i = 0; i < n; i++) {
        if (previous[i] >= 0 && term.refs[i] !== term.refs[previous[i]]) {
          throw new LmmError('option', `--residuals: ar1 groups of '${spec.ar1.group}' must lie within the levels of every random-effects term; '${term.text}' changes level within a group`);
        }
      }
    }
  }
  const pairsByGap = new Map<number, number>();
  for (let i = 0; i < n; i++) if (previous[i] >= 0) pairsByGap.set(gap[i], (pairsByGap.get(gap[i]) ?? 0) + 1);

  // The centred, shifted rows the model's own blocks are made of (reparam.ts).
  const yc = new Float64Array(n);
  for (let i = 0; i < n; i++) yc[i] = rows.y[i] - (model.offset ? model.offset[i] : 0) - model.yShift;
  const Xc = Float64Array.from(rows.X, (v, k) => v - model.xCenter[k % p]);
  const sets: ResidualSet[] = [];
  const pass = (select: (i: number) => boolean, row: (i: number) => number[] | null, kind: ResidualSet['kind'], d: number, s: number, sp: number): void => {
    const weights = new Float64Array(n);
    const y = new Float64Array(n);
    const X = new Float64Array(n * p);
    const Zs = model.terms.map((t) => new Float64Array(n * t.q));
    for (let i = 0; i < n; i++) {
      if (!select(i)) continue;
      weights[i] = 1;
      for (const j of row(i)!) {
        y[i] += yc[j];
        for (let a = 0; a < p; a++) X[i * p + a] += Xc[j * p + a];
        terms.forEach((t, k) => {
          for (let r = 0; r < t.q; r++) Zs[k][i * t.q + r] += t.Z[j * t.q + r];
        });
      }
    }
    const blocks = crossProducts({ n, y, yShift: 0, X, p, terms: terms.map((t, k) => ({ refs: t.refs, Z: Zs[k], q: t.q, nlevels: t.nlevels })), weights });
    sets.push({ kind, gap: d, stratum: s, previousStratum: sp, blocks });
  };
  for (let s = 0; s < strata.length; s++) pass((i) => previous[i] < 0 && stratumOf[i] === s, (i) => [i], 'first', 0, s, -1);
  for (const d of pairsByGap.keys()) {
    for (let s = 0; s < strata.length; s++) {
      for (let sp = 0; sp < strata.length; sp++) {
        const select = (i: number) => previous[i] >= 0 && gap[i] === d && stratumOf[i] === s && stratumOf[previous[i]] === sp;
        let any = false;
        for (let i = 0; i < n && !any; i++) any = select(i);
        if (!any) continue;
        pass(select, (i) => [i], 'current', d, s, sp);
        pass(select, (i) => [previous[i]], 'previous', d, s, sp);
        pass(select, (i) => [i, previous[i]], 'sum', d, s, sp);
      }
    }
  }
  return { spec, strata, stratumRows, stratumOf, pairsByGap, sets };
}

/** Coefficient of each set at (ρ, δ): see the header. */
function coefficients(structure: ResidualStructure, rho: number, delta: Float64Array): Float64Array {
  return Float64Array.from(structure.sets, (set) => {
    const ds = delta[set.stratum];
    if (set.kind === 'first') return 1 / (ds * ds);
    const dp = delta[set.previousStratum];
    const rd = rho ** set.gap;
    const denom = 1 - rd * rd;
    const mixed = -rd / (ds * dp * denom);
    if (set.kind === 'sum') return mixed;
    if (set.kind === 'current') return 1 / (ds * ds * denom) - mixed;
    return (rd * rd) / (dp * dp * denom) - mixed;
  });
}

/** log|V| of the correlation-and-scale structure at (ρ, δ). */
export function logDetV(structure: ResidualStructure, rho: number, delta: Float64Array): number {
  let s = 0;
  structure.stratumRows.forEach((rows, k) => (s += 2 * rows * log(delta[k])));
  for (const [d, pairs] of structure.pairsByGap) s += pairs * log1p(-(rho ** (2 * d)));
  return s;
}

/** [Z X y]'V⁻¹[Z X y] at (ρ, δ), written into `out` (a cross-products object with the model's structure). */
export function combineSets(structure: ResidualStructure, rho: number, delta: Float64Array, out: CrossProducts): void {
  accumulateSets(structure.sets, coefficients(structure, rho, delta), out);
}

/**
 * Σ_set c_set·B_set into `out` for given coefficients (one per set, in `sets`' order): the
 * combination `combineSets` makes, for callers that compute the coefficients themselves (the
 * sampler, with its engine-independent arithmetic).
 */
export function accumulateSets(sets: readonly Pick<ResidualSet, 'blocks'>[], c: ArrayLike<number>, out: CrossProducts): void {
  out.XytXy.fill(0);
  out.terms.forEach((t) => {
    t.ZtZ.fill(0);
    t.ZtXy.fill(0);
  });
  for (const row of out.cross) for (const block of row) block?.values.fill(0);
  sets.forEach((set, s) => {
    const a = c[s];
    const b = set.blocks;
    for (let i = 0; i < out.XytXy.length; i++) out.XytXy[i] += a * b.XytXy[i];
    out.terms.forEach((t, k) => {
      const src = b.terms[k];
      for (let i = 0; i < t.ZtZ.length; i++) t.ZtZ[i] += a * src.ZtZ[i];
      for (let i = 0; i < t.ZtXy.length; i++) t.ZtXy[i] += a * src.ZtXy[i];
    });
    out.cross.forEach((row, l) =>
      row.forEach((block, k) => {
        if (!block) return;
        const src = b.cross[l][k].values;
        for (let i = 0; i < block.values.length; i++) block.values[i] += a * src[i];
      }),
    );
  });
}

/** A cross-products object with the structure of `cp` and zeros (combineSets writes into it). */
export function emptyLike(cp: CrossProducts): CrossProducts {
  return {
    ...cp,
    terms: cp.terms.map((t) => ({ ZtZ: new Float64Array(t.ZtZ.length), ZtXy: new Float64Array(t.ZtXy.length) })),
    cross: cp.cross.map((row) => row.map((block) => (block ? { ...block, values: new Float64Array(block.values.length) } : block))),
    XytXy: new Float64Array(cp.XytXy.length),
  };
}
