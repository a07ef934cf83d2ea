import { backSolve, lowerInverse, lowerTriangularInverse } from '../linalg/dense.js';
import type { BlockedCholesky } from './blocked.js';
import { firstTermLevelRows } from '../model/crossprod.js';

/** The estimates implied by a factored θ: β, spherical u, conditional modes b = Λu, and more. */
export interface Solution {
  /** Fixed effects for the (possibly shifted) response of the cross-products. */
  beta: Float64Array;
  /** Spherical random effects u, per term, level-major (level j, column r at j*q + r). */
  u: Float64Array[];
  /** Conditional modes b = Λu per term, level-major. */
  b: Float64Array[];
}

/**
 * A standard-normal perturbation of the conditional mode: `z` has one entry per random effect
 * (terms in lme4 order, level-major) followed by the p fixed effects, scaled by `scale` (= σ).
 */
export interface Perturbation {
  z: Float64Array;
  scale: number;
  /**
   * Whether the response row l_y enters the right-hand side (default true). With false, `solve`
   * returns x = scale·L^{-T}z alone: a column of L^{-T} when z is a unit vector.
   */
  response?: boolean;
}

/** The rest's random effects while `solve` works (copied into the result at the end). */
let restScratch = new Float64Array(0);

/**
 * The conditional-normal routine shared by both fitters. With L the blocked Cholesky factor of
 * Λ'[Z X]'[Z X]Λ + diag(I, 0) and l_y its response row, the joint conditional of (u, β) given θ
 * and σ² (flat prior on β) is Gaussian with mean x̂ solving L'x̂ = l_y and covariance σ²(LL')^{-1}
 * (Bates et al. 2015, eqs. 19–20; DESIGN.md, "the conditional of a_j is the BLUP formula").
 *
 * Without `noise` this returns the mean: β̂ (GLS) and the conditional modes (eBLUPs). With
 * `noise` it solves L'x = l_y + σz instead, which is an exact draw x = x̂ + σL^{-T}z from that
 * conditional (the Gibbs sampler's block update of β and all random effects at once).
 *
 * `out`, when given (see `solutionBuffers`), receives the result and is returned: the Gibbs
 * sampler calls this every iteration, and allocating typed arrays of this size each time cost
 * more than the solve itself.
 */
export function solve(f: BlockedCholesky, noise?: Perturbation, out?: Solution): Solution {
  const { p, P, M, S, xOffset, shapes, restOffset } = f;
  const yRow = (M - 1) * M;
  const { q: q0, nlevels: n0 } = shapes[0];
  const m0 = q0 * n0;
  const z = noise?.z;
  const sz = noise?.scale ?? 0;
  // The response row's weight: 1, or 0 for x = L^{-T}z alone (multiplying by 1 is exact).
  const yw = noise?.response === false ? 0 : 1;
  // β: back-substitute with the p×p fixed-effects block of S.
  const beta = out ? out.beta : new Float64Array(p);
  for (let a = 0; a < p; a++) beta[a] = S[yRow + xOffset + a] * yw + (z ? sz * z[m0 + xOffset + a] : 0);
  backSolve(S, p, beta, xOffset * M + xOffset, 0, M);

  // Right-hand side for the dense random-effects part of the rest: r_y − L_X'β.
  const mR = xOffset;
  if (restScratch.length < mR) restScratch = new Float64Array(mR);
  const uR = restScratch; // its first mR entries
  for (let i = 0; i < mR; i++) {
    let s = S[yRow + i] * yw + (z ? sz * z[m0 + i] : 0);
    for (let a = 0; a < p; a++) s -= S[(xOffset + a) * M + i] * beta[a];
    uR[i] = s;
  }
  backSolve(S, mR, uR, 0, 0, M);

  // Term 0, level by level: L0_j' u_j = WXy_j[y] − WXy_j[X]'β − Σ_k W_kj' u_k.
  const u0 = out ? out.u[0] : new Float64Array(n0 * q0);
  if (q0 === 2 && shapes.length === 1 && yw === 1) {
    solveLevelsQ2(f.L0, f.WXy, beta, p, n0, z, sz, u0);
  } else {
    for (let j = 0; j < n0; j++) {
      const wo = j * P * q0;
      for (let c = 0; c < q0; c++) {
        let s = f.WXy[wo + p * q0 + c] * yw + (z ? sz * z[j * q0 + c] : 0);
        for (let a = 0; a < p; a++) s -= f.WXy[wo + a * q0 + c] * beta[a];
        u0[j * q0 + c] = s;
      }
      for (let k = 1; k < shapes.length; k++) {
        const qk = shapes[k].q;
        const { colPtr, rowLevel } = f.crossprod.cross[k][0];
        for (let s = colPtr[j]; s < colPtr[j + 1]; s++) {
          const rowBase = restOffset[k] + rowLevel[s] * qk;
          for (let r = 0; r < qk; r++) {
            const ur = uR[rowBase + r];
            for (let c = 0; c < q0; c++) u0[j * q0 + c] -= f.Wre[k][(s * qk + r) * q0 + c] * ur;
          }
        }
      }
      // L0_j' u_j = rhs (back-substitution with the q0×q0 block, inline: q0 is small).
      const lo = j * q0 * q0;
      const uo = j * q0;
      for (let r = q0 - 1; r >= 0; r--) {
        let s = u0[uo + r];
        for (let k = r + 1; k < q0; k++) s -= f.L0[lo + k * q0 + r] * u0[uo + k];
        u0[uo + r] = s / f.L0[lo + r * q0 + r];
      }
    }
  }

  const result: Solution = out ?? { beta, u: [u0], b: [] };
  for (let k = 1; k < shapes.length; k++) {
    const rest = uR.subarray(restOffset[k], restOffset[k] + shapes[k].q * shapes[k].nlevels);
    if (out) out.u[k].set(rest);
    else result.u.push(rest.slice());
  }
  for (let k = 0; k < shapes.length; k++) {
    if (!out) result.b.push(new Float64Array(result.u[k].length));
    scaleByLambda(f.lambda(k), shapes[k].q, shapes[k].nlevels, result.u[k], result.b[k]);
  }
  return result;
}

/** b_j = Λ u_j for every level j (Λ lower triangular q×q; u, b level-major). */
function scaleByLambda(Lam: Float64Array, q: number, nlevels: number, u: Float64Array, b: Float64Array): void {
  if (q === 2) {
    const l00 = Lam[0];
    const l10 = Lam[2];
    const l11 = Lam[3];
    for (let j = 0; j < nlevels; j++) {
      const u0 = u[2 * j];
      const u1 = u[2 * j + 1];
      b[2 * j] = l00 * u0;
      b[2 * j + 1] = l10 * u0 + l11 * u1;
    }
    return;
  }
  for (let j = 0; j < nlevels; j++) {
    for (let r = 0; r < q; r++) {
      let s = 0;
      for (let c = 0; c <= r; c++) s += Lam[r * q + c] * u[j * q + c];
      b[j * q + r] = s;
    }
  }
}

/** Buffers for `solve`'s result, sized for the factor's model (reused by the Gibbs sampler). */
export function solutionBuffers(f: BlockedCholesky): Solution {
  const sizes = f.shapes.map((s) => s.q * s.nlevels);
  return { beta: new Float64Array(f.p), u: sizes.map((m) => new Float64Array(m)), b: sizes.map((m) => new Float64Array(m)) };
}

/**
 * The term-0 loop of `solve` written out for one term with q = 2 (the sampler's hot path):
 * rhs = WXy_j[y] − WXy_j[X]'β (+ σz_j), then back-substitution with the 2×2 factor L0_j.
 */
function solveLevelsQ2(L0: Float64Array, WXy: Float64Array, beta: Float64Array, p: number, n0: number, z: Float64Array | undefined, sz: number, u0: Float64Array): void {
  const P = p + 1;
  for (let j = 0; j < n0; j++) {
    const wo = j * P * 2;
    let s0 = WXy[wo + 2 * p];
    let s1 = WXy[wo + 2 * p + 1];
    for (let a = 0; a < p; a++) {
      s0 -= WXy[wo + 2 * a] * beta[a];
      s1 -= WXy[wo + 2 * a + 1] * beta[a];
    }
    if (z) {
      s0 += sz * z[2 * j];
      s1 += sz * z[2 * j + 1];
    }
    const lo = 4 * j;
    const v1 = s1 / L0[lo + 3];
    u0[2 * j + 1] = v1;
    u0[2 * j] = (s0 - L0[lo + 2] * v1) / L0[lo];
  }
}

/** (R_X'R_X)^{-1} = L_X^{-T} L_X^{-1} from the fixed-effects block of the factor: vcov(β)/σ². */
export function fixedEffectsCovariance(f: BlockedCholesky): Float64Array {
  const { p, M, S, xOffset } = f;
  const Linv = lowerInverse(S, p, xOffset * M + xOffset, M);
  const RXinv2 = new Float64Array(p * p);
  for (let a = 0; a < p; a++) {
    for (let c = 0; c <= a; c++) {
      let s = 0;
      for (let r = a; r < p; r++) s += Linv[r * p + a] * Linv[r * p + c];
      RXinv2[a * p + c] = s;
      RXinv2[c * p + a] = s;
    }
  }
  return RXinv2;
}

/**
 * Conditional covariances of the random effects given y at the estimates, per term and level:
 * Var(b_j | y) = σ² Λ [(L_Z L_Z')^{-1}]_jj Λ' (lme4's `condVar`, which treats β as known).
 * Returned level-major as q×q blocks.
 */
export function conditionalVariances(f: BlockedCholesky, sigma2: number): Float64Array[] {
  return randomEffectsInverseBlocks(f).map((V, k) => {
    const { q, nlevels } = f.shapes[k];
    const Lam = f.lambda(k);
    const scaled = new Float64Array(V.length);
    for (let j = 0; j < nlevels; j++) {
      const o = j * q * q;
      for (let a = 0; a < q; a++) for (let c = 0; c < q; c++) {
        let s = 0;
        for (let m = 0; m <= a; m++) for (let l = 0; l <= c; l++) s += Lam[a * q + m] * V[o + m * q + l] * Lam[c * q + l];
        scaled[o + a * q + c] = sigma2 * s;
      }
    }
    return scaled;
  });
}

/**
 * The level-diagonal blocks of S^{-1} = (L_Z L_Z')^{-1}, S = Λ'Z'ZΛ + I (the spherical random
 * effects' conditional covariance over σ², β known), per term, level-major q×q blocks.
 */
export function randomEffectsInverseBlocks(f: BlockedCholesky): Float64Array[] {
  const selected = f.restInverse();
  if (selected) return inverseBlocksSelected(f, selected);
  const { M, S, xOffset, shapes, restOffset } = f;
  const mR = xOffset;
  // Dense inverse of the random-effects part of the rest, stored transposed (column c of
  // L_R^{-1} is the contiguous row c of `Ut`, nonzero from index c on).
  const Ut = mR > 0 ? transpose(lowerInverse(S, mR, 0, M), mR) : new Float64Array(0);
  const out: Float64Array[] = [];
  const { q: q0, nlevels: n0 } = shapes[0];

  // Term 0: L0_j^{-T} L0_j^{-1} + G'G, G = L_R^{-1} W_R[:, j] L0_j^{-1}.
  const V0 = new Float64Array(n0 * q0 * q0);
  const L0inv = new Float64Array(q0 * q0);
  const G = new Float64Array(mR * q0);
  const block = new Float64Array(q0 * q0);
  for (let j = 0; j < n0; j++) {
    // L0_j^{-1} (lower triangular, q0 small), then L0_j^{-T} L0_j^{-1}.
    const lo = j * q0 * q0;
    lowerTriangularInverse(f.L0, lo, q0, L0inv);
    for (let a = 0; a < q0; a++) for (let c = 0; c < q0; c++) {
      let s = 0;
      for (let r = Math.max(a, c); r < q0; r++) s += L0inv[r * q0 + a] * L0inv[r * q0 + c];
      block[a * q0 + c] = s;
    }
    if (mR > 0) {
      G.fill(0);
      let touched = false;
      let minRow = mR;
      for (let k = 1; k < shapes.length; k++) {
        const qk = shapes[k].q;
        const { colPtr, rowLevel } = f.crossprod.cross[k][0];
        for (let s = colPtr[j]; s < colPtr[j + 1]; s++) {
          for (let r = 0; r < qk; r++) {
            const i = restOffset[k] + rowLevel[s] * qk + r;
            minRow = Math.min(minRow, i);
            // H_i = W_R[i, j-block] L0_j^{-1} (1×q0), then G[:, c] += L_R^{-1}[:, i] H_i[c].
            for (let c = 0; c < q0; c++) {
              let h = 0;
              for (let m = c; m < q0; m++) h += f.Wre[k][(s * qk + r) * q0 + m] * L0inv[m * q0 + c];
              if (h === 0) continue;
              touched = true;
              const ui = i * mR;
              for (let row = i; row < mR; row++) G[row * q0 + c] += Ut[ui + row] * h;
            }
          }
        }
      }
      if (touched) {
        for (let row = minRow; row < mR; row++) {
          for (let a = 0; a < q0; a++) for (let c = 0; c < q0; c++) block[a * q0 + c] += G[row * q0 + a] * G[row * q0 + c];
        }
      }
    }
    V0.set(block, j * q0 * q0);
  }
  out.push(V0);

  // Terms ≥ 1: diagonal blocks of L_R^{-T} L_R^{-1}.
  for (let k = 1; k < shapes.length; k++) {
    const { q, nlevels } = shapes[k];
    const V = new Float64Array(nlevels * q * q);
    for (let i = 0; i < nlevels; i++) {
      const base = restOffset[k] + i * q;
      for (let a = 0; a < q; a++) for (let c = 0; c < q; c++) {
        let s = 0;
        const ua = (base + a) * mR;
        const uc = (base + c) * mR;
        for (let row = base + Math.max(a, c); row < mR; row++) s += Ut[ua + row] * Ut[uc + row];
        V[i * q * q + a * q + c] = s;
      }
    }
    out.push(V);
  }
  return out;
}

/**
 * `randomEffectsInverseBlocks` from S_R^{-1} on the supernodal structure (`restInverse`): term 0's
 * blocks are L0_j^{-T} L0_j^{-1} + H_j' S_R^{-1} H_j with H_j = W_R[:, j] L0_j^{-1}, whose rows are
 * the rest rows level j meets (a clique of the structure); the other terms' blocks are read off.
 */
function inverseBlocksSelected(f: BlockedCholesky, { Z, pos, n }: { Z: Float64Array; pos: Int32Array; n: number }): Float64Array[] {
  const { shapes, restOffset } = f;
  const at = (i: number, j: number): number => {
    const a = pos[i], b = pos[j];
    return a >= b ? Z[a * n + b] : Z[b * n + a];
  };
  const { q: q0, nlevels: n0 } = shapes[0];
  const V0 = new Float64Array(n0 * q0 * q0);
  const L0inv = new Float64Array(q0 * q0);
  let maxRows = 0;
  for (let j = 0; j < n0; j++) maxRows = Math.max(maxRows, firstTermLevelRows(f.crossprod, shapes, j));
  const rowOf = new Int32Array(maxRows);
  const H = new Float64Array(maxRows * q0);
  for (let j = 0; j < n0; j++) {
    const lo = j * q0 * q0;
    lowerTriangularInverse(f.L0, lo, q0, L0inv);
    const o = j * q0 * q0;
    for (let a = 0; a < q0; a++) for (let c = 0; c < q0; c++) {
      let s = 0;
      for (let r = Math.max(a, c); r < q0; r++) s += L0inv[r * q0 + a] * L0inv[r * q0 + c];
      V0[o + a * q0 + c] = s;
    }
    let count = 0;
    for (let k = 1; k < shapes.length; k++) {
      const qk = shapes[k].q;
      const { colPtr, rowLevel } = f.crossprod.cross[k][0];
      for (let s = colPtr[j]; s < colPtr[j + 1]; s++) {
        for (let r = 0; r < qk; r++) {
          rowOf[count] = restOffset[k] + rowLevel[s] * qk + r;
          for (let c = 0; c < q0; c++) {
            let h = 0;
            for (let m = c; m < q0; m++) h += f.Wre[k][(s * qk + r) * q0 + m] * L0inv[m * q0 + c];
            H[count * q0 + c] = h;
          }
          count++;
        }
      }
    }
    for (let u = 0; u < count; u++) {
      for (let v = 0; v < count; v++) {
        const z = at(rowOf[u], rowOf[v]);
        for (let a = 0; a < q0; a++) for (let c = 0; c < q0; c++) V0[o + a * q0 + c] += H[u * q0 + a] * z * H[v * q0 + c];
      }
    }
  }
  const out = [V0];
  for (let k = 1; k < shapes.length; k++) {
    const { q, nlevels } = shapes[k];
    const V = new Float64Array(nlevels * q * q);
    for (let i = 0; i < nlevels; i++) {
      const base = restOffset[k] + i * q;
      for (let a = 0; a < q; a++) for (let c = 0; c < q; c++) V[i * q * q + a * q + c] = at(base + a, base + c);
    }
    out.push(V);
  }
  return out;
}

function transpose(A: Float64Array, n: number): Float64Array {
  const T = new Float64Array(n * n);
  for (let i = 0; i < n; i++) for (let j = 0; j < n; j++) T[j * n + i] = A[i * n + j];
  return T;
}
