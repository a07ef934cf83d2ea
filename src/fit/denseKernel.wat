;; The profiled criterion's Cholesky factor for small models (denseObjective.ts), in WebAssembly:
;; machine code from the module's compilation, so that a fresh `lmm` process does not spend the
;; fit's evaluations in V8's baseline tier. `npm run build:wasm` turns this text into
;; denseKernelWasm.ts (wabt's wat2wasm, no optimiser: the code below is what runs).
;;
;; $factor(a, c, t, cp, ri, ti, v, th, D, q) → 1, or 0 when a pivot is not positive:
;;   with A = [Z X y]'W[Z X y] (D×D, both triangles, row-major doubles at byte address a), Λ the
;;   q×q relative covariance factor stored by columns (column b's entries e in [cp[b], cp[b+1]):
;;   row ri[e], value θ[ti[e]], the i32 arrays at cp, ri, ti, θ the doubles at th), it forms
;;   (Bates et al. 2015, eq. 18)
;;     C = [ Λ'A_ZZΛ + I        ·   ]
;;         [ A_[Xy]Z Λ      A_[Xy][Xy] ]
;;   in the lower triangle of the D×D row-major doubles at c, by way of T = A[:, Z]Λ kept by
;;   columns (q rows of D doubles at t: T'[b][r] = Σ_e v[e] A[ri[e]][r]), v (doubles at v) the
;;   entries of Λ; then factors C = LL' in place (the Cholesky–Banachiewicz order of
;;   dense.ts `choleskyInPlace`, one rounded multiply and one rounded subtraction per term).
;;
;; criterion(…, n, p, reml), the export: $factor, then the profiled deviance (reml 0) or the
;; REML criterion (reml 1) from L's diagonal (Bates et al. 2015, eqs. 34 and 41), +Infinity when C
;; is not positive definite; logs by `ln`, elementary.ts `log` (elementary.wat), the same bits on
;; every engine.
(module
  (import "env" "memory" (memory 1))
  (import "env" "ln" (func $ln (param f64) (result f64)))
  (func $factor (param $a i32) (param $c i32) (param $t i32) (param $cp i32) (param $ri i32)
    (param $ti i32) (param $v i32) (param $th i32) (param $D i32) (param $q i32) (result i32)
    (local $rowBytes i32) (local $e i32) (local $eEnd i32) (local $b i32) (local $i i32) (local $j i32)
    (local $k i32) (local $src i32) (local $dst i32) (local $ri_ i32) (local $rj i32) (local $w f64) (local $s f64)
    (local.set $rowBytes (i32.shl (local.get $D) (i32.const 3)))
    ;; v[e] = θ[ti[e]]
    (local.set $e (i32.const 0))
    (local.set $eEnd (i32.load (i32.add (local.get $cp) (i32.shl (local.get $q) (i32.const 2)))))
    (block $vals_done
      (loop $vals
        (br_if $vals_done (i32.ge_s (local.get $e) (local.get $eEnd)))
        (f64.store (i32.add (local.get $v) (i32.shl (local.get $e) (i32.const 3)))
          (f64.load (i32.add (local.get $th) (i32.shl (i32.load (i32.add (local.get $ti) (i32.shl (local.get $e) (i32.const 2)))) (i32.const 3)))))
        (local.set $e (i32.add (local.get $e) (i32.const 1)))
        (br $vals)))
    ;; T'[b] = Σ_{e in column b} v[e] A[ri[e]], e in order.
    (local.set $b (i32.const 0))
    (block $tcols_done
      (loop $tcols
        (br_if $tcols_done (i32.ge_s (local.get $b) (local.get $q)))
        (local.set $dst (i32.add (local.get $t) (i32.mul (local.get $b) (local.get $rowBytes))))
        (memory.fill (local.get $dst) (i32.const 0) (local.get $rowBytes))
        (local.set $e (i32.load (i32.add (local.get $cp) (i32.shl (local.get $b) (i32.const 2)))))
        (local.set $eEnd (i32.load (i32.add (local.get $cp) (i32.shl (i32.add (local.get $b) (i32.const 1)) (i32.const 2)))))
        (block $entries_done
          (loop $entries
            (br_if $entries_done (i32.ge_s (local.get $e) (local.get $eEnd)))
            (local.set $w (f64.load (i32.add (local.get $v) (i32.shl (local.get $e) (i32.const 3)))))
            (local.set $src (i32.add (local.get $a) (i32.mul (i32.load (i32.add (local.get $ri) (i32.shl (local.get $e) (i32.const 2)))) (local.get $rowBytes))))
            (local.set $k (i32.const 0))
            (block $axpy_done
              (loop $axpy
                (br_if $axpy_done (i32.ge_s (local.get $k) (local.get $rowBytes)))
                (f64.store (i32.add (local.get $dst) (local.get $k))
                  (f64.add (f64.load (i32.add (local.get $dst) (local.get $k)))
                           (f64.mul (local.get $w) (f64.load (i32.add (local.get $src) (local.get $k))))))
                (local.set $k (i32.add (local.get $k) (i32.const 8)))
                (br $axpy)))
            (local.set $e (i32.add (local.get $e) (i32.const 1)))
            (br $entries)))
        (local.set $b (i32.add (local.get $b) (i32.const 1)))
        (br $tcols)))
    ;; Rows i < q of C: C[i][j] = Σ_{e in column i} v[e] T'[j][ri[e]] (+1 on the diagonal), j ≤ i.
    (local.set $i (i32.const 0))
    (block $zrows_done
      (loop $zrows
        (br_if $zrows_done (i32.ge_s (local.get $i) (local.get $q)))
        (local.set $j (i32.const 0))
        (block $zcols_done
          (loop $zcols
            (br_if $zcols_done (i32.gt_s (local.get $j) (local.get $i)))
            (local.set $src (i32.add (local.get $t) (i32.mul (local.get $j) (local.get $rowBytes))))
            (local.set $s (f64.const 0))
            (local.set $e (i32.load (i32.add (local.get $cp) (i32.shl (local.get $i) (i32.const 2)))))
            (local.set $eEnd (i32.load (i32.add (local.get $cp) (i32.shl (i32.add (local.get $i) (i32.const 1)) (i32.const 2)))))
            (block $dot_done
              (loop $dot
                (br_if $dot_done (i32.ge_s (local.get $e) (local.get $eEnd)))
                (local.set $s (f64.add (local.get $s)
                  (f64.mul (f64.load (i32.add (local.get $v) (i32.shl (local.get $e) (i32.const 3))))
                           (f64.load (i32.add (local.get $src) (i32.shl (i32.load (i32.add (local.get $ri) (i32.shl (local.get $e) (i32.const 2)))) (i32.const 3)))))))
                (local.set $e (i32.add (local.get $e) (i32.const 1)))
                (br $dot)))
            (if (i32.eq (local.get $i) (local.get $j)) (then (local.set $s (f64.add (local.get $s) (f64.const 1)))))
            (f64.store (i32.add (local.get $c) (i32.add (i32.mul (local.get $i) (local.get $rowBytes)) (i32.shl (local.get $j) (i32.const 3)))) (local.get $s))
            (local.set $j (i32.add (local.get $j) (i32.const 1)))
            (br $zcols)))
        (local.set $i (i32.add (local.get $i) (i32.const 1)))
        (br $zrows)))
    ;; Rows i ≥ q: C[i][j] = T'[j][i] for j < q, A[i][j] for q ≤ j ≤ i.
    (block $xrows_done
      (loop $xrows
        (br_if $xrows_done (i32.ge_s (local.get $i) (local.get $D)))
        (local.set $dst (i32.add (local.get $c) (i32.mul (local.get $i) (local.get $rowBytes))))
        (local.set $j (i32.const 0))
        (block $xz_done
          (loop $xz
            (br_if $xz_done (i32.ge_s (local.get $j) (local.get $q)))
            (f64.store (i32.add (local.get $dst) (i32.shl (local.get $j) (i32.const 3)))
              (f64.load (i32.add (i32.add (local.get $t) (i32.mul (local.get $j) (local.get $rowBytes))) (i32.shl (local.get $i) (i32.const 3)))))
            (local.set $j (i32.add (local.get $j) (i32.const 1)))
            (br $xz)))
        (local.set $src (i32.add (local.get $a) (i32.mul (local.get $i) (local.get $rowBytes))))
        (block $xx_done
          (loop $xx
            (br_if $xx_done (i32.gt_s (local.get $j) (local.get $i)))
            (f64.store (i32.add (local.get $dst) (i32.shl (local.get $j) (i32.const 3)))
              (f64.load (i32.add (local.get $src) (i32.shl (local.get $j) (i32.const 3)))))
            (local.set $j (i32.add (local.get $j) (i32.const 1)))
            (br $xx)))
        (local.set $i (i32.add (local.get $i) (i32.const 1)))
        (br $xrows)))
    ;; C = LL' in place: L[i][j] = (C[i][j] − Σ_{k<j} L[i][k] L[j][k]) / L[j][j], L[i][i] = √(…).
    (local.set $i (i32.const 0))
    (block $chol_done
      (loop $chol
        (br_if $chol_done (i32.ge_s (local.get $i) (local.get $D)))
        (local.set $ri_ (i32.add (local.get $c) (i32.mul (local.get $i) (local.get $rowBytes))))
        (local.set $j (i32.const 0))
        (block $cols_done
          (loop $cols
            (br_if $cols_done (i32.gt_s (local.get $j) (local.get $i)))
            (local.set $rj (i32.add (local.get $c) (i32.mul (local.get $j) (local.get $rowBytes))))
            (local.set $s (f64.load (i32.add (local.get $ri_) (i32.shl (local.get $j) (i32.const 3)))))
            (local.set $k (i32.const 0))
            (block $sum_done
              (loop $sum
                (br_if $sum_done (i32.ge_s (local.get $k) (i32.shl (local.get $j) (i32.const 3))))
                (local.set $s (f64.sub (local.get $s)
                  (f64.mul (f64.load (i32.add (local.get $ri_) (local.get $k))) (f64.load (i32.add (local.get $rj) (local.get $k))))))
                (local.set $k (i32.add (local.get $k) (i32.const 8)))
                (br $sum)))
            (if (i32.eq (local.get $i) (local.get $j))
              (then
                ;; not (s > 0), NaN included
                (if (i32.eqz (f64.gt (local.get $s) (f64.const 0))) (then (return (i32.const 0))))
                (f64.store (i32.add (local.get $ri_) (i32.shl (local.get $i) (i32.const 3))) (f64.sqrt (local.get $s))))
              (else
                (f64.store (i32.add (local.get $ri_) (i32.shl (local.get $j) (i32.const 3)))
                  (f64.div (local.get $s) (f64.load (i32.add (local.get $rj) (i32.shl (local.get $j) (i32.const 3))))))))
            (local.set $j (i32.add (local.get $j) (i32.const 1)))
            (br $cols)))
        (local.set $i (i32.add (local.get $i) (i32.const 1)))
        (br $chol)))
    (i32.const 1))

  (func (export "criterion") (param $a i32) (param $c i32) (param $t i32) (param $cp i32) (param $ri i32)
    (param $ti i32) (param $v i32) (param $th i32) (param $D i32) (param $q i32) (param $n f64) (param $p f64) (param $reml i32) (result f64)
    (local $i i32) (local $diag i32) (local $logdetL f64) (local $logdetRX f64) (local $last f64) (local $nr f64)
    (if (i32.eqz (call $factor (local.get $a) (local.get $c) (local.get $t) (local.get $cp) (local.get $ri) (local.get $ti)
                               (local.get $v) (local.get $th) (local.get $D) (local.get $q)))
      (then (return (f64.const inf))))
    ;; diag: byte stride of C's diagonal, D + 1 doubles
    (local.set $diag (i32.shl (i32.add (local.get $D) (i32.const 1)) (i32.const 3)))
    (block $l_done
      (loop $l
        (br_if $l_done (i32.ge_s (local.get $i) (local.get $q)))
        (local.set $logdetL (f64.add (local.get $logdetL) (call $ln (f64.load (i32.add (local.get $c) (i32.mul (local.get $i) (local.get $diag)))))))
        (local.set $i (i32.add (local.get $i) (i32.const 1)))
        (br $l)))
    (block $x_done
      (loop $x
        (br_if $x_done (i32.ge_s (local.get $i) (i32.sub (local.get $D) (i32.const 1))))
        (local.set $logdetRX (f64.add (local.get $logdetRX) (call $ln (f64.load (i32.add (local.get $c) (i32.mul (local.get $i) (local.get $diag)))))))
        (local.set $i (i32.add (local.get $i) (i32.const 1)))
        (br $x)))
    (local.set $last (f64.load (i32.add (local.get $c) (i32.mul (local.get $i) (local.get $diag)))))
    ;; pwrss = last², and 2π pwrss / n_r with n_r = n − p (REML) or n (ML)
    (local.set $nr (select (f64.sub (local.get $n) (local.get $p)) (local.get $n) (local.get $reml)))
    (f64.add
      (f64.add (f64.mul (f64.const 2) (local.get $logdetL))
               (select (f64.mul (f64.const 2) (local.get $logdetRX)) (f64.const 0) (local.get $reml)))
      (f64.mul (local.get $nr)
        (f64.add (f64.const 1)
          (call $ln (f64.div (f64.mul (f64.const 6.283185307179586) (f64.mul (local.get $last) (local.get $last))) (local.get $nr)))))))
)
