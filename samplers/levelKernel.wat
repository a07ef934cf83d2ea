;; The per-level loops of the Gibbs sweep for a model with one random-effects term of q = 2
;; (see levelKernel.ts), in WebAssembly. `npm run build:wasm` turns this text into
;; levelKernelWasm.ts (wabt's wat2wasm, no optimiser: the code below is what runs).
;;
;; Every function does the same IEEE-754 double operations in the same order as the JavaScript
;; it stands for (named below), so it gives the same bits: WebAssembly's f64 add, sub, mul, div
;; and sqrt are correctly rounded and never fused. The one transcendental function, the
;; logarithm, is elementary.wat's port of msun's (the same bits as samplers/elementary.ts).
;;
;; Buffers are byte addresses of doubles in the imported memory; J is the number of levels,
;; P = p + 1 the columns of [X y].
;;   ZtZ: J 2×2 blocks Z_j'Z_j (row-major); ZtXy: J blocks Z_j'[X y] (2 rows of P);
;;   L0: J 2×2 factors; WXy: J blocks (P rows of 2); z: 2J + p normals; u, b, rk: 2J.
(module
  (import "env" "memory" (memory 1))
  ;; msun's natural logarithm, exp, cos and sin (elementary.wat, the same bits as elementary.ts)
  (import "env" "ln" (func $ln (param f64) (result f64)))
  (import "env" "exp" (func $exp (param f64) (result f64)))
  (import "env" "cos" (func $cos (param f64) (result f64)))
  (import "env" "sin" (func $sin (param f64) (result f64)))

  ;; levels(J, P, λ00, λ10, λ11, ZtZ, ZtXy, L0, WXy, out) → 1 if every block is positive definite
  ;; src/fit/blocked.ts `updateLevelsQ2`: per level, L0_j = chol(Λ'Z_j'Z_jΛ + I) and
  ;; WXy_j = (Λ'Z_j'[X y])' L0_j^{-T} (forward substitution); then `outer` into `out`.
  (func (export "levels") (param $J i32) (param $P i32) (param $l00 f64) (param $l10 f64) (param $l11 f64)
                          (param $ztz i32) (param $ztxy i32) (param $L0 i32) (param $wxy i32) (param $outer i32) (result i32)
    (local $ok i32) (local $o i32) (local $end i32) (local $zp i32) (local $wp i32) (local $a i32)
    (local $stride i32) (local $za i32) (local $wa i32)
    (local $a00 f64) (local $a10 f64) (local $a11 f64) (local $m00 f64) (local $m10 f64) (local $m11 f64)
    (local $c00 f64) (local $c10 f64) (local $d f64) (local $c11 f64) (local $z0 f64) (local $z1 f64)
    (local $v0 f64) (local $v1 f64) (local $w0 f64)
    (local.set $ok (i32.const 1))
    (local.set $o (i32.const 0))
    (local.set $end (i32.shl (local.get $J) (i32.const 5)))
    (local.set $stride (i32.shl (local.get $P) (i32.const 4)))
    (local.set $zp (local.get $ztxy))
    (local.set $wp (local.get $wxy))
    (block $done
      (loop $level
        (br_if $done (i32.ge_u (local.get $o) (local.get $end)))
        (local.set $a00 (f64.load (i32.add (local.get $ztz) (local.get $o))))
        (local.set $a10 (f64.load offset=16 (i32.add (local.get $ztz) (local.get $o))))
        (local.set $a11 (f64.load offset=24 (i32.add (local.get $ztz) (local.get $o))))
        ;; m00 = l00 * (a00 * l00 + 2 * a10 * l10) + l10 * l10 * a11 + 1
        (local.set $m00
          (f64.add
            (f64.add
              (f64.mul (local.get $l00)
                (f64.add (f64.mul (local.get $a00) (local.get $l00))
                         (f64.mul (f64.mul (f64.const 2) (local.get $a10)) (local.get $l10))))
              (f64.mul (f64.mul (local.get $l10) (local.get $l10)) (local.get $a11)))
            (f64.const 1)))
        ;; m10 = l11 * (a10 * l00 + a11 * l10)
        (local.set $m10
          (f64.mul (local.get $l11)
            (f64.add (f64.mul (local.get $a10) (local.get $l00)) (f64.mul (local.get $a11) (local.get $l10)))))
        ;; m11 = l11 * l11 * a11 + 1
        (local.set $m11 (f64.add (f64.mul (f64.mul (local.get $l11) (local.get $l11)) (local.get $a11)) (f64.const 1)))
        (if (i32.eqz (f64.gt (local.get $m00) (f64.const 0))) (then (local.set $ok (i32.const 0))))
        (local.set $c00 (f64.sqrt (local.get $m00)))
        (local.set $c10 (f64.div (local.get $m10) (local.get $c00)))
        (local.set $d (f64.sub (local.get $m11) (f64.mul (local.get $c10) (local.get $c10))))
        (if (i32.eqz (f64.gt (local.get $d) (f64.const 0))) (then (local.set $ok (i32.const 0))))
        (local.set $c11 (f64.sqrt (local.get $d)))
        (f64.store (i32.add (local.get $L0) (local.get $o)) (local.get $c00))
        (f64.store offset=8 (i32.add (local.get $L0) (local.get $o)) (f64.const 0))
        (f64.store offset=16 (i32.add (local.get $L0) (local.get $o)) (local.get $c10))
        (f64.store offset=24 (i32.add (local.get $L0) (local.get $o)) (local.get $c11))
        (local.set $a (i32.const 0))
        (block $cols_done
          (loop $col
            (br_if $cols_done (i32.ge_u (local.get $a) (local.get $P)))
            ;; z0 = ZtXy[z + a], z1 = ZtXy[z + P + a]
            (local.set $za (i32.add (local.get $zp) (i32.shl (local.get $a) (i32.const 3))))
            (local.set $z0 (f64.load (local.get $za)))
            (local.set $z1 (f64.load (i32.add (local.get $za) (i32.shl (local.get $P) (i32.const 3)))))
            (local.set $v0 (f64.add (f64.mul (local.get $l00) (local.get $z0)) (f64.mul (local.get $l10) (local.get $z1))))
            (local.set $v1 (f64.mul (local.get $l11) (local.get $z1)))
            (local.set $w0 (f64.div (local.get $v0) (local.get $c00)))
            (local.set $wa (i32.add (local.get $wp) (i32.shl (local.get $a) (i32.const 4))))
            (f64.store (local.get $wa) (local.get $w0))
            (f64.store offset=8 (local.get $wa)
              (f64.div (f64.sub (local.get $v1) (f64.mul (local.get $c10) (local.get $w0))) (local.get $c11)))
            (local.set $a (i32.add (local.get $a) (i32.const 1)))
            (br $col)))
        (local.set $zp (i32.add (local.get $zp) (local.get $stride)))
        (local.set $wp (i32.add (local.get $wp) (local.get $stride)))
        (local.set $o (i32.add (local.get $o) (i32.const 32)))
        (br $level)))
    (call $outer (local.get $J) (local.get $P) (local.get $wxy) (local.get $outer))
    (local.get $ok))

  ;; outer(J, P, WXy, out): out[t] = Σ_j WXy_j[a]·WXy_j[b] for the pairs b ≤ a (t in that
  ;; order), each sum over the levels in order: src/fit/blocked.ts `subtractXyOuter` (q0 = 2),
  ;; s += W[o+2a]·W[o+2b] + W[o+2a+1]·W[o+2b+1].
  (func $outer (param $J i32) (param $P i32) (param $wxy i32) (param $out i32)
    (local $a i32) (local $b i32) (local $p i32) (local $end i32) (local $stride i32) (local $s f64)
    (local $oa i32) (local $ob i32)
    (local.set $stride (i32.shl (local.get $P) (i32.const 4)))
    (local.set $end (i32.add (local.get $wxy) (i32.mul (local.get $J) (local.get $stride))))
    (local.set $a (i32.const 0))
    (block $a_done
      (loop $a_loop
        (br_if $a_done (i32.ge_u (local.get $a) (local.get $P)))
        (local.set $b (i32.const 0))
        (block $b_done
          (loop $b_loop
            (br_if $b_done (i32.gt_u (local.get $b) (local.get $a)))
            (local.set $s (f64.const 0))
            (local.set $oa (i32.add (local.get $wxy) (i32.shl (local.get $a) (i32.const 4))))
            (local.set $ob (i32.add (local.get $wxy) (i32.shl (local.get $b) (i32.const 4))))
            (local.set $p (local.get $wxy))
            (block $j_done
              (loop $j_loop
                (br_if $j_done (i32.ge_u (local.get $p) (local.get $end)))
                (local.set $s
                  (f64.add (local.get $s)
                    (f64.add
                      (f64.mul (f64.load (local.get $oa)) (f64.load (local.get $ob)))
                      (f64.mul (f64.load offset=8 (local.get $oa)) (f64.load offset=8 (local.get $ob))))))
                (local.set $oa (i32.add (local.get $oa) (local.get $stride)))
                (local.set $ob (i32.add (local.get $ob) (local.get $stride)))
                (local.set $p (i32.add (local.get $p) (local.get $stride)))
                (br $j_loop)))
            (f64.store (local.get $out) (local.get $s))
            (local.set $out (i32.add (local.get $out) (i32.const 8)))
            (local.set $b (i32.add (local.get $b) (i32.const 1)))
            (br $b_loop)))
        (local.set $a (i32.add (local.get $a) (i32.const 1)))
        (br $a_loop))))

  ;; draw(J, P, p, σ, λ00, λ10, λ11, L0, WXy, β, z, u, b, s00, s01, s10, s11, out) → ||u||²:
  ;; `solve`, then `scale`; out[0 .. 3] = `scatter` of the new b from the prior scale s, and
  ;; out[4] = ||z||² (`sumsq` of the 2J + p normals).
  (func (export "draw") (param $J i32) (param $P i32) (param $pp i32) (param $sz f64)
                        (param $l00 f64) (param $l10 f64) (param $l11 f64)
                        (param $L0 i32) (param $wxy i32) (param $beta i32) (param $z i32) (param $u i32) (param $b i32)
                        (param $s00 f64) (param $s01 f64) (param $s10 f64) (param $s11 f64) (param $out i32) (result f64)
    (local $uu f64)
    (call $solve (local.get $J) (local.get $P) (local.get $pp) (local.get $sz) (local.get $L0) (local.get $wxy) (local.get $beta) (local.get $z) (local.get $u))
    (local.set $uu (call $scale (local.get $J) (local.get $l00) (local.get $l10) (local.get $l11) (local.get $u) (local.get $b)))
    (call $scatter (local.get $J) (local.get $b) (local.get $s00) (local.get $s01) (local.get $s10) (local.get $s11) (local.get $out))
    (f64.store offset=32 (local.get $out)
      (call $sumsq (local.get $z) (i32.add (i32.shl (local.get $J) (i32.const 1)) (local.get $pp))))
    (local.get $uu))

  ;; solve(J, P, p, σ, L0, WXy, β, z, u): src/fit/solution.ts `solveLevelsQ2` with noise:
  ;; rhs = WXy_j[y] − WXy_j[X]'β + σz_j, then back-substitution with L0_j'.
  (func $solve (param $J i32) (param $P i32) (param $pp i32) (param $sz f64)
                         (param $L0 i32) (param $wxy i32) (param $beta i32) (param $z i32) (param $u i32)
    (local $j i32) (local $a i32) (local $wo i32) (local $lo i32) (local $s0 f64) (local $s1 f64)
    (local $v1 f64) (local $bt f64) (local $stride i32) (local $wa i32)
    (local.set $stride (i32.shl (local.get $P) (i32.const 4)))
    (local.set $wo (local.get $wxy))
    (local.set $lo (local.get $L0))
    (local.set $j (i32.const 0))
    (block $done
      (loop $level
        (br_if $done (i32.ge_u (local.get $j) (local.get $J)))
        (local.set $wa (i32.add (local.get $wo) (i32.shl (local.get $pp) (i32.const 4))))
        (local.set $s0 (f64.load (local.get $wa)))
        (local.set $s1 (f64.load offset=8 (local.get $wa)))
        (local.set $a (i32.const 0))
        (block $cols_done
          (loop $col
            (br_if $cols_done (i32.ge_u (local.get $a) (local.get $pp)))
            (local.set $bt (f64.load (i32.add (local.get $beta) (i32.shl (local.get $a) (i32.const 3)))))
            (local.set $wa (i32.add (local.get $wo) (i32.shl (local.get $a) (i32.const 4))))
            (local.set $s0 (f64.sub (local.get $s0) (f64.mul (f64.load (local.get $wa)) (local.get $bt))))
            (local.set $s1 (f64.sub (local.get $s1) (f64.mul (f64.load offset=8 (local.get $wa)) (local.get $bt))))
            (local.set $a (i32.add (local.get $a) (i32.const 1)))
            (br $col)))
        (local.set $s0 (f64.add (local.get $s0) (f64.mul (local.get $sz) (f64.load (local.get $z)))))
        (local.set $s1 (f64.add (local.get $s1) (f64.mul (local.get $sz) (f64.load offset=8 (local.get $z)))))
        (local.set $v1 (f64.div (local.get $s1) (f64.load offset=24 (local.get $lo))))
        (f64.store offset=8 (local.get $u) (local.get $v1))
        (f64.store (local.get $u)
          (f64.div (f64.sub (local.get $s0) (f64.mul (f64.load offset=16 (local.get $lo)) (local.get $v1)))
                   (f64.load (local.get $lo))))
        (local.set $wo (i32.add (local.get $wo) (local.get $stride)))
        (local.set $lo (i32.add (local.get $lo) (i32.const 32)))
        (local.set $z (i32.add (local.get $z) (i32.const 16)))
        (local.set $u (i32.add (local.get $u) (i32.const 16)))
        (local.set $j (i32.add (local.get $j) (i32.const 1)))
        (br $level))))

  ;; scale(J, λ00, λ10, λ11, u, b) → Σ u_i² (i in order): b_j = Λu_j (src/fit/solution.ts
  ;; `scaleByLambda`, q = 2) and the ||u||² of samplers/gibbs.ts `drawEffects`.
  (func $scale (param $J i32) (param $l00 f64) (param $l10 f64) (param $l11 f64)
                         (param $u i32) (param $b i32) (result f64)
    (local $end i32) (local $u0 f64) (local $u1 f64) (local $uu f64)
    (local.set $end (i32.add (local.get $u) (i32.shl (local.get $J) (i32.const 4))))
    (local.set $uu (f64.const 0))
    (block $done
      (loop $level
        (br_if $done (i32.ge_u (local.get $u) (local.get $end)))
        (local.set $u0 (f64.load (local.get $u)))
        (local.set $u1 (f64.load offset=8 (local.get $u)))
        (f64.store (local.get $b) (f64.mul (local.get $l00) (local.get $u0)))
        (f64.store offset=8 (local.get $b) (f64.add (f64.mul (local.get $l10) (local.get $u0)) (f64.mul (local.get $l11) (local.get $u1))))
        (local.set $uu (f64.add (local.get $uu) (f64.mul (local.get $u0) (local.get $u0))))
        (local.set $uu (f64.add (local.get $uu) (f64.mul (local.get $u1) (local.get $u1))))
        (local.set $u (i32.add (local.get $u) (i32.const 16)))
        (local.set $b (i32.add (local.get $b) (i32.const 16)))
        (br $level)))
    (local.get $uu))

  ;; scatter(J, b, s00, s01, s10, s11, out): out = S + Σ_j b_j b_j' (entries row-major, each a
  ;; sum over the levels in order), the inverse-Wishart scale of samplers/gibbs.ts `advance`.
  (func $scatter (param $J i32) (param $b i32) (param $s00 f64) (param $s01 f64) (param $s10 f64) (param $s11 f64) (param $out i32)
    (local $end i32) (local $b0 f64) (local $b1 f64)
    (local.set $end (i32.add (local.get $b) (i32.shl (local.get $J) (i32.const 4))))
    (block $done
      (loop $level
        (br_if $done (i32.ge_u (local.get $b) (local.get $end)))
        (local.set $b0 (f64.load (local.get $b)))
        (local.set $b1 (f64.load offset=8 (local.get $b)))
        (local.set $s00 (f64.add (local.get $s00) (f64.mul (local.get $b0) (local.get $b0))))
        (local.set $s01 (f64.add (local.get $s01) (f64.mul (local.get $b0) (local.get $b1))))
        (local.set $s10 (f64.add (local.get $s10) (f64.mul (local.get $b1) (local.get $b0))))
        (local.set $s11 (f64.add (local.get $s11) (f64.mul (local.get $b1) (local.get $b1))))
        (local.set $b (i32.add (local.get $b) (i32.const 16)))
        (br $level)))
    (f64.store (local.get $out) (local.get $s00))
    (f64.store offset=8 (local.get $out) (local.get $s01))
    (f64.store offset=16 (local.get $out) (local.get $s10))
    (f64.store offset=24 (local.get $out) (local.get $s11)))

  ;; residuals(J, P, p, ZtXy, β, rk): rk_j = Z_j'y − Z_j'Xβ (samplers/residuals.ts
  ;; `partialResiduals` for the only term): s = ZtXy[o + p], s −= ZtXy[o + a]·β_a.
  (func $residuals (param $J i32) (param $P i32) (param $pp i32) (param $ztxy i32) (param $beta i32) (param $rk i32)
    (local $row i32) (local $rows i32) (local $a i32) (local $s f64) (local $o i32)
    (local.set $rows (i32.shl (local.get $J) (i32.const 1)))
    (local.set $o (local.get $ztxy))
    (local.set $row (i32.const 0))
    (block $done
      (loop $next
        (br_if $done (i32.ge_u (local.get $row) (local.get $rows)))
        (local.set $s (f64.load (i32.add (local.get $o) (i32.shl (local.get $pp) (i32.const 3)))))
        (local.set $a (i32.const 0))
        (block $cols_done
          (loop $col
            (br_if $cols_done (i32.ge_u (local.get $a) (local.get $pp)))
            (local.set $s
              (f64.sub (local.get $s)
                (f64.mul (f64.load (i32.add (local.get $o) (i32.shl (local.get $a) (i32.const 3))))
                         (f64.load (i32.add (local.get $beta) (i32.shl (local.get $a) (i32.const 3)))))))
            (local.set $a (i32.add (local.get $a) (i32.const 1)))
            (br $col)))
        (f64.store (local.get $rk) (local.get $s))
        (local.set $rk (i32.add (local.get $rk) (i32.const 8)))
        (local.set $o (i32.add (local.get $o) (i32.shl (local.get $P) (i32.const 3))))
        (local.set $row (i32.add (local.get $row) (i32.const 1)))
        (br $next))))

  ;; loglik(J, c00, c10, c11, σ², ZtZ, rk, fresh, P, p, ZtXy, β) → samplers/collapsed.ts
  ;; `logLikelihoodQ2`: −½ Σ log|N_j|/σ⁴ + Σ_j w_j'N_j^{-1}w_j/(2σ²), the logarithm taken of
  ;; the running product of |N_j|/σ⁴ at every 16th level and at the end, by `ln` (msun's, as
  ;; elementary.ts `log`, imported from elementary.wat). With `fresh` 1, `residuals` into rk first.
  (func $loglik (export "loglik") (param $J i32) (param $c00 f64) (param $c10 f64) (param $c11 f64) (param $sigma2 f64)
                          (param $ztz i32) (param $rk i32)
                          (param $fresh i32) (param $P i32) (param $pp i32) (param $ztxy i32) (param $beta i32) (result f64)
    (local $j i32) (local $s4 f64) (local $product f64) (local $quad f64) (local $logdet f64)
    (local $z00 f64) (local $z01 f64) (local $z11 f64) (local $t0 f64) (local $t1 f64)
    (local $n00 f64) (local $n01 f64) (local $n11 f64) (local $r1 f64) (local $w0 f64) (local $w1 f64) (local $det f64)
    (if (local.get $fresh)
      (then (call $residuals (local.get $J) (local.get $P) (local.get $pp) (local.get $ztxy) (local.get $beta) (local.get $rk))))
    (local.set $s4 (f64.mul (local.get $sigma2) (local.get $sigma2)))
    (local.set $product (f64.const 1))
    (local.set $quad (f64.const 0))
    (local.set $logdet (f64.const 0))
    (local.set $j (i32.const 0))
    (block $done
      (loop $level
        (br_if $done (i32.ge_u (local.get $j) (local.get $J)))
        (local.set $z00 (f64.load (local.get $ztz)))
        (local.set $z01 (f64.load offset=8 (local.get $ztz)))
        (local.set $z11 (f64.load offset=24 (local.get $ztz)))
        (local.set $t0 (f64.add (f64.mul (local.get $z00) (local.get $c00)) (f64.mul (local.get $z01) (local.get $c10))))
        (local.set $t1 (f64.add (f64.mul (local.get $z01) (local.get $c00)) (f64.mul (local.get $z11) (local.get $c10))))
        ;; n00 = σ² + c00·t0 + c10·t1, n01 = c11·t1, n11 = σ² + c11·c11·z11
        (local.set $n00 (f64.add (f64.add (local.get $sigma2) (f64.mul (local.get $c00) (local.get $t0))) (f64.mul (local.get $c10) (local.get $t1))))
        (local.set $n01 (f64.mul (local.get $c11) (local.get $t1)))
        (local.set $n11 (f64.add (local.get $sigma2) (f64.mul (f64.mul (local.get $c11) (local.get $c11)) (local.get $z11))))
        (local.set $r1 (f64.load offset=8 (local.get $rk)))
        (local.set $w0 (f64.add (f64.mul (local.get $c00) (f64.load (local.get $rk))) (f64.mul (local.get $c10) (local.get $r1))))
        (local.set $w1 (f64.mul (local.get $c11) (local.get $r1)))
        (local.set $det (f64.sub (f64.mul (local.get $n00) (local.get $n11)) (f64.mul (local.get $n01) (local.get $n01))))
        ;; quad += (n11·w0·w0 − 2·n01·w0·w1 + n00·w1·w1) / det
        (local.set $quad
          (f64.add (local.get $quad)
            (f64.div
              (f64.add
                (f64.sub
                  (f64.mul (f64.mul (local.get $n11) (local.get $w0)) (local.get $w0))
                  (f64.mul (f64.mul (f64.mul (f64.const 2) (local.get $n01)) (local.get $w0)) (local.get $w1)))
                (f64.mul (f64.mul (local.get $n00) (local.get $w1)) (local.get $w1)))
              (local.get $det))))
        (local.set $product (f64.mul (local.get $product) (f64.div (local.get $det) (local.get $s4))))
        (if (i32.eq (i32.and (local.get $j) (i32.const 15)) (i32.const 15))
          (then
            (local.set $logdet (f64.add (local.get $logdet) (call $ln (local.get $product))))
            (local.set $product (f64.const 1))))
        (local.set $ztz (i32.add (local.get $ztz) (i32.const 32)))
        (local.set $rk (i32.add (local.get $rk) (i32.const 16)))
        (local.set $j (i32.add (local.get $j) (i32.const 1)))
        (br $level)))
    (local.set $logdet (f64.add (local.get $logdet) (call $ln (local.get $product))))
    (f64.add (f64.mul (f64.const -0.5) (local.get $logdet))
             (f64.div (f64.mul (f64.const 0.5) (local.get $quad)) (local.get $sigma2))))
  ;; sumsq(x, n) → Σ x_i² in order (the ||z||² of samplers/gibbs.ts `drawEffects`).
  (func $sumsq (param $x i32) (param $n i32) (result f64)
    (local $end i32) (local $s f64) (local $v f64)
    (local.set $end (i32.add (local.get $x) (i32.shl (local.get $n) (i32.const 3))))
    (local.set $s (f64.const 0))
    (block $done
      (loop $next
        (br_if $done (i32.ge_u (local.get $x) (local.get $end)))
        (local.set $v (f64.load (local.get $x)))
        (local.set $s (f64.add (local.get $s) (f64.mul (local.get $v) (local.get $v))))
        (local.set $x (i32.add (local.get $x) (i32.const 8)))
        (br $next)))
    (local.get $s))

  ;; The MT19937 twist of the 624 words at `mt` (samplers/rng.ts `TwisterStream.twist`).
  (func $twist (param $mt i32)
    (local $i i32) (local $y i32) (local $p i32)
    (local.set $i (i32.const 0))
    (block $first_done
      (loop $first
        (br_if $first_done (i32.ge_u (local.get $i) (i32.const 227)))
        (local.set $p (i32.add (local.get $mt) (i32.shl (local.get $i) (i32.const 2))))
        (local.set $y (i32.or (i32.and (i32.load (local.get $p)) (i32.const 0x80000000))
                              (i32.and (i32.load offset=4 (local.get $p)) (i32.const 0x7fffffff))))
        (i32.store (local.get $p)
          (i32.xor (i32.xor (i32.load offset=1588 (local.get $p)) (i32.shr_u (local.get $y) (i32.const 1)))
                   (i32.and (i32.sub (i32.const 0) (i32.and (local.get $y) (i32.const 1))) (i32.const 0x9908b0df))))
        (local.set $i (i32.add (local.get $i) (i32.const 1)))
        (br $first)))
    (block $second_done
      (loop $second
        (br_if $second_done (i32.ge_u (local.get $i) (i32.const 623)))
        (local.set $p (i32.add (local.get $mt) (i32.shl (local.get $i) (i32.const 2))))
        (local.set $y (i32.or (i32.and (i32.load (local.get $p)) (i32.const 0x80000000))
                              (i32.and (i32.load offset=4 (local.get $p)) (i32.const 0x7fffffff))))
        ;; mt[i + M − N] = mt[i − 227]
        (i32.store (local.get $p)
          (i32.xor (i32.xor (i32.load (i32.sub (local.get $p) (i32.const 908))) (i32.shr_u (local.get $y) (i32.const 1)))
                   (i32.and (i32.sub (i32.const 0) (i32.and (local.get $y) (i32.const 1))) (i32.const 0x9908b0df))))
        (local.set $i (i32.add (local.get $i) (i32.const 1)))
        (br $second)))
    (local.set $y (i32.or (i32.and (i32.load offset=2492 (local.get $mt)) (i32.const 0x80000000))
                          (i32.and (i32.load (local.get $mt)) (i32.const 0x7fffffff))))
    (i32.store offset=2492 (local.get $mt)
      (i32.xor (i32.xor (i32.load offset=1584 (local.get $mt)) (i32.shr_u (local.get $y) (i32.const 1)))
               (i32.and (i32.sub (i32.const 0) (i32.and (local.get $y) (i32.const 1))) (i32.const 0x9908b0df)))))

  ;; normals(mt, index, k, w, z, n, state) → count: standard normals into z[0 ..) from the
  ;; twister at `mt` (624 words, next word at `index`), by the rectangles of the ziggurat
  ;; (samplers/normal.ts `zigguratNormal`: layer i = u & 127, j = u >> 7, x = j·w_i when
  ;; |j| < k_i), until n are drawn or a word falls outside its rectangle. Then state[0] is the
  ;; index of the next word, state[1] 1 if the words were twisted, and, when count < n, state[2]
  ;; the word that fell outside (consumed; the caller finishes that normal in JavaScript).
  (func (export "normals") (param $mt i32) (param $index i32) (param $k i32) (param $w i32)
                           (param $z i32) (param $n i32) (param $state i32) (result i32)
    (local $done i32) (local $twisted i32) (local $r i32) (local $i i32) (local $j f64)
    (local.set $done (i32.const 0))
    (local.set $twisted (i32.const 0))
    (block $stop
      (loop $next
        (br_if $stop (i32.ge_u (local.get $done) (local.get $n)))
        (if (i32.ge_u (local.get $index) (i32.const 624))
          (then
            (call $twist (local.get $mt))
            (local.set $index (i32.const 0))
            (local.set $twisted (i32.const 1))))
        ;; the tempered word (TwisterStream.word)
        (local.set $r (i32.load (i32.add (local.get $mt) (i32.shl (local.get $index) (i32.const 2)))))
        (local.set $index (i32.add (local.get $index) (i32.const 1)))
        (local.set $r (i32.xor (local.get $r) (i32.shr_u (local.get $r) (i32.const 11))))
        (local.set $r (i32.xor (local.get $r) (i32.and (i32.shl (local.get $r) (i32.const 7)) (i32.const 0x9d2c5680))))
        (local.set $r (i32.xor (local.get $r) (i32.and (i32.shl (local.get $r) (i32.const 15)) (i32.const 0xefc60000))))
        (local.set $r (i32.xor (local.get $r) (i32.shr_u (local.get $r) (i32.const 18))))
        (local.set $i (i32.shl (i32.and (local.get $r) (i32.const 127)) (i32.const 3)))
        (local.set $j (f64.convert_i32_s (i32.shr_s (local.get $r) (i32.const 7))))
        (if (i32.eqz (f64.lt (f64.abs (local.get $j)) (f64.load (i32.add (local.get $k) (local.get $i)))))
          (then
            (i32.store offset=8 (local.get $state) (local.get $r))
            (br $stop)))
        (f64.store (local.get $z) (f64.mul (local.get $j) (f64.load (i32.add (local.get $w) (local.get $i)))))
        (local.set $z (i32.add (local.get $z) (i32.const 8)))
        (local.set $done (i32.add (local.get $done) (i32.const 1)))
        (br $next)))
    (i32.store (local.get $state) (local.get $index))
    (i32.store offset=4 (local.get $state) (local.get $twisted))
    (local.get $done))

  ;; target(tuned, x0, x1, x2, σ², halfT, ν|df, A0, A1, LS00, LS01, LS10, LS11, J, ZtZ, rk, fresh,
  ;; P, p, ZtXy, β) → samplers/collapsed.ts `CollapsedPsi.logTarget` for q = 2: C from the point
  ;; (`factorOfTuned`, or `factorOf` of φ), the log prior of C (`logHalfTPriorOfFactor` with
  ;; ν, A, or `logPriorOfFactor` with df and LS = chol(S)), the log of the diagonal's Jacobian,
  ;; and `loglik`; −∞ outside the support or where the prior is not finite or the sum is NaN.
  ;; The partial residuals (with `fresh` 1) are formed first: they do not depend on the point.
  (func (export "target") (param $tuned i32) (param $x0 f64) (param $x1 f64) (param $x2 f64) (param $sigma2 f64)
                          (param $halfT i32) (param $nu f64) (param $A0 f64) (param $A1 f64)
                          (param $ls00 f64) (param $ls01 f64) (param $ls10 f64) (param $ls11 f64)
                          (param $J i32) (param $ztz i32) (param $rk i32) (param $fresh i32) (param $P i32) (param $pp i32) (param $ztxy i32) (param $beta i32)
                          (result f64)
    (local $c0 f64) (local $c2 f64) (local $c3 f64) (local $logDiagonal f64) (local $prior f64) (local $value f64)
    (local $d f64) (local $logd f64) (local $logdet f64) (local $jacobian f64) (local $col0 f64) (local $col1 f64)
    (local $s f64) (local $scales f64) (local $trace f64) (local $v f64)
    (if (local.get $fresh)
      (then (call $residuals (local.get $J) (local.get $P) (local.get $pp) (local.get $ztxy) (local.get $beta) (local.get $rk))))
    (if (local.get $tuned)
      (then
        ;; factorOfTuned: C00 = x0, (C10, C11) = s(cos ω, sin ω), log |∂C/∂x| = log s
        (if (i32.eqz (f64.gt (local.get $x0) (f64.const 0))) (then (return (f64.const -inf))))
        (if (i32.or (i32.or (i32.eqz (f64.gt (local.get $x1) (f64.const 0))) (i32.eqz (f64.gt (local.get $x2) (f64.const 0))))
                    (i32.eqz (f64.lt (local.get $x2) (f64.const 3.141592653589793))))
          (then (return (f64.const -inf))))
        (local.set $c0 (local.get $x0))
        (local.set $c2 (f64.mul (local.get $x1) (call $cos (local.get $x2))))
        (local.set $c3 (f64.mul (local.get $x1) (call $sin (local.get $x2))))
        (local.set $logDiagonal (call $ln (local.get $x1))))
      (else
        ;; factorOf: C00 = e^φ0, C10 = φ1, C11 = e^φ2; the diagonal's Jacobian 0 + φ0 + φ2
        (local.set $c0 (call $exp (local.get $x0)))
        (local.set $c2 (local.get $x1))
        (local.set $c3 (call $exp (local.get $x2)))
        (local.set $logDiagonal (f64.add (f64.add (f64.const 0) (local.get $x0)) (local.get $x2)))))
    ;; Σ log|C_ii| and Σ (q − i) log|C_ii| (logPriorOfFactor, logHalfTPriorOfFactor)
    (local.set $d (f64.abs (local.get $c0)))
    (if (i32.eqz (f64.gt (local.get $d) (f64.const 0))) (then (return (f64.const -inf))))
    (local.set $logd (call $ln (local.get $d)))
    (local.set $logdet (f64.add (f64.const 0) (local.get $logd)))
    (local.set $jacobian (f64.add (f64.const 0) (f64.mul (f64.const 2) (local.get $logd))))
    (local.set $d (f64.abs (local.get $c3)))
    (if (i32.eqz (f64.gt (local.get $d) (f64.const 0))) (then (return (f64.const -inf))))
    (local.set $logd (call $ln (local.get $d)))
    (local.set $logdet (f64.add (local.get $logdet) (local.get $logd)))
    (local.set $jacobian (f64.add (local.get $jacobian) (f64.mul (f64.const 1) (local.get $logd))))
    (if (local.get $halfT)
      (then
        ;; (Ψ⁻¹)_rr = ||C⁻¹e_r||²; scales = Σ_r log(ν(Ψ⁻¹)_rr + 1/A_r²)
        (local.set $col0 (f64.div (f64.const 1) (local.get $c0)))
        (local.set $s (f64.add (f64.const 0) (f64.mul (local.get $col0) (local.get $col0))))
        (local.set $col1 (f64.div (f64.sub (f64.const 0) (f64.mul (local.get $c2) (local.get $col0))) (local.get $c3)))
        (local.set $s (f64.add (local.get $s) (f64.mul (local.get $col1) (local.get $col1))))
        (local.set $scales (f64.add (f64.const 0)
          (call $ln (f64.add (f64.mul (local.get $nu) (local.get $s)) (f64.div (f64.const 1) (f64.mul (local.get $A0) (local.get $A0)))))))
        (local.set $col1 (f64.div (f64.const 1) (local.get $c3)))
        (local.set $s (f64.add (f64.const 0) (f64.mul (local.get $col1) (local.get $col1))))
        (local.set $scales (f64.add (local.get $scales)
          (call $ln (f64.add (f64.mul (local.get $nu) (local.get $s)) (f64.div (f64.const 1) (f64.mul (local.get $A1) (local.get $A1)))))))
        ;; −(ν + 2q) logdet − ½(ν + q) scales + jacobian
        (local.set $prior
          (f64.add
            (f64.sub (f64.mul (f64.neg (f64.add (local.get $nu) (f64.const 4))) (local.get $logdet))
                     (f64.mul (f64.mul (f64.const 0.5) (f64.add (local.get $nu) (f64.const 2))) (local.get $scales)))
            (local.get $jacobian))))
      (else
        ;; tr(S C^{-T} C^{-1}) = ||C⁻¹L_S||_F², column by column of L_S
        (local.set $col0 (f64.div (local.get $ls00) (local.get $c0)))
        (local.set $trace (f64.add (f64.const 0) (f64.mul (local.get $col0) (local.get $col0))))
        (local.set $v (f64.sub (local.get $ls10) (f64.mul (local.get $c2) (local.get $col0))))
        (local.set $col1 (f64.div (local.get $v) (local.get $c3)))
        (local.set $trace (f64.add (local.get $trace) (f64.mul (local.get $col1) (local.get $col1))))
        (local.set $col0 (f64.div (local.get $ls01) (local.get $c0)))
        (local.set $trace (f64.add (local.get $trace) (f64.mul (local.get $col0) (local.get $col0))))
        (local.set $v (f64.sub (local.get $ls11) (f64.mul (local.get $c2) (local.get $col0))))
        (local.set $col1 (f64.div (local.get $v) (local.get $c3)))
        (local.set $trace (f64.add (local.get $trace) (f64.mul (local.get $col1) (local.get $col1))))
        ;; −(df + q + 1) logdet − ½ trace + jacobian
        (local.set $prior
          (f64.add
            (f64.sub (f64.mul (f64.neg (f64.add (f64.add (local.get $nu) (f64.const 2)) (f64.const 1))) (local.get $logdet))
                     (f64.mul (f64.const 0.5) (local.get $trace)))
            (local.get $jacobian)))))
    ;; Number.isFinite(prior): not NaN and not ±∞
    (if (i32.eqz (f64.lt (f64.abs (local.get $prior)) (f64.const inf))) (then (return (f64.const -inf))))
    (local.set $value
      (f64.add (f64.add (local.get $prior) (local.get $logDiagonal))
        (call $loglik (local.get $J) (local.get $c0) (local.get $c2) (local.get $c3) (local.get $sigma2) (local.get $ztz) (local.get $rk)
                      (i32.const 0) (local.get $P) (local.get $pp) (local.get $ztxy) (local.get $beta))))
    (if (f64.ne (local.get $value) (local.get $value)) (then (return (f64.const -inf))))
    (local.get $value))
)
