;; Direct autocovariance sums for the ESS, and chain means and variances (see lagKernel.ts), in
;; WebAssembly with 128-bit SIMD.
;; `npm run build:wasm` turns this text into lagKernelWasm.ts (wabt's wat2wasm, no optimiser:
;; the code below is what runs).
;;
;; lags8(y, m, n, k0, out) writes, for j = 0..7,
;;   out[j] = Σ_c (1/n) Σ_{i < n−k0−j} y[c·n + i] · y[c·n + i + k0 + j]
;; for the m chains of n doubles stored one after another from byte address y; out (byte
;; address, 16 doubles) takes the 8 sums in out[0..7] and uses out[8..15] as scratch.
;; Requires k0 + 8 ≤ n.
;;
;; The main loop takes two pairs of draws (i, i+1) and (i+2, i+3) per step: each f64x2
;; accumulator a_j collects lag k0+j from u = y[i..i+1] times b_j = y[i+k0+j ..] and from
;; v = y[i+2..i+3] times b_{j+2}, so 12 loads serve 32 multiply–adds. Lane 0 of a_j sums the
;; even draws, lane 1 the odd ones. The draws left over (fewer than 4 + k0 + 8 per chain) are
;; summed one at a time per lag.
(module
  (import "env" "memory" (memory 1))
  (func (export "lags8") (param $y i32) (param $m i32) (param $n i32) (param $k0 i32) (param $out i32)
    (local $c i32) (local $i i32) (local $stop i32) (local $p i32) (local $q i32)
    (local $j i32) (local $r i32) (local $rEnd i32) (local $s f64)
    (local $u v128) (local $v v128)
    (local $a0 v128) (local $a1 v128) (local $a2 v128) (local $a3 v128)
    (local $a4 v128) (local $a5 v128) (local $a6 v128) (local $a7 v128)
    (local $b0 v128) (local $b1 v128) (local $b2 v128) (local $b3 v128) (local $b4 v128)
    (local $b5 v128) (local $b6 v128) (local $b7 v128) (local $b8 v128) (local $b9 v128)
    (v128.store offset=0 (local.get $out) (v128.const f64x2 0 0))
    (v128.store offset=16 (local.get $out) (v128.const f64x2 0 0))
    (v128.store offset=32 (local.get $out) (v128.const f64x2 0 0))
    (v128.store offset=48 (local.get $out) (v128.const f64x2 0 0))
    ;; the pair (i, i+1) has partners at every lag while i + 1 + k0 + 7 ≤ n − 1: i < stop
    (local.set $stop (i32.sub (i32.sub (local.get $n) (local.get $k0)) (i32.const 8)))
    (local.set $c (i32.const 0))
    (block $chains_done
      (loop $chains
        (br_if $chains_done (i32.ge_u (local.get $c) (local.get $m)))
        (local.set $a0 (v128.const f64x2 0 0)) (local.set $a1 (v128.const f64x2 0 0))
        (local.set $a2 (v128.const f64x2 0 0)) (local.set $a3 (v128.const f64x2 0 0))
        (local.set $a4 (v128.const f64x2 0 0)) (local.set $a5 (v128.const f64x2 0 0))
        (local.set $a6 (v128.const f64x2 0 0)) (local.set $a7 (v128.const f64x2 0 0))
        ;; p: byte address of draw i of chain c
        (local.set $p (i32.add (local.get $y) (i32.shl (i32.mul (local.get $c) (local.get $n)) (i32.const 3))))
        (local.set $i (i32.const 0))
        ;; two pairs per step while the second pair (i+2, i+3) has all its partners
        (block $quad_done
          (loop $quad
            (br_if $quad_done (i32.ge_s (i32.add (local.get $i) (i32.const 2)) (local.get $stop)))
            (local.set $u (v128.load offset=0 (local.get $p)))
            (local.set $v (v128.load offset=16 (local.get $p)))
            (local.set $q (i32.add (local.get $p) (i32.shl (local.get $k0) (i32.const 3))))
            (local.set $b0 (v128.load offset=0 (local.get $q)))
            (local.set $b1 (v128.load offset=8 (local.get $q)))
            (local.set $b2 (v128.load offset=16 (local.get $q)))
            (local.set $b3 (v128.load offset=24 (local.get $q)))
            (local.set $b4 (v128.load offset=32 (local.get $q)))
            (local.set $b5 (v128.load offset=40 (local.get $q)))
            (local.set $b6 (v128.load offset=48 (local.get $q)))
            (local.set $b7 (v128.load offset=56 (local.get $q)))
            (local.set $b8 (v128.load offset=64 (local.get $q)))
            (local.set $b9 (v128.load offset=72 (local.get $q)))
            (local.set $a0 (f64x2.add (local.get $a0) (f64x2.add (f64x2.mul (local.get $u) (local.get $b0)) (f64x2.mul (local.get $v) (local.get $b2)))))
            (local.set $a1 (f64x2.add (local.get $a1) (f64x2.add (f64x2.mul (local.get $u) (local.get $b1)) (f64x2.mul (local.get $v) (local.get $b3)))))
            (local.set $a2 (f64x2.add (local.get $a2) (f64x2.add (f64x2.mul (local.get $u) (local.get $b2)) (f64x2.mul (local.get $v) (local.get $b4)))))
            (local.set $a3 (f64x2.add (local.get $a3) (f64x2.add (f64x2.mul (local.get $u) (local.get $b3)) (f64x2.mul (local.get $v) (local.get $b5)))))
            (local.set $a4 (f64x2.add (local.get $a4) (f64x2.add (f64x2.mul (local.get $u) (local.get $b4)) (f64x2.mul (local.get $v) (local.get $b6)))))
            (local.set $a5 (f64x2.add (local.get $a5) (f64x2.add (f64x2.mul (local.get $u) (local.get $b5)) (f64x2.mul (local.get $v) (local.get $b7)))))
            (local.set $a6 (f64x2.add (local.get $a6) (f64x2.add (f64x2.mul (local.get $u) (local.get $b6)) (f64x2.mul (local.get $v) (local.get $b8)))))
            (local.set $a7 (f64x2.add (local.get $a7) (f64x2.add (f64x2.mul (local.get $u) (local.get $b7)) (f64x2.mul (local.get $v) (local.get $b9)))))
            (local.set $p (i32.add (local.get $p) (i32.const 32)))
            (local.set $i (i32.add (local.get $i) (i32.const 4)))
            (br $quad)))
        ;; at most one more pair
        (if (i32.lt_s (local.get $i) (local.get $stop))
          (then
            (local.set $u (v128.load offset=0 (local.get $p)))
            (local.set $q (i32.add (local.get $p) (i32.shl (local.get $k0) (i32.const 3))))
            (local.set $a0 (f64x2.add (local.get $a0) (f64x2.mul (local.get $u) (v128.load offset=0 (local.get $q)))))
            (local.set $a1 (f64x2.add (local.get $a1) (f64x2.mul (local.get $u) (v128.load offset=8 (local.get $q)))))
            (local.set $a2 (f64x2.add (local.get $a2) (f64x2.mul (local.get $u) (v128.load offset=16 (local.get $q)))))
            (local.set $a3 (f64x2.add (local.get $a3) (f64x2.mul (local.get $u) (v128.load offset=24 (local.get $q)))))
            (local.set $a4 (f64x2.add (local.get $a4) (f64x2.mul (local.get $u) (v128.load offset=32 (local.get $q)))))
            (local.set $a5 (f64x2.add (local.get $a5) (f64x2.mul (local.get $u) (v128.load offset=40 (local.get $q)))))
            (local.set $a6 (f64x2.add (local.get $a6) (f64x2.mul (local.get $u) (v128.load offset=48 (local.get $q)))))
            (local.set $a7 (f64x2.add (local.get $a7) (f64x2.mul (local.get $u) (v128.load offset=56 (local.get $q)))))
            (local.set $p (i32.add (local.get $p) (i32.const 16)))
            (local.set $i (i32.add (local.get $i) (i32.const 2)))))
        ;; lane sums to the scratch out[8 + j]
        (f64.store offset=64 (local.get $out) (f64.add (f64x2.extract_lane 0 (local.get $a0)) (f64x2.extract_lane 1 (local.get $a0))))
        (f64.store offset=72 (local.get $out) (f64.add (f64x2.extract_lane 0 (local.get $a1)) (f64x2.extract_lane 1 (local.get $a1))))
        (f64.store offset=80 (local.get $out) (f64.add (f64x2.extract_lane 0 (local.get $a2)) (f64x2.extract_lane 1 (local.get $a2))))
        (f64.store offset=88 (local.get $out) (f64.add (f64x2.extract_lane 0 (local.get $a3)) (f64x2.extract_lane 1 (local.get $a3))))
        (f64.store offset=96 (local.get $out) (f64.add (f64x2.extract_lane 0 (local.get $a4)) (f64x2.extract_lane 1 (local.get $a4))))
        (f64.store offset=104 (local.get $out) (f64.add (f64x2.extract_lane 0 (local.get $a5)) (f64x2.extract_lane 1 (local.get $a5))))
        (f64.store offset=112 (local.get $out) (f64.add (f64x2.extract_lane 0 (local.get $a6)) (f64x2.extract_lane 1 (local.get $a6))))
        (f64.store offset=120 (local.get $out) (f64.add (f64x2.extract_lane 0 (local.get $a7)) (f64x2.extract_lane 1 (local.get $a7))))
        ;; the remaining draws i .. n−k0−j−1 at lag k0 + j, one at a time; then out[j] += sum / n
        (local.set $j (i32.const 0))
        (loop $lags
          (local.set $s (f64.load offset=64 (i32.add (local.get $out) (i32.shl (local.get $j) (i32.const 3)))))
          (local.set $r (local.get $p))
          (local.set $q (i32.add (local.get $p) (i32.shl (i32.add (local.get $k0) (local.get $j)) (i32.const 3))))
          ;; rEnd: byte address of draw n − k0 − j of chain c
          (local.set $rEnd
            (i32.add (local.get $y)
              (i32.shl
                (i32.sub (i32.mul (i32.add (local.get $c) (i32.const 1)) (local.get $n)) (i32.add (local.get $k0) (local.get $j)))
                (i32.const 3))))
          (block $tail_done
            (loop $tail
              (br_if $tail_done (i32.ge_u (local.get $r) (local.get $rEnd)))
              (local.set $s (f64.add (local.get $s) (f64.mul (f64.load (local.get $r)) (f64.load (local.get $q)))))
              (local.set $r (i32.add (local.get $r) (i32.const 8)))
              (local.set $q (i32.add (local.get $q) (i32.const 8)))
              (br $tail)))
          (f64.store (i32.add (local.get $out) (i32.shl (local.get $j) (i32.const 3)))
            (f64.add (f64.load (i32.add (local.get $out) (i32.shl (local.get $j) (i32.const 3))))
              (f64.div (local.get $s) (f64.convert_i32_u (local.get $n)))))
          (local.set $j (i32.add (local.get $j) (i32.const 1)))
          (br_if $lags (i32.lt_u (local.get $j) (i32.const 8))))
        (local.set $c (i32.add (local.get $c) (i32.const 1)))
        (br $chains))))

  ;; moments(x, m, n, means, vars, centred, write): for each of the m chains of n doubles at x,
  ;; its mean and variance (denominator n − 1) as R's mean and var compute them: the sum over n
  ;; gives μ, then a second pass sums d = x − μ and d², and mean = μ + Σd/n,
  ;; var = (Σd² − (Σd)²/n)/(n − 1). With write ≠ 0 a third pass writes the draws centred on
  ;; that mean to centred (which may be x): far from zero, μ alone can be off by many ulps, and
  ;; the autocovariances would see it. Sums run in two-lane vectors (four lanes for the first
  ;; pass).
  (func (export "moments") (param $x i32) (param $m i32) (param $n i32) (param $means i32) (param $vars i32)
                           (param $centred i32) (param $write i32)
    (local $c i32) (local $start i32) (local $p i32) (local $q i32) (local $end i32) (local $end4 i32) (local $end2 i32)
    (local $s0 v128) (local $s1 v128) (local $muv v128) (local $d v128) (local $ss v128) (local $dv v128)
    (local $nf f64) (local $sum f64) (local $mu f64) (local $e f64) (local $ssf f64) (local $devf f64)
    (local.set $nf (f64.convert_i32_u (local.get $n)))
    (local.set $c (i32.const 0))
    (block $chains_done
      (loop $chains
        (br_if $chains_done (i32.ge_u (local.get $c) (local.get $m)))
        (local.set $start (i32.shl (i32.mul (local.get $c) (local.get $n)) (i32.const 3)))
        (local.set $p (i32.add (local.get $x) (local.get $start)))
        (local.set $end (i32.add (local.get $p) (i32.shl (local.get $n) (i32.const 3))))
        (local.set $end4 (i32.add (local.get $p) (i32.shl (i32.and (local.get $n) (i32.const -4)) (i32.const 3))))
        (local.set $end2 (i32.add (local.get $p) (i32.shl (i32.and (local.get $n) (i32.const -2)) (i32.const 3))))
        ;; first pass: the sum
        (local.set $s0 (v128.const f64x2 0 0))
        (local.set $s1 (v128.const f64x2 0 0))
        (block $sum_done
          (loop $sum4
            (br_if $sum_done (i32.ge_u (local.get $p) (local.get $end4)))
            (local.set $s0 (f64x2.add (local.get $s0) (v128.load offset=0 (local.get $p))))
            (local.set $s1 (f64x2.add (local.get $s1) (v128.load offset=16 (local.get $p))))
            (local.set $p (i32.add (local.get $p) (i32.const 32)))
            (br $sum4)))
        (local.set $sum
          (f64.add (f64.add (f64x2.extract_lane 0 (local.get $s0)) (f64x2.extract_lane 0 (local.get $s1)))
                   (f64.add (f64x2.extract_lane 1 (local.get $s0)) (f64x2.extract_lane 1 (local.get $s1)))))
        (block $tail_done
          (loop $tail
            (br_if $tail_done (i32.ge_u (local.get $p) (local.get $end)))
            (local.set $sum (f64.add (local.get $sum) (f64.load (local.get $p))))
            (local.set $p (i32.add (local.get $p) (i32.const 8)))
            (br $tail)))
        (local.set $mu (f64.div (local.get $sum) (local.get $nf)))
        (local.set $muv (f64x2.splat (local.get $mu)))
        ;; second pass: deviations from μ, their sum and sum of squares
        (local.set $p (i32.add (local.get $x) (local.get $start)))
        (local.set $q (i32.add (local.get $centred) (local.get $start)))
        (local.set $ss (v128.const f64x2 0 0))
        (local.set $dv (v128.const f64x2 0 0))
        (block $dev_done
          (loop $dev
            (br_if $dev_done (i32.ge_u (local.get $p) (local.get $end2)))
            (local.set $d (f64x2.sub (v128.load (local.get $p)) (local.get $muv)))
            (local.set $ss (f64x2.add (local.get $ss) (f64x2.mul (local.get $d) (local.get $d))))
            (local.set $dv (f64x2.add (local.get $dv) (local.get $d)))
            (local.set $p (i32.add (local.get $p) (i32.const 16)))
            (br $dev)))
        (local.set $ssf (f64.add (f64x2.extract_lane 0 (local.get $ss)) (f64x2.extract_lane 1 (local.get $ss))))
        (local.set $devf (f64.add (f64x2.extract_lane 0 (local.get $dv)) (f64x2.extract_lane 1 (local.get $dv))))
        (if (i32.lt_u (local.get $p) (local.get $end))
          (then
            (local.set $e (f64.sub (f64.load (local.get $p)) (local.get $mu)))
            (local.set $ssf (f64.add (local.get $ssf) (f64.mul (local.get $e) (local.get $e))))
            (local.set $devf (f64.add (local.get $devf) (local.get $e)))))
        ;; the mean, corrected by the deviations' sum (R's mean does the same in long double)
        (local.set $mu (f64.add (local.get $mu) (f64.div (local.get $devf) (local.get $nf))))
        (f64.store (i32.add (local.get $means) (i32.shl (local.get $c) (i32.const 3))) (local.get $mu))
        ;; third pass (with write): the draws centred on the corrected mean, as R's x − mean(x)
        (if (local.get $write)
          (then
            (local.set $muv (f64x2.splat (local.get $mu)))
            (local.set $p (i32.add (local.get $x) (local.get $start)))
            (local.set $q (i32.add (local.get $centred) (local.get $start)))
            (block $centre_done
              (loop $centre
                (br_if $centre_done (i32.ge_u (local.get $p) (local.get $end2)))
                (v128.store (local.get $q) (f64x2.sub (v128.load (local.get $p)) (local.get $muv)))
                (local.set $p (i32.add (local.get $p) (i32.const 16)))
                (local.set $q (i32.add (local.get $q) (i32.const 16)))
                (br $centre)))
            (if (i32.lt_u (local.get $p) (local.get $end))
              (then (f64.store (local.get $q) (f64.sub (f64.load (local.get $p)) (local.get $mu)))))))
        (f64.store (i32.add (local.get $vars) (i32.shl (local.get $c) (i32.const 3)))
          (f64.div (f64.sub (local.get $ssf) (f64.div (f64.mul (local.get $devf) (local.get $devf)) (local.get $nf)))
                   (f64.sub (local.get $nf) (f64.const 1))))
        (local.set $c (i32.add (local.get $c) (i32.const 1)))
        (br $chains)))))
