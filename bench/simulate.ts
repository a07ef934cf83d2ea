/**
 * Simulated benchmark datasets, generated with a fixed seed (samplers/rng), as arquero tables
 * with typed columns (the shape `loadTable` gives).
 */
import { gunzipSync } from 'node:zlib';
import { existsSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import * as aq from 'arquero';
import { tableFromCsv } from '../src/data/load.js';
import { createRng } from '../samplers/rng.js';

/**
 * y = 1 + 0.5x − 0.3z + a_g0 + a_g1·x + ε with `groups` equal groups: the `y ~ x + z + (x | g)`
 * design of the model-core and fitter benchmarks.
 */
export function simulateSlopes(n: number, groups: number, seed = 1): aq.ColumnTable {
  const rng = createRng(seed);
  const a0 = Float64Array.from({ length: groups }, () => 0.8 * rng.normal());
  const a1 = Float64Array.from({ length: groups }, () => 0.3 * rng.normal());
  const x = new Float64Array(n);
  const z = new Float64Array(n);
  const g = new Float64Array(n);
  const y = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    const j = i % groups;
    x[i] = rng.normal();
    z[i] = rng.uniform();
    g[i] = j + 1;
    y[i] = 1 + 0.5 * x[i] - 0.3 * z[i] + a0[j] + a1[j] * x[i] + rng.normal();
  }
  return aq.table({ y, x, z, g });
}

/** Exam-like data (mlmRev's Exam has 4,059 students in 65 schools): unequal school sizes. */
export function simulateExam(seed = 2): aq.ColumnTable {
  const rng = createRng(seed);
  const schools = 65;
  // Sizes between 2 and ~190 that add up to 4,059.
  const raw = Array.from({ length: schools }, () => Math.exp(1.2 * rng.normal()));
  const total = raw.reduce((a, b) => a + b, 0);
  const sizes = raw.map((r) => Math.max(2, Math.round((r / total) * 4059)));
  sizes[0] += 4059 - sizes.reduce((a, b) => a + b, 0);
  const n = 4059;
  const y = new Float64Array(n);
  const x = new Float64Array(n);
  const school = new Float64Array(n);
  let i = 0;
  sizes.forEach((size, j) => {
    const a0 = 0.3 * rng.normal();
    const a1 = 0.12 * rng.normal() + 0.3 * a0;
    for (let k = 0; k < size; k++, i++) {
      x[i] = rng.normal();
      school[i] = j + 1;
      y[i] = 0.6 * x[i] + a0 + a1 * x[i] + 0.75 * rng.normal();
    }
  });
  return aq.table({ y, x, school });
}

/** Two nested factors like mlmRev's Chem97: 31,022 pupils, 2,410 schools in 131 LEAs. */
export function simulateTwoFactors(seed = 3): aq.ColumnTable {
  const rng = createRng(seed);
  const n = 31022;
  const schools = 2410;
  const leas = 131;
  const leaOf = Int32Array.from({ length: schools }, (_, s) => s % leas);
  const aLea = Float64Array.from({ length: leas }, () => 0.4 * rng.normal());
  const aSchool = Float64Array.from({ length: schools }, () => 1.2 * rng.normal());
  const score = new Float64Array(n);
  const x = new Float64Array(n);
  const school = new Float64Array(n);
  const lea = new Float64Array(n);
  const sex: string[] = new Array(n);
  for (let i = 0; i < n; i++) {
    const s = Math.floor(rng.uniform() * schools);
    x[i] = rng.normal();
    sex[i] = rng.uniform() < 0.5 ? 'F' : 'M';
    school[i] = s + 1;
    lea[i] = leaOf[s] + 1;
    score[i] = 5 + 1.5 * x[i] + (sex[i] === 'M' ? -0.4 : 0) + aLea[leaOf[s]] + aSchool[s] + 2 * rng.normal();
  }
  return aq.table({ score, x, sex, lea, school });
}

/** InstEval from R's lme4 (73,421 ratings; 2,972 students × 1,128 lecturers × 14 departments). */
export function instEval(): aq.ColumnTable {
  // bench/data beside this file, or beside its compiled copy in dist/bench.
  const source = fileURLToPath(new URL('./data/insteval.csv.gz', import.meta.url));
  const file = existsSync(source) ? source : fileURLToPath(new URL('../../bench/data/insteval.csv.gz', import.meta.url));
  return tableFromCsv(gunzipSync(readFileSync(file)).toString('utf8'), 'insteval.csv.gz');
}
