;; BOBYQA (bobyqa.ts) in WebAssembly: its loop, the interpolation system (H = W⁻¹ and its updates,
;; interpolation.ts), the geometry search, the model's least Frobenius norm update and the bounded
;; trust-region step, on a system, model and interpolation set that live in the kernel's memory;
;; the objective is called back through the import `objective`. Machine code from the module's
;; compilation, where a fresh process ran the JavaScript in V8's baseline tier (interpolationKernel.ts
;; says what that cost). `npm run build:wasm` turns this text into interpolationKernelWasm.ts
;; (wabt's wat2wasm, no optimiser: the code below is what runs).
;;
;; Byte addresses: H the inverse KKT matrix (N×N row-major doubles, N = m+n+1), S the scaled
;; displacements s_k (m rows of n doubles), t a scaled point (n doubles), w, hw, v, h (N doubles
;; each), sig and tau (m doubles), r (m doubles), A scratch (N×N doubles); the loop's own regions
;; come from `setLayout`.
;;
;; Each part keeps the steps and arithmetic of the JavaScript it replaced, which the comments name
;; (interpolation.ts, bobyqa.ts and trustRegion.ts as they were before this kernel): every sum in
;; the same order, one rounded multiply and one rounded add per term (no fused multiply–add), the
;; same tests and tie-breaks. The optimiser therefore takes the same path bit for bit: the same
;; evaluations, criteria and θ on every lme4 fixture fit, before and after.
(module
  (import "env" "memory" (memory 1))
  (import "env" "cos" (func $cos (param f64) (result f64)))
  (import "env" "sin" (func $sin (param f64) (result f64)))
  (import "env" "atan2" (func $atan2 (param f64 f64) (result f64)))
  (import "env" "hypot" (func $hypot (param f64 f64) (result f64)))
  (import "env" "objective" (func $objective (param i32) (result f64)))

  ;; Σ_{i<len} a[i]·b[i], from 0 in order.
  (func $dot (param $a i32) (param $b i32) (param $len i32) (result f64)
    (local $acc f64) (local $end i32)
    (local.set $end (i32.add (local.get $a) (i32.shl (local.get $len) (i32.const 3))))
    (block $done
      (loop $next
        (br_if $done (i32.ge_u (local.get $a) (local.get $end)))
        (local.set $acc (f64.add (local.get $acc) (f64.mul (f64.load (local.get $a)) (f64.load (local.get $b)))))
        (local.set $a (i32.add (local.get $a) (i32.const 8)))
        (local.set $b (i32.add (local.get $b) (i32.const 8)))
        (br $next)))
    (local.get $acc))

  ;; w = (½(s_j·t)² for j < m, 1, t); returns ‖t‖² (summed from 0 in order).
  (func $fillW (param $S i32) (param $t i32) (param $w i32) (param $m i32) (param $n i32) (result f64)
    (local $j i32) (local $d f64) (local $tt f64) (local $x f64) (local $i i32) (local $rowBytes i32)
    (local.set $rowBytes (i32.shl (local.get $n) (i32.const 3)))
    (block $done
      (loop $next
        (br_if $done (i32.ge_s (local.get $j) (local.get $m)))
        (local.set $d (call $dot (i32.add (local.get $S) (i32.mul (local.get $j) (local.get $rowBytes))) (local.get $t) (local.get $n)))
        (f64.store (i32.add (local.get $w) (i32.shl (local.get $j) (i32.const 3)))
          (f64.mul (f64.const 0.5) (f64.mul (local.get $d) (local.get $d))))
        (local.set $j (i32.add (local.get $j) (i32.const 1)))
        (br $next)))
    (f64.store (i32.add (local.get $w) (i32.shl (local.get $m) (i32.const 3))) (f64.const 1))
    (block $tdone
      (loop $tnext
        (br_if $tdone (i32.ge_s (local.get $i) (local.get $n)))
        (local.set $x (f64.load (i32.add (local.get $t) (i32.shl (local.get $i) (i32.const 3)))))
        (f64.store (i32.add (local.get $w) (i32.shl (i32.add (i32.add (local.get $m) (i32.const 1)) (local.get $i)) (i32.const 3))) (local.get $x))
        (local.set $tt (f64.add (local.get $tt) (f64.mul (local.get $x) (local.get $x))))
        (local.set $i (i32.add (local.get $i) (i32.const 1)))
        (br $tnext)))
    (local.get $tt))

  ;; out = H w (N×N row-major H).
  (func $matvec (param $H i32) (param $w i32) (param $out i32) (param $N i32)
    (local $i i32) (local $rowBytes i32)
    (local.set $rowBytes (i32.shl (local.get $N) (i32.const 3)))
    (block $done
      (loop $next
        (br_if $done (i32.ge_s (local.get $i) (local.get $N)))
        (f64.store (i32.add (local.get $out) (i32.shl (local.get $i) (i32.const 3)))
          (call $dot (i32.add (local.get $H) (i32.mul (local.get $i) (local.get $rowBytes))) (local.get $w) (local.get $N)))
        (local.set $i (i32.add (local.get $i) (i32.const 1)))
        (br $next)))
  )

  ;; β = ½‖t‖⁴ − wᵀHw after w and hw = Hw are formed for the point t (interpolation.ts
  ;; `denominatorsScaled`).
  (func $beta (param $H i32) (param $S i32) (param $t i32) (param $w i32) (param $hw i32) (param $N i32) (param $m i32) (param $n i32) (result f64)
    (local $tt f64)
    (local.set $tt (call $fillW (local.get $S) (local.get $t) (local.get $w) (local.get $m) (local.get $n)))
    (call $matvec (local.get $H) (local.get $w) (local.get $hw) (local.get $N))
    (f64.sub (f64.mul (f64.mul (f64.const 0.5) (local.get $tt)) (local.get $tt)) (call $dot (local.get $w) (local.get $hw) (local.get $N))))

  ;; σ_k = H_kk β + τ_k² and τ_k = (Hw)_k for every k < m; returns β.
  (func $denominators (param $H i32) (param $S i32) (param $t i32) (param $w i32) (param $hw i32)
    (param $sig i32) (param $tau i32) (param $N i32) (param $m i32) (param $n i32) (result f64)
    (local $beta f64) (local $k i32) (local $x f64)
    (local.set $beta (call $beta (local.get $H) (local.get $S) (local.get $t) (local.get $w) (local.get $hw) (local.get $N) (local.get $m) (local.get $n)))
    (block $done
      (loop $next
        (br_if $done (i32.ge_s (local.get $k) (local.get $m)))
        (local.set $x (f64.load (i32.add (local.get $hw) (i32.shl (local.get $k) (i32.const 3)))))
        (f64.store (i32.add (local.get $tau) (i32.shl (local.get $k) (i32.const 3))) (local.get $x))
        (f64.store (i32.add (local.get $sig) (i32.shl (local.get $k) (i32.const 3)))
          (f64.add (f64.mul (f64.load (i32.add (local.get $H) (i32.shl (i32.mul (local.get $k) (i32.add (local.get $N) (i32.const 1))) (i32.const 3)))) (local.get $beta))
                   (f64.mul (local.get $x) (local.get $x))))
        (local.set $k (i32.add (local.get $k) (i32.const 1)))
        (br $next)))
    (local.get $beta))

  ;; Replace point `k` by the scaled point t: Powell's update of H (interpolation.ts
  ;; `updateSystem`), then s_k = t. Returns 0, changing nothing, when σ is not safely positive.
  (func $update (export "update") (param $H i32) (param $S i32) (param $t i32) (param $w i32) (param $hw i32)
    (param $v i32) (param $h i32) (param $N i32) (param $m i32) (param $n i32) (param $k i32) (result i32)
    (local $alpha f64) (local $tau f64) (local $beta f64) (local $sigma f64) (local $inv f64)
    (local $vi f64) (local $hi f64) (local $a f64) (local $b f64) (local $i i32) (local $j i32)
    (local $row i32) (local $rowBytes i32) (local $x f64)
    (local.set $rowBytes (i32.shl (local.get $N) (i32.const 3)))
    (local.set $beta (call $beta (local.get $H) (local.get $S) (local.get $t) (local.get $w) (local.get $hw) (local.get $N) (local.get $m) (local.get $n)))
    (local.set $alpha (f64.load (i32.add (local.get $H) (i32.shl (i32.mul (local.get $k) (i32.add (local.get $N) (i32.const 1))) (i32.const 3)))))
    (local.set $tau (f64.load (i32.add (local.get $hw) (i32.shl (local.get $k) (i32.const 3)))))
    (local.set $sigma (f64.add (f64.mul (local.get $alpha) (local.get $beta)) (f64.mul (local.get $tau) (local.get $tau))))
    ;; not finite (σ − σ is NaN), or not above 1e-10·(|αβ| + τ²)
    (if (f64.ne (f64.sub (local.get $sigma) (local.get $sigma)) (f64.const 0)) (then (return (i32.const 0))))
    (if (i32.eqz (f64.gt (local.get $sigma)
          (f64.mul (f64.const 1e-10) (f64.add (f64.abs (f64.mul (local.get $alpha) (local.get $beta))) (f64.mul (local.get $tau) (local.get $tau))))))
      (then (return (i32.const 0))))
    ;; v = e_k − Hw, h = H e_k
    (block $vdone
      (loop $vnext
        (br_if $vdone (i32.ge_s (local.get $i) (local.get $N)))
        (f64.store (i32.add (local.get $v) (i32.shl (local.get $i) (i32.const 3)))
          (f64.sub (select (f64.const 1) (f64.const 0) (i32.eq (local.get $i) (local.get $k)))
                   (f64.load (i32.add (local.get $hw) (i32.shl (local.get $i) (i32.const 3))))))
        (f64.store (i32.add (local.get $h) (i32.shl (local.get $i) (i32.const 3)))
          (f64.load (i32.add (local.get $H) (i32.add (i32.mul (local.get $i) (local.get $rowBytes)) (i32.shl (local.get $k) (i32.const 3))))))
        (local.set $i (i32.add (local.get $i) (i32.const 1)))
        (br $vnext)))
    (local.set $inv (f64.div (f64.const 1) (local.get $sigma)))
    (local.set $i (i32.const 0))
    (block $rdone
      (loop $rnext
        (br_if $rdone (i32.ge_s (local.get $i) (local.get $N)))
        (local.set $vi (f64.mul (f64.load (i32.add (local.get $v) (i32.shl (local.get $i) (i32.const 3)))) (local.get $inv)))
        (local.set $hi (f64.mul (f64.load (i32.add (local.get $h) (i32.shl (local.get $i) (i32.const 3)))) (local.get $inv)))
        (local.set $a (f64.add (f64.mul (local.get $alpha) (local.get $vi)) (f64.mul (local.get $tau) (local.get $hi))))
        (local.set $b (f64.sub (f64.mul (local.get $tau) (local.get $vi)) (f64.mul (local.get $beta) (local.get $hi))))
        (local.set $row (i32.add (local.get $H) (i32.mul (local.get $i) (local.get $rowBytes))))
        (local.set $j (i32.const 0))
        (block $cdone
          (loop $cnext
            (br_if $cdone (i32.ge_s (local.get $j) (local.get $N)))
            (f64.store (i32.add (local.get $row) (i32.shl (local.get $j) (i32.const 3)))
              (f64.add (f64.load (i32.add (local.get $row) (i32.shl (local.get $j) (i32.const 3))))
                       (f64.add (f64.mul (local.get $a) (f64.load (i32.add (local.get $v) (i32.shl (local.get $j) (i32.const 3)))))
                                (f64.mul (local.get $b) (f64.load (i32.add (local.get $h) (i32.shl (local.get $j) (i32.const 3))))))))
            (local.set $j (i32.add (local.get $j) (i32.const 1)))
            (br $cnext)))
        (local.set $i (i32.add (local.get $i) (i32.const 1)))
        (br $rnext)))
    ;; s_k = t
    (memory.copy (i32.add (local.get $S) (i32.mul (local.get $k) (i32.shl (local.get $n) (i32.const 3)))) (local.get $t) (i32.shl (local.get $n) (i32.const 3)))
    (i32.const 1))

  ;; H = W⁻¹ for the points S (interpolation.ts `buildSystem` then `invert`, Gauss–Jordan with
  ;; partial pivoting, then symmetrised); A is scratch. Returns 0 when a pivot falls below
  ;; relTol times W's largest entry.
  (func $build (export "build") (param $H i32) (param $S i32) (param $A i32) (param $N i32) (param $m i32) (param $n i32) (param $relTol f64) (result i32)
    (local $k i32) (local $j i32) (local $i i32) (local $r i32) (local $col i32) (local $p i32)
    (local $rowBytes i32) (local $nBytes i32) (local $x f64) (local $amax f64) (local $tol f64) (local $pmax f64)
    (local $piv f64) (local $fct f64) (local $ar i32) (local $ac i32) (local $hr i32) (local $hc i32) (local $NN i32)
    (local.set $rowBytes (i32.shl (local.get $N) (i32.const 3)))
    (local.set $nBytes (i32.shl (local.get $n) (i32.const 3)))
    (local.set $NN (i32.mul (local.get $N) (local.get $N)))
    (memory.fill (local.get $A) (i32.const 0) (i32.shl (local.get $NN) (i32.const 3)))
    (memory.fill (local.get $H) (i32.const 0) (i32.shl (local.get $NN) (i32.const 3)))
    ;; W: A_kj = ½(s_k·s_j)², the row and column of ones, the s_k.
    (block $wdone
      (loop $wnext
        (br_if $wdone (i32.ge_s (local.get $k) (local.get $m)))
        (local.set $j (i32.const 0))
        (block $jdone
          (loop $jnext
            (br_if $jdone (i32.gt_s (local.get $j) (local.get $k)))
            (local.set $x (call $dot (i32.add (local.get $S) (i32.mul (local.get $k) (local.get $nBytes)))
                                     (i32.add (local.get $S) (i32.mul (local.get $j) (local.get $nBytes))) (local.get $n)))
            (local.set $x (f64.mul (f64.const 0.5) (f64.mul (local.get $x) (local.get $x))))
            (f64.store (i32.add (local.get $A) (i32.add (i32.mul (local.get $k) (local.get $rowBytes)) (i32.shl (local.get $j) (i32.const 3)))) (local.get $x))
            (f64.store (i32.add (local.get $A) (i32.add (i32.mul (local.get $j) (local.get $rowBytes)) (i32.shl (local.get $k) (i32.const 3)))) (local.get $x))
            (local.set $j (i32.add (local.get $j) (i32.const 1)))
            (br $jnext)))
        (f64.store (i32.add (local.get $A) (i32.add (i32.mul (local.get $k) (local.get $rowBytes)) (i32.shl (local.get $m) (i32.const 3)))) (f64.const 1))
        (f64.store (i32.add (local.get $A) (i32.add (i32.mul (local.get $m) (local.get $rowBytes)) (i32.shl (local.get $k) (i32.const 3)))) (f64.const 1))
        (local.set $i (i32.const 0))
        (block $idone
          (loop $inext
            (br_if $idone (i32.ge_s (local.get $i) (local.get $n)))
            (local.set $x (f64.load (i32.add (local.get $S) (i32.add (i32.mul (local.get $k) (local.get $nBytes)) (i32.shl (local.get $i) (i32.const 3))))))
            (f64.store (i32.add (local.get $A) (i32.add (i32.mul (local.get $k) (local.get $rowBytes))
                                                        (i32.shl (i32.add (i32.add (local.get $m) (i32.const 1)) (local.get $i)) (i32.const 3)))) (local.get $x))
            (f64.store (i32.add (local.get $A) (i32.add (i32.mul (i32.add (i32.add (local.get $m) (i32.const 1)) (local.get $i)) (local.get $rowBytes))
                                                        (i32.shl (local.get $k) (i32.const 3)))) (local.get $x))
            (local.set $i (i32.add (local.get $i) (i32.const 1)))
            (br $inext)))
        (local.set $k (i32.add (local.get $k) (i32.const 1)))
        (br $wnext)))
    ;; H = I; amax = max |W| (NaN propagates, and fails the test below).
    (local.set $i (i32.const 0))
    (block $idone2
      (loop $inext2
        (br_if $idone2 (i32.ge_s (local.get $i) (local.get $N)))
        (f64.store (i32.add (local.get $H) (i32.shl (i32.mul (local.get $i) (i32.add (local.get $N) (i32.const 1))) (i32.const 3))) (f64.const 1))
        (local.set $i (i32.add (local.get $i) (i32.const 1)))
        (br $inext2)))
    (local.set $i (i32.const 0))
    (block $mdone
      (loop $mnext
        (br_if $mdone (i32.ge_s (local.get $i) (local.get $NN)))
        (local.set $amax (f64.max (local.get $amax) (f64.abs (f64.load (i32.add (local.get $A) (i32.shl (local.get $i) (i32.const 3)))))))
        (local.set $i (i32.add (local.get $i) (i32.const 1)))
        (br $mnext)))
    (if (i32.eqz (f64.gt (local.get $amax) (f64.const 0))) (then (return (i32.const 0))))
    (if (f64.eq (local.get $amax) (f64.const inf)) (then (return (i32.const 0))))
    (local.set $tol (f64.mul (local.get $relTol) (local.get $amax)))
    (local.set $col (i32.const 0))
    (block $cdone
      (loop $cnext
        (br_if $cdone (i32.ge_s (local.get $col) (local.get $N)))
        (local.set $ac (i32.add (local.get $A) (i32.mul (local.get $col) (local.get $rowBytes))))
        (local.set $hc (i32.add (local.get $H) (i32.mul (local.get $col) (local.get $rowBytes))))
        ;; pivot: the first row r ≥ col of largest |a[r][col]|
        (local.set $p (local.get $col))
        (local.set $pmax (f64.abs (f64.load (i32.add (local.get $ac) (i32.shl (local.get $col) (i32.const 3))))))
        (local.set $r (i32.add (local.get $col) (i32.const 1)))
        (block $pdone
          (loop $pnext
            (br_if $pdone (i32.ge_s (local.get $r) (local.get $N)))
            (local.set $x (f64.abs (f64.load (i32.add (local.get $A) (i32.add (i32.mul (local.get $r) (local.get $rowBytes)) (i32.shl (local.get $col) (i32.const 3)))))))
            (if (f64.gt (local.get $x) (local.get $pmax)) (then (local.set $pmax (local.get $x)) (local.set $p (local.get $r))))
            (local.set $r (i32.add (local.get $r) (i32.const 1)))
            (br $pnext)))
        (if (i32.eqz (f64.gt (local.get $pmax) (local.get $tol))) (then (return (i32.const 0))))
        (if (i32.ne (local.get $p) (local.get $col))
          (then
            (local.set $ar (i32.add (local.get $A) (i32.mul (local.get $p) (local.get $rowBytes))))
            (local.set $hr (i32.add (local.get $H) (i32.mul (local.get $p) (local.get $rowBytes))))
            (local.set $j (i32.const 0))
            (block $sdone
              (loop $snext
                (br_if $sdone (i32.ge_s (local.get $j) (local.get $rowBytes)))
                (local.set $x (f64.load (i32.add (local.get $ar) (local.get $j))))
                (f64.store (i32.add (local.get $ar) (local.get $j)) (f64.load (i32.add (local.get $ac) (local.get $j))))
                (f64.store (i32.add (local.get $ac) (local.get $j)) (local.get $x))
                (local.set $x (f64.load (i32.add (local.get $hr) (local.get $j))))
                (f64.store (i32.add (local.get $hr) (local.get $j)) (f64.load (i32.add (local.get $hc) (local.get $j))))
                (f64.store (i32.add (local.get $hc) (local.get $j)) (local.get $x))
                (local.set $j (i32.add (local.get $j) (i32.const 8)))
                (br $snext)))))
        (local.set $piv (f64.load (i32.add (local.get $ac) (i32.shl (local.get $col) (i32.const 3)))))
        (local.set $j (i32.const 0))
        (block $ddone
          (loop $dnext
            (br_if $ddone (i32.ge_s (local.get $j) (local.get $rowBytes)))
            (f64.store (i32.add (local.get $ac) (local.get $j)) (f64.div (f64.load (i32.add (local.get $ac) (local.get $j))) (local.get $piv)))
            (f64.store (i32.add (local.get $hc) (local.get $j)) (f64.div (f64.load (i32.add (local.get $hc) (local.get $j))) (local.get $piv)))
            (local.set $j (i32.add (local.get $j) (i32.const 8)))
            (br $dnext)))
        (local.set $r (i32.const 0))
        (block $edone
          (loop $enext
            (br_if $edone (i32.ge_s (local.get $r) (local.get $N)))
            (if (i32.ne (local.get $r) (local.get $col))
              (then
                (local.set $ar (i32.add (local.get $A) (i32.mul (local.get $r) (local.get $rowBytes))))
                (local.set $hr (i32.add (local.get $H) (i32.mul (local.get $r) (local.get $rowBytes))))
                (local.set $fct (f64.load (i32.add (local.get $ar) (i32.shl (local.get $col) (i32.const 3)))))
                (if (f64.ne (local.get $fct) (f64.const 0))
                  (then
                    (local.set $j (i32.const 0))
                    (block $xdone
                      (loop $xnext
                        (br_if $xdone (i32.ge_s (local.get $j) (local.get $rowBytes)))
                        (f64.store (i32.add (local.get $ar) (local.get $j))
                          (f64.sub (f64.load (i32.add (local.get $ar) (local.get $j))) (f64.mul (local.get $fct) (f64.load (i32.add (local.get $ac) (local.get $j))))))
                        (f64.store (i32.add (local.get $hr) (local.get $j))
                          (f64.sub (f64.load (i32.add (local.get $hr) (local.get $j))) (f64.mul (local.get $fct) (f64.load (i32.add (local.get $hc) (local.get $j))))))
                        (local.set $j (i32.add (local.get $j) (i32.const 8)))
                        (br $xnext)))))))
            (local.set $r (i32.add (local.get $r) (i32.const 1)))
            (br $enext)))
        (local.set $col (i32.add (local.get $col) (i32.const 1)))
        (br $cnext)))
    ;; Symmetrise: H_ij = H_ji = ½(H_ij + H_ji).
    (local.set $i (i32.const 0))
    (block $ydone
      (loop $ynext
        (br_if $ydone (i32.ge_s (local.get $i) (local.get $N)))
        (local.set $j (i32.const 0))
        (block $zdone
          (loop $znext
            (br_if $zdone (i32.ge_s (local.get $j) (local.get $i)))
            (local.set $ar (i32.add (local.get $H) (i32.add (i32.mul (local.get $i) (local.get $rowBytes)) (i32.shl (local.get $j) (i32.const 3)))))
            (local.set $hr (i32.add (local.get $H) (i32.add (i32.mul (local.get $j) (local.get $rowBytes)) (i32.shl (local.get $i) (i32.const 3)))))
            (local.set $x (f64.mul (f64.const 0.5) (f64.add (f64.load (local.get $ar)) (f64.load (local.get $hr)))))
            (f64.store (local.get $ar) (local.get $x))
            (f64.store (local.get $hr) (local.get $x))
            (local.set $j (i32.add (local.get $j) (i32.const 1)))
            (br $znext)))
        (local.set $i (i32.add (local.get $i) (i32.const 1)))
        (br $ynext)))
    (i32.const 1))

  ;; dᵀGd for symmetric row-major n×n G from its lower triangle (interpolation.ts
  ;; `symmetricQuadForm`, zero components skipped as there).
  (func $symmetricQuadForm (param $G i32) (param $d i32) (param $n i32) (result f64)
    (local $acc f64) (local $i i32) (local $j i32) (local $di f64) (local $off f64) (local $row i32)
    (block $done
      (loop $next
        (br_if $done (i32.ge_s (local.get $i) (local.get $n)))
        (local.set $di (f64.load (i32.add (local.get $d) (i32.shl (local.get $i) (i32.const 3)))))
        (if (f64.ne (local.get $di) (f64.const 0))
          (then
            (local.set $row (i32.add (local.get $G) (i32.shl (i32.mul (local.get $i) (local.get $n)) (i32.const 3))))
            (local.set $off (f64.const 0))
            (local.set $j (i32.const 0))
            (block $jdone
              (loop $jnext
                (br_if $jdone (i32.ge_s (local.get $j) (local.get $i)))
                (local.set $off (f64.add (local.get $off)
                  (f64.mul (f64.load (i32.add (local.get $row) (i32.shl (local.get $j) (i32.const 3))))
                           (f64.load (i32.add (local.get $d) (i32.shl (local.get $j) (i32.const 3)))))))
                (local.set $j (i32.add (local.get $j) (i32.const 1)))
                (br $jnext)))
            (local.set $acc (f64.add (local.get $acc)
              (f64.mul (local.get $di)
                (f64.add (f64.mul (f64.load (i32.add (local.get $row) (i32.shl (local.get $i) (i32.const 3)))) (local.get $di))
                         (f64.mul (f64.const 2) (local.get $off))))))))
        (local.set $i (i32.add (local.get $i) (i32.const 1)))
        (br $next)))
    (local.get $acc))

  ;; The least Frobenius norm update of a model already centred at the base point (interpolation.ts
  ;; `updateModel` after its `recenterModel`): F the m values, g (n) and G (n×n) the model's
  ;; gradient and Hessian, updated in place; r and coef scratch. Returns the new q0.
  (func $modelUpdate (param $H i32) (param $S i32) (param $F i32) (param $g i32) (param $G i32)
    (param $r i32) (param $coef i32) (param $N i32) (param $m i32) (param $n i32) (param $q0 f64) (param $scale f64) (result f64)
    (local $k i32) (local $i i32) (local $j i32) (local $sk i32) (local $nBytes i32) (local $s2 f64) (local $lam f64) (local $li f64)
    (local $row i32) (local $rowBytes i32)
    (local.set $nBytes (i32.shl (local.get $n) (i32.const 3)))
    (local.set $rowBytes (i32.shl (local.get $N) (i32.const 3)))
    ;; r_k = F_k − q0 − (scale·g·s_k + ½ scale² s_kᵀ G s_k)
    (block $rdone
      (loop $rnext
        (br_if $rdone (i32.ge_s (local.get $k) (local.get $m)))
        (local.set $sk (i32.add (local.get $S) (i32.mul (local.get $k) (local.get $nBytes))))
        (f64.store (i32.add (local.get $r) (i32.shl (local.get $k) (i32.const 3)))
          (f64.sub (f64.sub (f64.load (i32.add (local.get $F) (i32.shl (local.get $k) (i32.const 3)))) (local.get $q0))
                   (f64.add (f64.mul (local.get $scale) (call $dot (local.get $g) (local.get $sk) (local.get $n)))
                            (f64.mul (f64.mul (f64.mul (f64.const 0.5) (local.get $scale)) (local.get $scale))
                                     (call $symmetricQuadForm (local.get $G) (local.get $sk) (local.get $n))))))
        (local.set $k (i32.add (local.get $k) (i32.const 1)))
        (br $rnext)))
    ;; coef = H[:, 0:m] r
    (local.set $i (i32.const 0))
    (block $cdone
      (loop $cnext
        (br_if $cdone (i32.ge_s (local.get $i) (local.get $N)))
        (f64.store (i32.add (local.get $coef) (i32.shl (local.get $i) (i32.const 3)))
          (call $dot (i32.add (local.get $H) (i32.mul (local.get $i) (local.get $rowBytes))) (local.get $r) (local.get $m)))
        (local.set $i (i32.add (local.get $i) (i32.const 1)))
        (br $cnext)))
    (local.set $q0 (f64.add (local.get $q0) (f64.load (i32.add (local.get $coef) (i32.shl (local.get $m) (i32.const 3))))))
    (local.set $i (i32.const 0))
    (block $gdone
      (loop $gnext
        (br_if $gdone (i32.ge_s (local.get $i) (local.get $n)))
        (f64.store (i32.add (local.get $g) (i32.shl (local.get $i) (i32.const 3)))
          (f64.add (f64.load (i32.add (local.get $g) (i32.shl (local.get $i) (i32.const 3))))
                   (f64.div (f64.load (i32.add (local.get $coef) (i32.shl (i32.add (i32.add (local.get $m) (i32.const 1)) (local.get $i)) (i32.const 3))))
                            (local.get $scale))))
        (local.set $i (i32.add (local.get $i) (i32.const 1)))
        (br $gnext)))
    ;; G += Σ_k λ_k s_k s_kᵀ on the lower triangle (λ_k = coef_k / scale²), then mirrored.
    (local.set $s2 (f64.mul (local.get $scale) (local.get $scale)))
    (local.set $k (i32.const 0))
    (block $kdone
      (loop $knext
        (br_if $kdone (i32.ge_s (local.get $k) (local.get $m)))
        (local.set $lam (f64.div (f64.load (i32.add (local.get $coef) (i32.shl (local.get $k) (i32.const 3)))) (local.get $s2)))
        (if (f64.ne (local.get $lam) (f64.const 0))
          (then
            (local.set $sk (i32.add (local.get $S) (i32.mul (local.get $k) (local.get $nBytes))))
            (local.set $i (i32.const 0))
            (block $idone
              (loop $inext
                (br_if $idone (i32.ge_s (local.get $i) (local.get $n)))
                (local.set $li (f64.mul (local.get $lam) (f64.load (i32.add (local.get $sk) (i32.shl (local.get $i) (i32.const 3))))))
                (if (f64.ne (local.get $li) (f64.const 0))
                  (then
                    (local.set $row (i32.add (local.get $G) (i32.mul (local.get $i) (local.get $nBytes))))
                    (local.set $j (i32.const 0))
                    (block $jdone
                      (loop $jnext
                        (br_if $jdone (i32.gt_s (local.get $j) (local.get $i)))
                        (f64.store (i32.add (local.get $row) (i32.shl (local.get $j) (i32.const 3)))
                          (f64.add (f64.load (i32.add (local.get $row) (i32.shl (local.get $j) (i32.const 3))))
                                   (f64.mul (local.get $li) (f64.load (i32.add (local.get $sk) (i32.shl (local.get $j) (i32.const 3)))))))
                        (local.set $j (i32.add (local.get $j) (i32.const 1)))
                        (br $jnext)))))
                (local.set $i (i32.add (local.get $i) (i32.const 1)))
                (br $inext)))))
        (local.set $k (i32.add (local.get $k) (i32.const 1)))
        (br $knext)))
    (local.set $i (i32.const 0))
    (block $mdone
      (loop $mnext
        (br_if $mdone (i32.ge_s (local.get $i) (local.get $n)))
        (local.set $j (i32.const 0))
        (block $jdone2
          (loop $jnext2
            (br_if $jdone2 (i32.ge_s (local.get $j) (local.get $i)))
            (f64.store (i32.add (local.get $G) (i32.shl (i32.add (i32.mul (local.get $j) (local.get $n)) (local.get $i)) (i32.const 3)))
              (f64.load (i32.add (local.get $G) (i32.shl (i32.add (i32.mul (local.get $i) (local.get $n)) (local.get $j)) (i32.const 3)))))
            (local.set $j (i32.add (local.get $j) (i32.const 1)))
            (br $jnext2)))
        (local.set $i (i32.add (local.get $i) (i32.const 1)))
        (br $mnext)))
    (local.get $q0))

  ;; One geometry candidate d (interpolation.ts `geometryStep`'s `consider`): with t = t_opt + d,
  ;; returns |σ_knew(t)| if d ≠ 0 and it beats `bestSigma` (d then copied to `best`), else bestSigma.
  (func $consider (param $H i32) (param $S i32) (param $t i32) (param $w i32) (param $hw i32) (param $N i32) (param $m i32) (param $n i32)
    (param $knew i32) (param $topt i32) (param $d i32) (param $best i32) (param $bestSigma f64) (result f64)
    (local $i i32) (local $x f64) (local $nrm f64) (local $sig f64) (local $at i32)
    (block $done
      (loop $next
        (br_if $done (i32.ge_s (local.get $i) (local.get $n)))
        (local.set $at (i32.shl (local.get $i) (i32.const 3)))
        (local.set $x (f64.load (i32.add (local.get $d) (local.get $at))))
        (local.set $nrm (f64.add (local.get $nrm) (f64.mul (local.get $x) (local.get $x))))
        (f64.store (i32.add (local.get $t) (local.get $at)) (f64.add (f64.load (i32.add (local.get $topt) (local.get $at))) (local.get $x)))
        (local.set $i (i32.add (local.get $i) (i32.const 1)))
        (br $next)))
    (if (i32.eqz (f64.gt (local.get $nrm) (f64.const 0))) (then (return (local.get $bestSigma))))
    (local.set $sig (f64.abs (call $sigmaOf (local.get $H) (local.get $S) (local.get $t) (local.get $w) (local.get $hw) (local.get $N) (local.get $m) (local.get $n) (local.get $knew))))
    (if (f64.gt (local.get $sig) (local.get $bestSigma))
      (then
        (memory.copy (local.get $best) (local.get $d) (i32.shl (local.get $n) (i32.const 3)))
        (return (local.get $sig))))
    (local.get $bestSigma))

  ;; σ_knew at the point t.
  (func $sigmaOf (param $H i32) (param $S i32) (param $t i32) (param $w i32) (param $hw i32) (param $N i32) (param $m i32) (param $n i32) (param $knew i32) (result f64)
    (local $beta f64) (local $x f64)
    (local.set $beta (call $beta (local.get $H) (local.get $S) (local.get $t) (local.get $w) (local.get $hw) (local.get $N) (local.get $m) (local.get $n)))
    (local.set $x (f64.load (i32.add (local.get $hw) (i32.shl (local.get $knew) (i32.const 3)))))
    (f64.add (f64.mul (f64.load (i32.add (local.get $H) (i32.shl (i32.mul (local.get $knew) (i32.add (local.get $N) (i32.const 1))) (i32.const 3)))) (local.get $beta))
             (f64.mul (local.get $x) (local.get $x))))

  ;; d = min(hi, max(lo, a·u)) (interpolation.ts `clipScaled` of `u.map((x) => a * x)`).
  (func $clipTimes (param $u i32) (param $a f64) (param $lo i32) (param $hi i32) (param $d i32) (param $n i32)
    (local $i i32) (local $at i32)
    (block $done
      (loop $next
        (br_if $done (i32.ge_s (local.get $i) (local.get $n)))
        (local.set $at (i32.shl (local.get $i) (i32.const 3)))
        (f64.store (i32.add (local.get $d) (local.get $at))
          (f64.min (f64.load (i32.add (local.get $hi) (local.get $at)))
                   (f64.max (f64.load (i32.add (local.get $lo) (local.get $at))) (f64.mul (local.get $a) (f64.load (i32.add (local.get $u) (local.get $at)))))))
        (local.set $i (i32.add (local.get $i) (i32.const 1)))
        (br $next)))
  )

  ;; interpolation.ts `projectedDirectionStep` for v = sign·gt into d (fixed: n doubles of
  ;; scratch, 1 where a component is held at its bound); returns whether ‖d‖ > 0.
  (func $projected (param $gt i32) (param $sign f64) (param $lo i32) (param $hi i32) (param $rad f64) (param $d i32) (param $fixed i32) (param $n i32) (result i32)
    (local $pass i32) (local $i i32) (local $at i32) (local $vv f64) (local $f f64) (local $ti f64) (local $vi f64)
    (local $remaining f64) (local $violated i32) (local $bound f64) (local $tt f64)
    (memory.fill (local.get $d) (i32.const 0) (i32.shl (local.get $n) (i32.const 3)))
    (memory.fill (local.get $fixed) (i32.const 0) (i32.shl (local.get $n) (i32.const 3)))
    (local.set $remaining (f64.mul (local.get $rad) (local.get $rad)))
    (block $passes_done
      (loop $pass_next
        (br_if $passes_done (i32.gt_s (local.get $pass) (local.get $n)))
        (local.set $vv (f64.const 0))
        (local.set $i (i32.const 0))
        (block $vdone
          (loop $vnext
            (br_if $vdone (i32.ge_s (local.get $i) (local.get $n)))
            (local.set $at (i32.shl (local.get $i) (i32.const 3)))
            (if (f64.eq (f64.load (i32.add (local.get $fixed) (local.get $at))) (f64.const 0))
              (then
                (local.set $vi (f64.mul (local.get $sign) (f64.load (i32.add (local.get $gt) (local.get $at)))))
                (local.set $vv (f64.add (local.get $vv) (f64.mul (local.get $vi) (local.get $vi))))))
            (local.set $i (i32.add (local.get $i) (i32.const 1)))
            (br $vnext)))
        (br_if $passes_done (f64.eq (local.get $vv) (f64.const 0)))
        (br_if $passes_done (f64.le (local.get $remaining) (f64.const 0)))
        (local.set $f (f64.sqrt (f64.div (local.get $remaining) (local.get $vv))))
        (local.set $violated (i32.const 0))
        (local.set $i (i32.const 0))
        (block $cdone
          (loop $cnext
            (br_if $cdone (i32.ge_s (local.get $i) (local.get $n)))
            (local.set $at (i32.shl (local.get $i) (i32.const 3)))
            (if (f64.eq (f64.load (i32.add (local.get $fixed) (local.get $at))) (f64.const 0))
              (then
                (local.set $ti (f64.mul (local.get $f) (f64.mul (local.get $sign) (f64.load (i32.add (local.get $gt) (local.get $at))))))
                (if (f64.gt (local.get $ti) (f64.load (i32.add (local.get $hi) (local.get $at))))
                  (then
                    (local.set $bound (f64.load (i32.add (local.get $hi) (local.get $at))))
                    (f64.store (i32.add (local.get $d) (local.get $at)) (local.get $bound))
                    (f64.store (i32.add (local.get $fixed) (local.get $at)) (f64.const 1))
                    (local.set $remaining (f64.sub (local.get $remaining) (f64.mul (local.get $bound) (local.get $bound))))
                    (local.set $violated (i32.const 1)))
                  (else
                    (if (f64.lt (local.get $ti) (f64.load (i32.add (local.get $lo) (local.get $at))))
                      (then
                        (local.set $bound (f64.load (i32.add (local.get $lo) (local.get $at))))
                        (f64.store (i32.add (local.get $d) (local.get $at)) (local.get $bound))
                        (f64.store (i32.add (local.get $fixed) (local.get $at)) (f64.const 1))
                        (local.set $remaining (f64.sub (local.get $remaining) (f64.mul (local.get $bound) (local.get $bound))))
                        (local.set $violated (i32.const 1))))))))
            (local.set $i (i32.add (local.get $i) (i32.const 1)))
            (br $cnext)))
        (if (i32.eqz (local.get $violated))
          (then
            (local.set $i (i32.const 0))
            (block $sdone
              (loop $snext
                (br_if $sdone (i32.ge_s (local.get $i) (local.get $n)))
                (local.set $at (i32.shl (local.get $i) (i32.const 3)))
                (if (f64.eq (f64.load (i32.add (local.get $fixed) (local.get $at))) (f64.const 0))
                  (then (f64.store (i32.add (local.get $d) (local.get $at))
                          (f64.mul (local.get $f) (f64.mul (local.get $sign) (f64.load (i32.add (local.get $gt) (local.get $at))))))))
                (local.set $i (i32.add (local.get $i) (i32.const 1)))
                (br $snext)))
            (br $passes_done)))
        (local.set $pass (i32.add (local.get $pass) (i32.const 1)))
        (br $pass_next)))
    (local.set $i (i32.const 0))
    (block $tdone
      (loop $tnext
        (br_if $tdone (i32.ge_s (local.get $i) (local.get $n)))
        (local.set $vi (f64.load (i32.add (local.get $d) (i32.shl (local.get $i) (i32.const 3)))))
        (local.set $tt (f64.add (local.get $tt) (f64.mul (local.get $vi) (local.get $vi))))
        (local.set $i (i32.add (local.get $i) (i32.const 1)))
        (br $tnext)))
    (f64.gt (local.get $tt) (f64.const 0)))

  ;; The candidate search of interpolation.ts `geometryStep`, in its order (lines through x_opt and
  ;; each y_k, the projected ± gradient of ℓ_knew, coordinate steps; ties to the earlier): lo, hi
  ;; the feasible scaled steps (n doubles each), rad the scaled radius; gt, u, d, fixed scratch (n
  ;; doubles each). Writes the best step to `best` (zeros if none) and returns its |σ| (−1 if none).
  (func $geometry (export "geometry") (param $H i32) (param $S i32) (param $t i32) (param $w i32) (param $hw i32) (param $N i32) (param $m i32) (param $n i32)
    (param $knew i32) (param $kopt i32) (param $lo i32) (param $hi i32) (param $rad f64) (param $gt i32) (param $u i32) (param $d i32) (param $fixed i32) (param $best i32) (result f64)
    (local $i i32) (local $j i32) (local $k i32) (local $at i32) (local $topt i32) (local $sj i32) (local $nBytes i32) (local $rowBytes i32)
    (local $lam f64) (local $c f64) (local $uu2 f64) (local $amax f64) (local $amin f64) (local $ui f64) (local $D f64) (local $curv f64)
    (local $astat f64) (local $bestSigma f64) (local $a f64) (local $sign f64) (local $stage i32)
    (local.set $nBytes (i32.shl (local.get $n) (i32.const 3)))
    (local.set $rowBytes (i32.shl (local.get $N) (i32.const 3)))
    (local.set $topt (i32.add (local.get $S) (i32.mul (local.get $kopt) (local.get $nBytes))))
    (local.set $bestSigma (f64.const -1))
    (memory.fill (local.get $best) (i32.const 0) (local.get $nBytes))
    ;; gt = gl + Σ_j λ_j (s_j·t_opt) s_j, gl = H[m+1+i][knew], λ_j = H[j][knew]
    (block $gdone
      (loop $gnext
        (br_if $gdone (i32.ge_s (local.get $i) (local.get $n)))
        (f64.store (i32.add (local.get $gt) (i32.shl (local.get $i) (i32.const 3)))
          (f64.load (i32.add (local.get $H) (i32.add (i32.mul (i32.add (i32.add (local.get $m) (i32.const 1)) (local.get $i)) (local.get $rowBytes)) (i32.shl (local.get $knew) (i32.const 3))))))
        (local.set $i (i32.add (local.get $i) (i32.const 1)))
        (br $gnext)))
    (block $jdone
      (loop $jnext
        (br_if $jdone (i32.ge_s (local.get $j) (local.get $m)))
        (local.set $lam (f64.load (i32.add (local.get $H) (i32.add (i32.mul (local.get $j) (local.get $rowBytes)) (i32.shl (local.get $knew) (i32.const 3))))))
        (if (f64.ne (local.get $lam) (f64.const 0))
          (then
            (local.set $sj (i32.add (local.get $S) (i32.mul (local.get $j) (local.get $nBytes))))
            (local.set $c (f64.mul (local.get $lam) (call $dot (local.get $sj) (local.get $topt) (local.get $n))))
            (local.set $i (i32.const 0))
            (block $idone
              (loop $inext
                (br_if $idone (i32.ge_s (local.get $i) (local.get $n)))
                (local.set $at (i32.shl (local.get $i) (i32.const 3)))
                (f64.store (i32.add (local.get $gt) (local.get $at))
                  (f64.add (f64.load (i32.add (local.get $gt) (local.get $at))) (f64.mul (local.get $c) (f64.load (i32.add (local.get $sj) (local.get $at))))))
                (local.set $i (i32.add (local.get $i) (i32.const 1)))
                (br $inext)))))
        (local.set $j (i32.add (local.get $j) (i32.const 1)))
        (br $jnext)))
    ;; Lines through x_opt and y_k: u = s_k − t_opt, a in [amin, amax], the ends and the stationary point.
    (block $ldone
      (loop $lnext
        (br_if $ldone (i32.ge_s (local.get $k) (local.get $m)))
        (if (i32.ne (local.get $k) (local.get $kopt))
          (then
            (local.set $sj (i32.add (local.get $S) (i32.mul (local.get $k) (local.get $nBytes))))
            (local.set $i (i32.const 0))
            (block $udone
              (loop $unext
                (br_if $udone (i32.ge_s (local.get $i) (local.get $n)))
                (local.set $at (i32.shl (local.get $i) (i32.const 3)))
                (f64.store (i32.add (local.get $u) (local.get $at))
                  (f64.sub (f64.load (i32.add (local.get $sj) (local.get $at))) (f64.load (i32.add (local.get $topt) (local.get $at)))))
                (local.set $i (i32.add (local.get $i) (i32.const 1)))
                (br $unext)))
            (local.set $uu2 (call $dot (local.get $u) (local.get $u) (local.get $n)))
            (if (f64.gt (local.get $uu2) (f64.const 0))
              (then
                (local.set $amax (f64.div (local.get $rad) (f64.sqrt (local.get $uu2))))
                (local.set $amin (f64.neg (local.get $amax)))
                (local.set $i (i32.const 0))
                (block $bdone
                  (loop $bnext
                    (br_if $bdone (i32.ge_s (local.get $i) (local.get $n)))
                    (local.set $at (i32.shl (local.get $i) (i32.const 3)))
                    (local.set $ui (f64.load (i32.add (local.get $u) (local.get $at))))
                    (if (f64.gt (local.get $ui) (f64.const 0))
                      (then
                        (local.set $amax (f64.min (local.get $amax) (f64.div (f64.load (i32.add (local.get $hi) (local.get $at))) (local.get $ui))))
                        (local.set $amin (f64.max (local.get $amin) (f64.div (f64.load (i32.add (local.get $lo) (local.get $at))) (local.get $ui)))))
                      (else
                        (if (f64.lt (local.get $ui) (f64.const 0))
                          (then
                            (local.set $amax (f64.min (local.get $amax) (f64.div (f64.load (i32.add (local.get $lo) (local.get $at))) (local.get $ui))))
                            (local.set $amin (f64.max (local.get $amin) (f64.div (f64.load (i32.add (local.get $hi) (local.get $at))) (local.get $ui))))))))
                    (local.set $i (i32.add (local.get $i) (i32.const 1)))
                    (br $bnext)))
                (local.set $D (call $dot (local.get $gt) (local.get $u) (local.get $n)))
                (local.set $curv (f64.sub (select (f64.const 1) (f64.const 0) (i32.eq (local.get $k) (local.get $knew))) (local.get $D)))
                ;; a = amin, amax, then the stationary point when inside (amin, amax)
                (local.set $stage (i32.const 0))
                (block $adone
                  (loop $anext
                    (if (i32.eq (local.get $stage) (i32.const 0)) (then (local.set $a (local.get $amin))))
                    (if (i32.eq (local.get $stage) (i32.const 1)) (then (local.set $a (local.get $amax))))
                    (if (i32.eq (local.get $stage) (i32.const 2))
                      (then
                        (br_if $adone (f64.eq (local.get $curv) (f64.const 0)))
                        (local.set $astat (f64.div (f64.neg (local.get $D)) (f64.mul (f64.const 2) (local.get $curv))))
                        (br_if $adone (i32.eqz (f64.gt (local.get $astat) (local.get $amin))))
                        (br_if $adone (i32.eqz (f64.lt (local.get $astat) (local.get $amax))))
                        (local.set $a (local.get $astat))))
                    (br_if $adone (i32.gt_s (local.get $stage) (i32.const 2)))
                    ;; skip a = 0 and non-finite a (a − a is NaN for ±Infinity and NaN)
                    (if (i32.and (f64.ne (local.get $a) (f64.const 0)) (f64.eq (f64.sub (local.get $a) (local.get $a)) (f64.const 0)))
                      (then
                        (call $clipTimes (local.get $u) (local.get $a) (local.get $lo) (local.get $hi) (local.get $d) (local.get $n))
                        (local.set $bestSigma (call $consider (local.get $H) (local.get $S) (local.get $t) (local.get $w) (local.get $hw) (local.get $N) (local.get $m) (local.get $n)
                          (local.get $knew) (local.get $topt) (local.get $d) (local.get $best) (local.get $bestSigma)))))
                    (local.set $stage (i32.add (local.get $stage) (i32.const 1)))
                    (br $anext)))))))
        (local.set $k (i32.add (local.get $k) (i32.const 1)))
        (br $lnext)))
    ;; The projected gradient directions of ℓ_knew, + then −.
    (local.set $sign (f64.const 1))
    (block $pdone
      (loop $pnext
        (if (call $projected (local.get $gt) (local.get $sign) (local.get $lo) (local.get $hi) (local.get $rad) (local.get $d) (local.get $fixed) (local.get $n))
          (then
            (local.set $bestSigma (call $consider (local.get $H) (local.get $S) (local.get $t) (local.get $w) (local.get $hw) (local.get $N) (local.get $m) (local.get $n)
              (local.get $knew) (local.get $topt) (local.get $d) (local.get $best) (local.get $bestSigma)))))
        (br_if $pdone (f64.lt (local.get $sign) (f64.const 0)))
        (local.set $sign (f64.const -1))
        (br $pnext)))
    ;; Coordinate steps ±rad·e_i truncated at the bounds.
    (local.set $i (i32.const 0))
    (block $edone
      (loop $enext
        (br_if $edone (i32.ge_s (local.get $i) (local.get $n)))
        (local.set $at (i32.shl (local.get $i) (i32.const 3)))
        (local.set $stage (i32.const 0))
        (block $sdone
          (loop $snext
            (br_if $sdone (i32.gt_s (local.get $stage) (i32.const 1)))
            (local.set $c (select
              (f64.min (local.get $rad) (f64.load (i32.add (local.get $hi) (local.get $at))))
              (f64.max (f64.neg (local.get $rad)) (f64.load (i32.add (local.get $lo) (local.get $at))))
              (i32.eqz (local.get $stage))))
            (if (f64.ne (local.get $c) (f64.const 0))
              (then
                (memory.fill (local.get $d) (i32.const 0) (local.get $nBytes))
                (f64.store (i32.add (local.get $d) (local.get $at)) (local.get $c))
                (local.set $bestSigma (call $consider (local.get $H) (local.get $S) (local.get $t) (local.get $w) (local.get $hw) (local.get $N) (local.get $m) (local.get $n)
                  (local.get $knew) (local.get $topt) (local.get $d) (local.get $best) (local.get $bestSigma)))))
            (local.set $stage (i32.add (local.get $stage) (i32.const 1)))
            (br $snext)))
        (local.set $i (i32.add (local.get $i) (i32.const 1)))
        (br $enext)))
    (local.get $bestSigma))

  ;; ---- The bounded trust-region step, as BOBYQA's TRSBOX (Powell 2009, §3):
  ;;     minimise Q(x+d) − Q(x) = gᵀd + ½dᵀGd subject to ‖d‖ ≤ Δ, lower ≤ x + d ≤ upper.
  ;; Stage 1 is a truncated conjugate-gradient iteration on the free variables. A variable is fixed
  ;; (held at a bound) from the start when x is on the bound and −g points outwards, or when a CG
  ;; step reaches the bound, after which CG restarts from steepest descent on the remaining free
  ;; variables. CG stops at the reduced Newton step, on a small reduction of Q, or on the boundary.
  ;; Stage 2 (only when ‖d‖ = Δ was reached) improves d on the boundary: with s ⟂ d in the free
  ;; subspace, ‖s‖ = ‖d_free‖ and sᵀ∇Q(x+d) < 0, it searches along d cos θ + s sin θ, θ in
  ;; [0, min(π/2, θ_bound)] (Powell 2009, eq. 3.8ff.), fixing a variable whenever the search stops on
  ;; its bound. The same steps, in the same order and arithmetic, as the JavaScript trustRegion.ts
  ;; this replaced (with the engine-independent cos, sin, atan2 and hypot of samplers/elementary.ts).

  ;; out[i] = g[i] + Σ_j G[i][j] d[j], from g[i] in order (trustRegion.ts `recomputeGradient`).
  (func $recomputeGradient (param $g i32) (param $G i32) (param $d i32) (param $out i32) (param $n i32)
    (local $i i32) (local $j i32) (local $acc f64) (local $row i32)
    (block $done
      (loop $next
        (br_if $done (i32.ge_s (local.get $i) (local.get $n)))
        (local.set $acc (f64.load (i32.add (local.get $g) (i32.shl (local.get $i) (i32.const 3)))))
        (local.set $row (i32.add (local.get $G) (i32.shl (i32.mul (local.get $i) (local.get $n)) (i32.const 3))))
        (local.set $j (i32.const 0))
        (block $jdone
          (loop $jnext
            (br_if $jdone (i32.ge_s (local.get $j) (local.get $n)))
            (local.set $acc (f64.add (local.get $acc)
              (f64.mul (f64.load (i32.add (local.get $row) (i32.shl (local.get $j) (i32.const 3))))
                       (f64.load (i32.add (local.get $d) (i32.shl (local.get $j) (i32.const 3)))))))
            (local.set $j (i32.add (local.get $j) (i32.const 1)))
            (br $jnext)))
        (f64.store (i32.add (local.get $out) (i32.shl (local.get $i) (i32.const 3))) (local.get $acc))
        (local.set $i (i32.add (local.get $i) (i32.const 1)))
        (br $next)))
  )

  ;; Fix variable i at its bound on `side` (−1 lower, +1 upper): d_i = bound − x_i, ∇Q at x + d again.
  (func $fixAt (param $i i32) (param $side i32) (param $fixed i32) (param $d i32) (param $x i32) (param $lower i32) (param $upper i32)
    (param $g i32) (param $G i32) (param $gd i32) (param $n i32)
    (local $at i32)
    (local.set $at (i32.shl (local.get $i) (i32.const 3)))
    (i32.store (i32.add (local.get $fixed) (i32.shl (local.get $i) (i32.const 2))) (local.get $side))
    (f64.store (i32.add (local.get $d) (local.get $at))
      (f64.sub (select (f64.load (i32.add (local.get $lower) (local.get $at))) (f64.load (i32.add (local.get $upper) (local.get $at)))
                       (i32.lt_s (local.get $side) (i32.const 0)))
               (f64.load (i32.add (local.get $x) (local.get $at)))))
    (call $recomputeGradient (local.get $g) (local.get $G) (local.get $d) (local.get $gd) (local.get $n)))

  ;; First θ ≥ 0 at which a cos θ + b sin θ falls below c, given a ≥ c (Infinity if never).
  (func $firstCrossing (param $a f64) (param $b f64) (param $c f64) (result f64)
    (local $r f64) (local $phi f64) (local $th f64) (local $x f64)
    (if (f64.eq (local.get $c) (f64.const -inf)) (then (return (f64.const inf))))
    (local.set $r (call $hypot (local.get $a) (local.get $b)))
    (if (f64.ge (f64.neg (local.get $r)) (local.get $c)) (then (return (f64.const inf))))
    (if (i32.and (f64.le (local.get $a) (local.get $c)) (f64.lt (local.get $b) (f64.const 0))) (then (return (f64.const 0))))
    (local.set $phi (call $atan2 (local.get $b) (local.get $a)))
    ;; acos x = atan2(√((1 − x)(1 + x)), x), x = max(−1, min(1, c/r))
    (local.set $x (f64.max (f64.const -1) (f64.min (f64.const 1) (f64.div (local.get $c) (local.get $r)))))
    (local.set $th (f64.add (local.get $phi)
      (call $atan2 (f64.sqrt (f64.mul (f64.sub (f64.const 1) (local.get $x)) (f64.add (f64.const 1) (local.get $x)))) (local.get $x))))
    (block $up_done
      (loop $up
        (br_if $up_done (i32.eqz (f64.lt (local.get $th) (f64.const 0))))
        (local.set $th (f64.add (local.get $th) (f64.const 6.283185307179586)))
        (br $up)))
    (block $down_done
      (loop $down
        (br_if $down_done (i32.eqz (f64.ge (local.get $th) (f64.const 6.283185307179586))))
        (local.set $th (f64.sub (local.get $th) (f64.const 6.283185307179586)))
        (br $down)))
    (local.get $th))

  ;; The change of Q when d_free becomes d_free cos θ + s sin θ.
  (func $phi (param $th f64) (param $gdd f64) (param $gs f64) (param $dGd f64) (param $dGs f64) (param $sGs f64) (result f64)
    (local $cm f64) (local $sn f64)
    (local.set $cm (f64.sub (call $cos (local.get $th)) (f64.const 1)))
    (local.set $sn (call $sin (local.get $th)))
    (f64.add
      (f64.add (f64.mul (local.get $cm) (local.get $gdd)) (f64.mul (local.get $sn) (local.get $gs)))
      (f64.mul (f64.const 0.5)
        (f64.add
          (f64.add (f64.mul (f64.mul (local.get $cm) (local.get $cm)) (local.get $dGd))
                   (f64.mul (f64.mul (f64.mul (f64.const 2) (local.get $cm)) (local.get $sn)) (local.get $dGs)))
          (f64.mul (f64.mul (local.get $sn) (local.get $sn)) (local.get $sGs))))))

  ;; Minimise phi on [0, hi]: a grid of 24, then golden-section refinement (trustRegion.ts `minimizeOnInterval`).
  (func $minimizeOnInterval (param $hi f64) (param $gdd f64) (param $gs f64) (param $dGd f64) (param $dGs f64) (param $sGs f64) (result f64)
    (local $i i32) (local $bestI i32) (local $bestV f64) (local $v f64) (local $a f64) (local $b f64) (local $gr f64)
    (local $c f64) (local $e f64) (local $fc f64) (local $fe f64) (local $it i32) (local $t f64)
    (local.set $bestV (call $phi (f64.const 0) (local.get $gdd) (local.get $gs) (local.get $dGd) (local.get $dGs) (local.get $sGs)))
    (local.set $i (i32.const 1))
    (block $gdone
      (loop $gnext
        (br_if $gdone (i32.gt_s (local.get $i) (i32.const 24)))
        (local.set $v (call $phi (f64.div (f64.mul (local.get $hi) (f64.convert_i32_s (local.get $i))) (f64.const 24))
                                 (local.get $gdd) (local.get $gs) (local.get $dGd) (local.get $dGs) (local.get $sGs)))
        (if (f64.lt (local.get $v) (local.get $bestV)) (then (local.set $bestV (local.get $v)) (local.set $bestI (local.get $i))))
        (local.set $i (i32.add (local.get $i) (i32.const 1)))
        (br $gnext)))
    (if (i32.eq (local.get $bestI) (i32.const 24)) (then (return (local.get $hi))))
    (if (i32.eqz (local.get $bestI)) (then (return (f64.const 0))))
    (local.set $a (f64.div (f64.mul (local.get $hi) (f64.convert_i32_s (i32.sub (local.get $bestI) (i32.const 1)))) (f64.const 24)))
    (local.set $b (f64.div (f64.mul (local.get $hi) (f64.convert_i32_s (i32.add (local.get $bestI) (i32.const 1)))) (f64.const 24)))
    (local.set $gr (f64.div (f64.sub (f64.sqrt (f64.const 5)) (f64.const 1)) (f64.const 2)))
    (local.set $c (f64.sub (local.get $b) (f64.mul (local.get $gr) (f64.sub (local.get $b) (local.get $a)))))
    (local.set $e (f64.add (local.get $a) (f64.mul (local.get $gr) (f64.sub (local.get $b) (local.get $a)))))
    (local.set $fc (call $phi (local.get $c) (local.get $gdd) (local.get $gs) (local.get $dGd) (local.get $dGs) (local.get $sGs)))
    (local.set $fe (call $phi (local.get $e) (local.get $gdd) (local.get $gs) (local.get $dGd) (local.get $dGs) (local.get $sGs)))
    (block $rdone
      (loop $rnext
        (br_if $rdone (i32.ge_s (local.get $it) (i32.const 40)))
        (if (f64.lt (local.get $fc) (local.get $fe))
          (then
            (local.set $b (local.get $e))
            (local.set $e (local.get $c))
            (local.set $fe (local.get $fc))
            (local.set $c (f64.sub (local.get $b) (f64.mul (local.get $gr) (f64.sub (local.get $b) (local.get $a)))))
            (local.set $fc (call $phi (local.get $c) (local.get $gdd) (local.get $gs) (local.get $dGd) (local.get $dGs) (local.get $sGs))))
          (else
            (local.set $a (local.get $c))
            (local.set $c (local.get $e))
            (local.set $fc (local.get $fe))
            (local.set $e (f64.add (local.get $a) (f64.mul (local.get $gr) (f64.sub (local.get $b) (local.get $a)))))
            (local.set $fe (call $phi (local.get $e) (local.get $gdd) (local.get $gs) (local.get $dGd) (local.get $dGs) (local.get $sGs)))))
        (local.set $it (i32.add (local.get $it) (i32.const 1)))
        (br $rnext)))
    (local.set $t (select (local.get $c) (local.get $e) (f64.lt (local.get $fc) (local.get $fe))))
    (select (local.get $t) (f64.div (f64.mul (local.get $hi) (f64.convert_i32_s (local.get $bestI))) (f64.const 24))
            (f64.lt (f64.min (local.get $fc) (local.get $fe)) (local.get $bestV))))

  ;; Approximate minimiser d of gᵀd + ½dᵀGd with ‖d‖ ≤ delta and lower ≤ x + d ≤ upper (trustRegion.ts
  ;; `boundedTrustRegionStep`): g, x, lower, upper, d and the scratch gd, p, Gp, s, dF, Gd, Gs n doubles
  ;; each, G n×n, fixed n i32. Returns crvmin.
  (func $trustRegion (param $g i32) (param $G i32) (param $x i32) (param $lower i32) (param $upper i32) (param $delta f64)
    (param $d i32) (param $gd i32) (param $fixed i32) (param $p i32) (param $Gp i32) (param $s i32) (param $dF i32) (param $Gd i32) (param $Gs i32) (param $n i32) (result f64)
    (local $i i32) (local $at i32) (local $fi i32) (local $nBytes i32) (local $delsq f64) (local $crvmin f64) (local $qred f64) (local $onBoundary i32)
    (local $restarts i32) (local $nfree i32) (local $ggPrev f64) (local $iter i32) (local $gg f64) (local $beta f64)
    (local $dd f64) (local $dp f64) (local $pp f64) (local $resid f64) (local $alphaDelta f64) (local $pGp f64) (local $gp f64)
    (local $alpha f64) (local $kind i32) (local $acg f64) (local $ibound i32) (local $lim f64) (local $pi f64) (local $sdec f64)
    (local $gdd f64) (local $temp f64) (local $sq f64) (local $thetaMax f64) (local $side i32) (local $tl f64) (local $tu f64)
    (local $dGd f64) (local $dGs f64) (local $sGs f64) (local $gs f64) (local $theta f64) (local $dq f64) (local $cm f64) (local $sn f64)
    (local $xi f64) (local $di f64) (local $gi f64)
    (local.set $nBytes (i32.shl (local.get $n) (i32.const 3)))
    (memory.fill (local.get $d) (i32.const 0) (local.get $nBytes))
    (memory.copy (local.get $gd) (local.get $g) (local.get $nBytes))
    (memory.fill (local.get $fixed) (i32.const 0) (i32.shl (local.get $n) (i32.const 2)))
    ;; kind: 0 delta, 1 cg, 2 bound
    (block $fdone
      (loop $fnext
        (br_if $fdone (i32.ge_s (local.get $i) (local.get $n)))
        (local.set $at (i32.shl (local.get $i) (i32.const 3)))
        (local.set $gi (f64.load (i32.add (local.get $g) (local.get $at))))
        (local.set $xi (f64.load (i32.add (local.get $x) (local.get $at))))
        (if (i32.and (f64.le (local.get $xi) (f64.load (i32.add (local.get $lower) (local.get $at)))) (f64.ge (local.get $gi) (f64.const 0)))
          (then (i32.store (i32.add (local.get $fixed) (i32.shl (local.get $i) (i32.const 2))) (i32.const -1)))
          (else
            (if (i32.and (f64.ge (local.get $xi) (f64.load (i32.add (local.get $upper) (local.get $at)))) (f64.le (local.get $gi) (f64.const 0)))
              (then (i32.store (i32.add (local.get $fixed) (i32.shl (local.get $i) (i32.const 2))) (i32.const 1))))))
        (local.set $i (i32.add (local.get $i) (i32.const 1)))
        (br $fnext)))
    (local.set $delsq (f64.mul (local.get $delta) (local.get $delta)))
    (local.set $crvmin (f64.const -1))
    (memory.fill (local.get $p) (i32.const 0) (local.get $nBytes))
    ;; ---- Stage 1: truncated CG with an active set of bounds.
    (block $cg_done
      (loop $cg
        ;; while (restarts++ <= n)
        (br_if $cg_done (i32.gt_s (local.get $restarts) (local.get $n)))
        (local.set $restarts (i32.add (local.get $restarts) (i32.const 1)))
        (local.set $nfree (i32.const 0))
        (local.set $i (i32.const 0))
        (block $cdone
          (loop $cnext
            (br_if $cdone (i32.ge_s (local.get $i) (local.get $n)))
            (if (i32.eqz (i32.load (i32.add (local.get $fixed) (i32.shl (local.get $i) (i32.const 2))))) (then (local.set $nfree (i32.add (local.get $nfree) (i32.const 1)))))
            (local.set $i (i32.add (local.get $i) (i32.const 1)))
            (br $cnext)))
        (local.set $ggPrev (f64.const 0))
        (memory.fill (local.get $p) (i32.const 0) (local.get $nBytes))
        (local.set $iter (i32.const 0))
        (block $iters_done
          (loop $iters
            (br_if $iters_done (i32.ge_s (local.get $iter) (local.get $nfree)))
            (local.set $gg (f64.const 0))
            (local.set $i (i32.const 0))
            (block $ggdone
              (loop $ggnext
                (br_if $ggdone (i32.ge_s (local.get $i) (local.get $n)))
                (if (i32.eqz (i32.load (i32.add (local.get $fixed) (i32.shl (local.get $i) (i32.const 2)))))
                  (then
                    (local.set $gi (f64.load (i32.add (local.get $gd) (i32.shl (local.get $i) (i32.const 3)))))
                    (local.set $gg (f64.add (local.get $gg) (f64.mul (local.get $gi) (local.get $gi))))))
                (local.set $i (i32.add (local.get $i) (i32.const 1)))
                (br $ggnext)))
            (br_if $cg_done (f64.eq (local.get $gg) (f64.const 0)))
            (br_if $cg_done (f64.le (f64.mul (local.get $gg) (local.get $delsq)) (f64.mul (f64.mul (f64.const 1e-4) (local.get $qred)) (local.get $qred))))
            (local.set $beta (select (f64.const 0) (f64.div (local.get $gg) (local.get $ggPrev)) (i32.eqz (local.get $iter))))
            (local.set $i (i32.const 0))
            (block $pdone
              (loop $pnext
                (br_if $pdone (i32.ge_s (local.get $i) (local.get $n)))
                (local.set $at (i32.shl (local.get $i) (i32.const 3)))
                (f64.store (i32.add (local.get $p) (local.get $at))
                  (select
                    (f64.add (f64.neg (f64.load (i32.add (local.get $gd) (local.get $at)))) (f64.mul (local.get $beta) (f64.load (i32.add (local.get $p) (local.get $at)))))
                    (f64.const 0)
                    (i32.eqz (i32.load (i32.add (local.get $fixed) (i32.shl (local.get $i) (i32.const 2)))))))
                (local.set $i (i32.add (local.get $i) (i32.const 1)))
                (br $pnext)))
            (local.set $ggPrev (local.get $gg))
            (local.set $dd (f64.const 0))
            (local.set $dp (f64.const 0))
            (local.set $pp (f64.const 0))
            (local.set $i (i32.const 0))
            (block $sdone
              (loop $snext
                (br_if $sdone (i32.ge_s (local.get $i) (local.get $n)))
                (local.set $at (i32.shl (local.get $i) (i32.const 3)))
                (local.set $di (f64.load (i32.add (local.get $d) (local.get $at))))
                (local.set $pi (f64.load (i32.add (local.get $p) (local.get $at))))
                (local.set $dd (f64.add (local.get $dd) (f64.mul (local.get $di) (local.get $di))))
                (local.set $dp (f64.add (local.get $dp) (f64.mul (local.get $di) (local.get $pi))))
                (local.set $pp (f64.add (local.get $pp) (f64.mul (local.get $pi) (local.get $pi))))
                (local.set $i (i32.add (local.get $i) (i32.const 1)))
                (br $snext)))
            (local.set $resid (f64.sub (local.get $delsq) (local.get $dd)))
            (if (f64.le (local.get $resid) (f64.const 0)) (then (local.set $onBoundary (i32.const 1)) (br $cg_done)))
            (local.set $alphaDelta (f64.div (local.get $resid)
              (f64.add (f64.sqrt (f64.add (f64.mul (local.get $dp) (local.get $dp)) (f64.mul (local.get $pp) (local.get $resid)))) (local.get $dp))))
            (call $matvec (local.get $G) (local.get $p) (local.get $Gp) (local.get $n))
            (local.set $pGp (f64.const 0))
            (local.set $gp (f64.const 0))
            (local.set $i (i32.const 0))
            (block $qdone
              (loop $qnext
                (br_if $qdone (i32.ge_s (local.get $i) (local.get $n)))
                (local.set $at (i32.shl (local.get $i) (i32.const 3)))
                (local.set $pi (f64.load (i32.add (local.get $p) (local.get $at))))
                (local.set $pGp (f64.add (local.get $pGp) (f64.mul (local.get $pi) (f64.load (i32.add (local.get $Gp) (local.get $at))))))
                (local.set $gp (f64.add (local.get $gp) (f64.mul (f64.load (i32.add (local.get $gd) (local.get $at))) (local.get $pi))))
                (local.set $i (i32.add (local.get $i) (i32.const 1)))
                (br $qnext)))
            (br_if $cg_done (f64.ge (local.get $gp) (f64.const 0)))
            (local.set $alpha (local.get $alphaDelta))
            (local.set $kind (i32.const 0))
            (if (f64.gt (local.get $pGp) (f64.const 0))
              (then
                (local.set $crvmin (select (f64.div (local.get $pGp) (local.get $pp)) (f64.min (local.get $crvmin) (f64.div (local.get $pGp) (local.get $pp)))
                                           (f64.lt (local.get $crvmin) (f64.const 0))))
                (local.set $acg (f64.div (f64.neg (local.get $gp)) (local.get $pGp)))
                (if (f64.lt (local.get $acg) (local.get $alpha)) (then (local.set $alpha (local.get $acg)) (local.set $kind (i32.const 1))))))
            (local.set $ibound (i32.const -1))
            (local.set $i (i32.const 0))
            (block $bdone
              (loop $bnext
                (br_if $bdone (i32.ge_s (local.get $i) (local.get $n)))
                (local.set $at (i32.shl (local.get $i) (i32.const 3)))
                (local.set $pi (f64.load (i32.add (local.get $p) (local.get $at))))
                (if (i32.and (i32.eqz (i32.load (i32.add (local.get $fixed) (i32.shl (local.get $i) (i32.const 2))))) (f64.ne (local.get $pi) (f64.const 0)))
                  (then
                    (local.set $lim (f64.div
                      (f64.sub (f64.sub (select (f64.load (i32.add (local.get $upper) (local.get $at))) (f64.load (i32.add (local.get $lower) (local.get $at)))
                                                (f64.gt (local.get $pi) (f64.const 0)))
                                        (f64.load (i32.add (local.get $x) (local.get $at))))
                               (f64.load (i32.add (local.get $d) (local.get $at))))
                      (local.get $pi)))
                    (if (f64.lt (local.get $lim) (local.get $alpha))
                      (then
                        (local.set $alpha (f64.max (local.get $lim) (f64.const 0)))
                        (local.set $ibound (local.get $i))
                        (local.set $kind (i32.const 2))))))
                (local.set $i (i32.add (local.get $i) (i32.const 1)))
                (br $bnext)))
            (local.set $sdec (f64.sub (f64.mul (f64.neg (local.get $alpha)) (local.get $gp))
                                      (f64.mul (f64.mul (f64.mul (f64.const 0.5) (local.get $alpha)) (local.get $alpha)) (local.get $pGp))))
            (if (f64.gt (local.get $alpha) (f64.const 0))
              (then
                (local.set $qred (f64.add (local.get $qred) (local.get $sdec)))
                (local.set $i (i32.const 0))
                (block $udone
                  (loop $unext
                    (br_if $udone (i32.ge_s (local.get $i) (local.get $n)))
                    (local.set $at (i32.shl (local.get $i) (i32.const 3)))
                    (f64.store (i32.add (local.get $d) (local.get $at))
                      (f64.add (f64.load (i32.add (local.get $d) (local.get $at))) (f64.mul (local.get $alpha) (f64.load (i32.add (local.get $p) (local.get $at))))))
                    (f64.store (i32.add (local.get $gd) (local.get $at))
                      (f64.add (f64.load (i32.add (local.get $gd) (local.get $at))) (f64.mul (local.get $alpha) (f64.load (i32.add (local.get $Gp) (local.get $at))))))
                    (local.set $i (i32.add (local.get $i) (i32.const 1)))
                    (br $unext)))))
            (if (i32.eq (local.get $kind) (i32.const 2))
              (then
                (call $fixAt (local.get $ibound)
                  (select (i32.const 1) (i32.const -1) (f64.gt (f64.load (i32.add (local.get $p) (i32.shl (local.get $ibound) (i32.const 3)))) (f64.const 0)))
                  (local.get $fixed) (local.get $d) (local.get $x) (local.get $lower) (local.get $upper) (local.get $g) (local.get $G) (local.get $gd) (local.get $n))
                (br $cg)))
            (if (i32.eqz (local.get $kind)) (then (local.set $onBoundary (i32.const 1)) (br $cg_done)))
            (br_if $cg_done (f64.le (local.get $sdec) (f64.mul (f64.const 0.01) (local.get $qred))))
            (local.set $iter (i32.add (local.get $iter) (i32.const 1)))
            (br $iters)))
        ;; the CG iterations ran out: stage 1 ends
        ))
    ;; ---- Stage 2: rotate the step on the trust-region boundary.
    (if (local.get $onBoundary)
      (then
        (local.set $crvmin (f64.const 0))
        (memory.fill (local.get $s) (i32.const 0) (local.get $nBytes))
        (memory.fill (local.get $dF) (i32.const 0) (local.get $nBytes))
        (local.set $iter (i32.const 0))
        (block $rot_done
          (loop $rot
            (br_if $rot_done (i32.ge_s (local.get $iter) (i32.add (i32.shl (local.get $n) (i32.const 1)) (i32.const 5))))
            (local.set $iter (i32.add (local.get $iter) (i32.const 1)))
            (local.set $nfree (i32.const 0))
            (local.set $dd (f64.const 0))
            (local.set $gdd (f64.const 0))
            (local.set $gg (f64.const 0))
            (local.set $i (i32.const 0))
            (block $sums_done
              (loop $sums
                (br_if $sums_done (i32.ge_s (local.get $i) (local.get $n)))
                (if (i32.eqz (i32.load (i32.add (local.get $fixed) (i32.shl (local.get $i) (i32.const 2)))))
                  (then
                    (local.set $at (i32.shl (local.get $i) (i32.const 3)))
                    (local.set $nfree (i32.add (local.get $nfree) (i32.const 1)))
                    (local.set $di (f64.load (i32.add (local.get $d) (local.get $at))))
                    (local.set $gi (f64.load (i32.add (local.get $gd) (local.get $at))))
                    (local.set $dd (f64.add (local.get $dd) (f64.mul (local.get $di) (local.get $di))))
                    (local.set $gdd (f64.add (local.get $gdd) (f64.mul (local.get $gi) (local.get $di))))
                    (local.set $gg (f64.add (local.get $gg) (f64.mul (local.get $gi) (local.get $gi))))))
                (local.set $i (i32.add (local.get $i) (i32.const 1)))
                (br $sums)))
            (br_if $rot_done (i32.lt_s (local.get $nfree) (i32.const 2)))
            (local.set $temp (f64.sub (f64.mul (local.get $dd) (local.get $gg)) (f64.mul (local.get $gdd) (local.get $gdd))))
            (br_if $rot_done (f64.le (local.get $temp) (f64.mul (f64.mul (f64.const 1e-4) (local.get $qred)) (local.get $qred))))
            (br_if $rot_done (i32.eqz (f64.gt (local.get $temp) (f64.const 0))))
            (local.set $sq (f64.sqrt (local.get $temp)))
            (local.set $i (i32.const 0))
            (block $sv_done
              (loop $sv
                (br_if $sv_done (i32.ge_s (local.get $i) (local.get $n)))
                (local.set $at (i32.shl (local.get $i) (i32.const 3)))
                (if (i32.load (i32.add (local.get $fixed) (i32.shl (local.get $i) (i32.const 2))))
                  (then
                    (f64.store (i32.add (local.get $s) (local.get $at)) (f64.const 0))
                    (f64.store (i32.add (local.get $dF) (local.get $at)) (f64.const 0)))
                  (else
                    (local.set $di (f64.load (i32.add (local.get $d) (local.get $at))))
                    (f64.store (i32.add (local.get $s) (local.get $at))
                      (f64.div (f64.sub (f64.mul (local.get $gdd) (local.get $di)) (f64.mul (local.get $dd) (f64.load (i32.add (local.get $gd) (local.get $at))))) (local.get $sq)))
                    (f64.store (i32.add (local.get $dF) (local.get $at)) (local.get $di))))
                (local.set $i (i32.add (local.get $i) (i32.const 1)))
                (br $sv)))
            (local.set $thetaMax (f64.const 1.5707963267948966))
            (local.set $ibound (i32.const -1))
            (local.set $side (i32.const -1))
            (local.set $i (i32.const 0))
            (block $tm_done
              (loop $tm
                (br_if $tm_done (i32.ge_s (local.get $i) (local.get $n)))
                (if (i32.eqz (i32.load (i32.add (local.get $fixed) (i32.shl (local.get $i) (i32.const 2)))))
                  (then
                    (local.set $at (i32.shl (local.get $i) (i32.const 3)))
                    (local.set $di (f64.load (i32.add (local.get $d) (local.get $at))))
                    (local.set $pi (f64.load (i32.add (local.get $s) (local.get $at))))
                    (local.set $xi (f64.load (i32.add (local.get $x) (local.get $at))))
                    (local.set $tl (call $firstCrossing (local.get $di) (local.get $pi) (f64.sub (f64.load (i32.add (local.get $lower) (local.get $at))) (local.get $xi))))
                    (if (f64.lt (local.get $tl) (local.get $thetaMax))
                      (then (local.set $thetaMax (local.get $tl)) (local.set $ibound (local.get $i)) (local.set $side (i32.const -1))))
                    (local.set $tu (call $firstCrossing (f64.neg (local.get $di)) (f64.neg (local.get $pi)) (f64.sub (local.get $xi) (f64.load (i32.add (local.get $upper) (local.get $at))))))
                    (if (f64.lt (local.get $tu) (local.get $thetaMax))
                      (then (local.set $thetaMax (local.get $tu)) (local.set $ibound (local.get $i)) (local.set $side (i32.const 1))))))
                (local.set $i (i32.add (local.get $i) (i32.const 1)))
                (br $tm)))
            (if (f64.le (local.get $thetaMax) (f64.const 1e-12))
              (then
                (br_if $rot_done (i32.lt_s (local.get $ibound) (i32.const 0)))
                (call $fixAt (local.get $ibound) (local.get $side) (local.get $fixed) (local.get $d) (local.get $x) (local.get $lower) (local.get $upper)
                  (local.get $g) (local.get $G) (local.get $gd) (local.get $n))
                (br $rot)))
            (call $matvec (local.get $G) (local.get $dF) (local.get $Gd) (local.get $n))
            (call $matvec (local.get $G) (local.get $s) (local.get $Gs) (local.get $n))
            (local.set $dGd (f64.const 0))
            (local.set $dGs (f64.const 0))
            (local.set $sGs (f64.const 0))
            (local.set $gs (f64.const 0))
            (local.set $i (i32.const 0))
            (block $q_done
              (loop $q
                (br_if $q_done (i32.ge_s (local.get $i) (local.get $n)))
                (local.set $at (i32.shl (local.get $i) (i32.const 3)))
                (local.set $di (f64.load (i32.add (local.get $dF) (local.get $at))))
                (local.set $pi (f64.load (i32.add (local.get $s) (local.get $at))))
                (local.set $dGd (f64.add (local.get $dGd) (f64.mul (local.get $di) (f64.load (i32.add (local.get $Gd) (local.get $at))))))
                (local.set $dGs (f64.add (local.get $dGs) (f64.mul (local.get $di) (f64.load (i32.add (local.get $Gs) (local.get $at))))))
                (local.set $sGs (f64.add (local.get $sGs) (f64.mul (local.get $pi) (f64.load (i32.add (local.get $Gs) (local.get $at))))))
                (local.set $gs (f64.add (local.get $gs) (f64.mul (f64.load (i32.add (local.get $gd) (local.get $at))) (local.get $pi))))
                (local.set $i (i32.add (local.get $i) (i32.const 1)))
                (br $q)))
            (local.set $theta (call $minimizeOnInterval (local.get $thetaMax) (local.get $gdd) (local.get $gs) (local.get $dGd) (local.get $dGs) (local.get $sGs)))
            (local.set $dq (call $phi (local.get $theta) (local.get $gdd) (local.get $gs) (local.get $dGd) (local.get $dGs) (local.get $sGs)))
            (br_if $rot_done (i32.eqz (f64.lt (local.get $dq) (f64.const 0))))
            (local.set $cm (f64.sub (call $cos (local.get $theta)) (f64.const 1)))
            (local.set $sn (call $sin (local.get $theta)))
            (local.set $i (i32.const 0))
            (block $ud_done
              (loop $ud
                (br_if $ud_done (i32.ge_s (local.get $i) (local.get $n)))
                (local.set $at (i32.shl (local.get $i) (i32.const 3)))
                (if (i32.eqz (i32.load (i32.add (local.get $fixed) (i32.shl (local.get $i) (i32.const 2)))))
                  (then
                    (f64.store (i32.add (local.get $d) (local.get $at))
                      (f64.add (f64.mul (f64.load (i32.add (local.get $d) (local.get $at))) (f64.add (local.get $cm) (f64.const 1)))
                               (f64.mul (local.get $sn) (f64.load (i32.add (local.get $s) (local.get $at))))))))
                (local.set $i (i32.add (local.get $i) (i32.const 1)))
                (br $ud)))
            (local.set $i (i32.const 0))
            (block $ug_done
              (loop $ug
                (br_if $ug_done (i32.ge_s (local.get $i) (local.get $n)))
                (local.set $at (i32.shl (local.get $i) (i32.const 3)))
                (f64.store (i32.add (local.get $gd) (local.get $at))
                  (f64.add (f64.load (i32.add (local.get $gd) (local.get $at)))
                           (f64.add (f64.mul (local.get $cm) (f64.load (i32.add (local.get $Gd) (local.get $at))))
                                    (f64.mul (local.get $sn) (f64.load (i32.add (local.get $Gs) (local.get $at)))))))
                (local.set $i (i32.add (local.get $i) (i32.const 1)))
                (br $ug)))
            (local.set $qred (f64.sub (local.get $qred) (local.get $dq)))
            (if (i32.and (f64.eq (local.get $theta) (local.get $thetaMax)) (i32.ge_s (local.get $ibound) (i32.const 0)))
              (then
                (call $fixAt (local.get $ibound) (local.get $side) (local.get $fixed) (local.get $d) (local.get $x) (local.get $lower) (local.get $upper)
                  (local.get $g) (local.get $G) (local.get $gd) (local.get $n))
                (br $rot)))
            (br_if $rot_done (f64.le (f64.neg (local.get $dq)) (f64.mul (f64.const 0.01) (local.get $qred))))
            (br $rot)))))
    ;; Feasibility exactly (rounding may put x + d a hair outside the box).
    (local.set $i (i32.const 0))
    (block $e_done
      (loop $e
        (br_if $e_done (i32.ge_s (local.get $i) (local.get $n)))
        (local.set $at (i32.shl (local.get $i) (i32.const 3)))
        (local.set $xi (f64.add (f64.load (i32.add (local.get $x) (local.get $at))) (f64.load (i32.add (local.get $d) (local.get $at)))))
        (if (f64.lt (local.get $xi) (f64.load (i32.add (local.get $lower) (local.get $at))))
          (then (f64.store (i32.add (local.get $d) (local.get $at))
                  (f64.sub (f64.load (i32.add (local.get $lower) (local.get $at))) (f64.load (i32.add (local.get $x) (local.get $at))))))
          (else
            (if (f64.gt (local.get $xi) (f64.load (i32.add (local.get $upper) (local.get $at))))
              (then (f64.store (i32.add (local.get $d) (local.get $at))
                      (f64.sub (f64.load (i32.add (local.get $upper) (local.get $at))) (f64.load (i32.add (local.get $x) (local.get $at)))))))))
        (local.set $i (i32.add (local.get $i) (i32.const 1)))
        (br $e)))
    (local.get $crvmin))

;; ---- The optimiser's loop (bobyqa.ts `minimizeFree`), on a system, model and interpolation set
;; in this memory: the same steps and arithmetic as the JavaScript it replaced. The objective is
;; the import `objective` (it reads the n doubles at its argument). Addresses and sizes come
;; from `setLayout`; the state of one run is in globals (one instance per run).
  (global $a_H (mut i32) (i32.const 0))
  (global $a_S (mut i32) (i32.const 0))
  (global $a_A (mut i32) (i32.const 0))
  (global $a_t (mut i32) (i32.const 0))
  (global $a_w (mut i32) (i32.const 0))
  (global $a_hw (mut i32) (i32.const 0))
  (global $a_v (mut i32) (i32.const 0))
  (global $a_h (mut i32) (i32.const 0))
  (global $a_sig (mut i32) (i32.const 0))
  (global $a_tau (mut i32) (i32.const 0))
  (global $a_r (mut i32) (i32.const 0))
  (global $a_coef (mut i32) (i32.const 0))
  (global $a_F (mut i32) (i32.const 0))
  (global $a_g (mut i32) (i32.const 0))
  (global $a_G (mut i32) (i32.const 0))
  (global $a_lo (mut i32) (i32.const 0))
  (global $a_hi (mut i32) (i32.const 0))
  (global $a_gt (mut i32) (i32.const 0))
  (global $a_u (mut i32) (i32.const 0))
  (global $a_d (mut i32) (i32.const 0))
  (global $a_fixed (mut i32) (i32.const 0))
  (global $a_best (mut i32) (i32.const 0))
  (global $a_Y (mut i32) (i32.const 0))
  (global $a_base (mut i32) (i32.const 0))
  (global $a_center (mut i32) (i32.const 0))
  (global $a_gm (mut i32) (i32.const 0))
  (global $a_Gd (mut i32) (i32.const 0))
  (global $a_dv (mut i32) (i32.const 0))
  (global $a_xnew (mut i32) (i32.const 0))
  (global $a_xg (mut i32) (i32.const 0))
  (global $a_short (mut i32) (i32.const 0))
  (global $a_pts (mut i32) (i32.const 0))
  (global $a_x0 (mut i32) (i32.const 0))
  (global $a_lower (mut i32) (i32.const 0))
  (global $a_upper (mut i32) (i32.const 0))
  (global $a_trD (mut i32) (i32.const 0))
  (global $a_tgd (mut i32) (i32.const 0))
  (global $a_tp (mut i32) (i32.const 0))
  (global $a_tGp (mut i32) (i32.const 0))
  (global $a_ts (mut i32) (i32.const 0))
  (global $a_tdF (mut i32) (i32.const 0))
  (global $a_tGd (mut i32) (i32.const 0))
  (global $a_tGs (mut i32) (i32.const 0))
  (global $a_tfixed (mut i32) (i32.const 0))
  (global $n (mut i32) (i32.const 0))
  (global $m (mut i32) (i32.const 0))
  (global $N (mut i32) (i32.const 0))
  (global $nBytes (mut i32) (i32.const 0))
  (global $maxEval (mut i32) (i32.const 0))
  (global $nf (mut i32) (i32.const 0))
  (global $kopt (mut i32) (i32.const 0))
  (global $stop (mut i32) (i32.const 0))
  (global $updates (mut i32) (i32.const 0))
  (global $lastFinite (mut i32) (i32.const 0))
  (global $fmax (mut f64) (f64.const 0))
  (global $fmin (mut f64) (f64.const 0))
  (global $q0 (mut f64) (f64.const 0))
  (global $scale (mut f64) (f64.const 0))
  (global $rho (mut f64) (f64.const 0))
  (global $delta (mut f64) (f64.const 0))
  (func (export "setLayout") (param $table i32) (param $n i32) (param $maxEval i32)
    (global.set $a_H (i32.load (i32.add (local.get $table) (i32.const 0))))
    (global.set $a_S (i32.load (i32.add (local.get $table) (i32.const 4))))
    (global.set $a_A (i32.load (i32.add (local.get $table) (i32.const 8))))
    (global.set $a_t (i32.load (i32.add (local.get $table) (i32.const 12))))
    (global.set $a_w (i32.load (i32.add (local.get $table) (i32.const 16))))
    (global.set $a_hw (i32.load (i32.add (local.get $table) (i32.const 20))))
    (global.set $a_v (i32.load (i32.add (local.get $table) (i32.const 24))))
    (global.set $a_h (i32.load (i32.add (local.get $table) (i32.const 28))))
    (global.set $a_sig (i32.load (i32.add (local.get $table) (i32.const 32))))
    (global.set $a_tau (i32.load (i32.add (local.get $table) (i32.const 36))))
    (global.set $a_r (i32.load (i32.add (local.get $table) (i32.const 40))))
    (global.set $a_coef (i32.load (i32.add (local.get $table) (i32.const 44))))
    (global.set $a_F (i32.load (i32.add (local.get $table) (i32.const 48))))
    (global.set $a_g (i32.load (i32.add (local.get $table) (i32.const 52))))
    (global.set $a_G (i32.load (i32.add (local.get $table) (i32.const 56))))
    (global.set $a_lo (i32.load (i32.add (local.get $table) (i32.const 60))))
    (global.set $a_hi (i32.load (i32.add (local.get $table) (i32.const 64))))
    (global.set $a_gt (i32.load (i32.add (local.get $table) (i32.const 68))))
    (global.set $a_u (i32.load (i32.add (local.get $table) (i32.const 72))))
    (global.set $a_d (i32.load (i32.add (local.get $table) (i32.const 76))))
    (global.set $a_fixed (i32.load (i32.add (local.get $table) (i32.const 80))))
    (global.set $a_best (i32.load (i32.add (local.get $table) (i32.const 84))))
    (global.set $a_Y (i32.load (i32.add (local.get $table) (i32.const 88))))
    (global.set $a_base (i32.load (i32.add (local.get $table) (i32.const 92))))
    (global.set $a_center (i32.load (i32.add (local.get $table) (i32.const 96))))
    (global.set $a_gm (i32.load (i32.add (local.get $table) (i32.const 100))))
    (global.set $a_Gd (i32.load (i32.add (local.get $table) (i32.const 104))))
    (global.set $a_dv (i32.load (i32.add (local.get $table) (i32.const 108))))
    (global.set $a_xnew (i32.load (i32.add (local.get $table) (i32.const 112))))
    (global.set $a_xg (i32.load (i32.add (local.get $table) (i32.const 116))))
    (global.set $a_short (i32.load (i32.add (local.get $table) (i32.const 120))))
    (global.set $a_pts (i32.load (i32.add (local.get $table) (i32.const 124))))
    (global.set $a_x0 (i32.load (i32.add (local.get $table) (i32.const 128))))
    (global.set $a_lower (i32.load (i32.add (local.get $table) (i32.const 132))))
    (global.set $a_upper (i32.load (i32.add (local.get $table) (i32.const 136))))
    (global.set $a_trD (i32.load (i32.add (local.get $table) (i32.const 140))))
    (global.set $a_tgd (i32.load (i32.add (local.get $table) (i32.const 144))))
    (global.set $a_tp (i32.load (i32.add (local.get $table) (i32.const 148))))
    (global.set $a_tGp (i32.load (i32.add (local.get $table) (i32.const 152))))
    (global.set $a_ts (i32.load (i32.add (local.get $table) (i32.const 156))))
    (global.set $a_tdF (i32.load (i32.add (local.get $table) (i32.const 160))))
    (global.set $a_tGd (i32.load (i32.add (local.get $table) (i32.const 164))))
    (global.set $a_tGs (i32.load (i32.add (local.get $table) (i32.const 168))))
    (global.set $a_tfixed (i32.load (i32.add (local.get $table) (i32.const 172))))
    (global.set $n (local.get $n))
    (global.set $m (i32.add (i32.shl (local.get $n) (i32.const 1)) (i32.const 1)))
    (global.set $N (i32.add (i32.add (global.get $m) (local.get $n)) (i32.const 1)))
    (global.set $nBytes (i32.shl (local.get $n) (i32.const 3)))
    (global.set $maxEval (local.get $maxEval)))
  (func $copyN (param $dst i32) (param $src i32)
    (memory.copy (local.get $dst) (local.get $src) (global.get $nBytes)))
  ;; Σ (a_i − b_i)², in order.
  (func $sqdist (param $a i32) (param $b i32) (result f64)
    (local $i i32) (local $s f64) (local $x f64)
    (local.set $i (i32.const 0))
    (block $sq_done
      (loop $sq
        (br_if $sq_done (i32.ge_s (local.get $i) (global.get $n)))
        (local.set $x (f64.sub (f64.load (i32.add (local.get $a) (i32.shl (local.get $i) (i32.const 3)))) (f64.load (i32.add (local.get $b) (i32.shl (local.get $i) (i32.const 3)))))) (local.set $s (f64.add (local.get $s) (f64.mul (local.get $x) (local.get $x))))
        (local.set $i (i32.add (local.get $i) (i32.const 1)))
        (br $sq)))
    (local.get $s))
  ;; bobyqa.ts `evaluate`: f at x, non-finite values replaced by a penalty above every finite value seen.
  (func $evaluate (param $x i32) (result f64)
    (local $v f64)
    (global.set $nf (i32.add (global.get $nf) (i32.const 1)))
    (local.set $v (call $objective (local.get $x)))
    (global.set $lastFinite (f64.eq (f64.sub (local.get $v) (local.get $v)) (f64.const 0)))
    (if (global.get $lastFinite)
      (then
        (if (f64.gt (local.get $v) (global.get $fmax)) (then (global.set $fmax (local.get $v))))
        (if (f64.lt (local.get $v) (global.get $fmin)) (then (global.set $fmin (local.get $v))))
        (return (local.get $v))))
    (f64.add (global.get $fmax)
      (f64.max (f64.max (f64.mul (f64.const 10) (f64.sub (global.get $fmax) (global.get $fmin)))
                        (f64.mul (f64.const 1e-3) (f64.abs (global.get $fmax))))
               (f64.const 1))))
  ;; bobyqa.ts `stencil`: the 2n points xc ± r e_i (one-sided at a bound) into pts.
  (func $stencil (param $xc i32) (param $r f64)
    (local $i i32) (local $a f64) (local $b f64) (local $y i32) (local $xi f64)
    (local.set $i (i32.const 0))
    (block $st_done
      (loop $st
        (br_if $st_done (i32.ge_s (local.get $i) (global.get $n)))
        
        (local.set $xi (f64.load (i32.add (local.get $xc) (i32.shl (local.get $i) (i32.const 3)))))
        (if (f64.lt (f64.sub (local.get $xi) (local.get $r)) (f64.load (i32.add (global.get $a_lower) (i32.shl (local.get $i) (i32.const 3)))))
          (then (local.set $a (local.get $r)) (local.set $b (f64.mul (f64.const 2) (local.get $r))))
          (else
            (if (f64.gt (f64.add (local.get $xi) (local.get $r)) (f64.load (i32.add (global.get $a_upper) (i32.shl (local.get $i) (i32.const 3)))))
              (then (local.set $a (f64.neg (local.get $r))) (local.set $b (f64.mul (f64.const -2) (local.get $r))))
              (else (local.set $a (local.get $r)) (local.set $b (f64.neg (local.get $r)))))))
        (local.set $y (i32.add (global.get $a_pts) (i32.mul (i32.shl (local.get $i) (i32.const 1)) (global.get $nBytes))))
        (call $copyN (local.get $y) (local.get $xc))
        (f64.store (i32.add (local.get $y) (i32.shl (local.get $i) (i32.const 3))) (f64.min (f64.load (i32.add (global.get $a_upper) (i32.shl (local.get $i) (i32.const 3)))) (f64.max (f64.load (i32.add (global.get $a_lower) (i32.shl (local.get $i) (i32.const 3)))) (f64.add (local.get $xi) (local.get $a)))))
        (local.set $y (i32.add (local.get $y) (global.get $nBytes)))
        (call $copyN (local.get $y) (local.get $xc))
        (f64.store (i32.add (local.get $y) (i32.shl (local.get $i) (i32.const 3))) (f64.min (f64.load (i32.add (global.get $a_upper) (i32.shl (local.get $i) (i32.const 3)))) (f64.max (f64.load (i32.add (global.get $a_lower) (i32.shl (local.get $i) (i32.const 3)))) (f64.add (local.get $xi) (local.get $b)))))
        (local.set $i (i32.add (local.get $i) (i32.const 1)))
        (br $st))))
  ;; interpolation.ts `buildSystem` around Y[kopt]: base, the RMS scale, S, then H. 0 when degenerate.
  (func $buildSys (result i32)
    (local $k i32) (local $i i32) (local $ss f64) (local $v f64) (local $sumsq f64) (local $nonzero i32) (local $yk i32) (local $sk i32)
    (call $copyN (global.get $a_base) (i32.add (global.get $a_Y) (i32.mul (global.get $kopt) (global.get $nBytes))))
    (local.set $k (i32.const 0))
    (block $bk_done
      (loop $bk
        (br_if $bk_done (i32.ge_s (local.get $k) (global.get $m)))
        
        (local.set $yk (i32.add (global.get $a_Y) (i32.mul (local.get $k) (global.get $nBytes))))
        (local.set $ss (f64.const 0))
        (local.set $i (i32.const 0))
    (block $bi_done
      (loop $bi
        (br_if $bi_done (i32.ge_s (local.get $i) (global.get $n)))
        (local.set $v (f64.sub (f64.load (i32.add (local.get $yk) (i32.shl (local.get $i) (i32.const 3)))) (f64.load (i32.add (global.get $a_base) (i32.shl (local.get $i) (i32.const 3)))))) (local.set $ss (f64.add (local.get $ss) (f64.mul (local.get $v) (local.get $v))))
        (local.set $i (i32.add (local.get $i) (i32.const 1)))
        (br $bi)))
        (if (f64.gt (local.get $ss) (f64.const 0))
          (then (local.set $sumsq (f64.add (local.get $sumsq) (local.get $ss))) (local.set $nonzero (i32.add (local.get $nonzero) (i32.const 1)))))
        (local.set $k (i32.add (local.get $k) (i32.const 1)))
        (br $bk)))
    (if (i32.eqz (local.get $nonzero)) (then (return (i32.const 0))))
    (global.set $scale (f64.sqrt (f64.div (local.get $sumsq) (f64.convert_i32_s (local.get $nonzero)))))
    (local.set $k (i32.const 0))
    (block $sk_done
      (loop $sk
        (br_if $sk_done (i32.ge_s (local.get $k) (global.get $m)))
        
        (local.set $yk (i32.add (global.get $a_Y) (i32.mul (local.get $k) (global.get $nBytes))))
        (local.set $sk (i32.add (global.get $a_S) (i32.mul (local.get $k) (global.get $nBytes))))
        (local.set $i (i32.const 0))
    (block $si_done
      (loop $si
        (br_if $si_done (i32.ge_s (local.get $i) (global.get $n)))
        (f64.store (i32.add (local.get $sk) (i32.shl (local.get $i) (i32.const 3))) (f64.div (f64.sub (f64.load (i32.add (local.get $yk) (i32.shl (local.get $i) (i32.const 3)))) (f64.load (i32.add (global.get $a_base) (i32.shl (local.get $i) (i32.const 3))))) (global.get $scale)))
        (local.set $i (i32.add (local.get $i) (i32.const 1)))
        (br $si)))
        (local.set $k (i32.add (local.get $k) (i32.const 1)))
        (br $sk)))
    (global.set $updates (i32.const 0))
    (call $build (global.get $a_H) (global.get $a_S) (global.get $a_A) (global.get $N) (global.get $m) (global.get $n) (f64.const 1e-13)))
  ;; interpolation.ts `updateSystem`: replace point k by x in H and S.
  (func $updateSys (param $k i32) (param $x i32) (result i32)
    (local $i i32)
    (local.set $i (i32.const 0))
    (block $us_done
      (loop $us
        (br_if $us_done (i32.ge_s (local.get $i) (global.get $n)))
        (f64.store (i32.add (global.get $a_t) (i32.shl (local.get $i) (i32.const 3))) (f64.div (f64.sub (f64.load (i32.add (local.get $x) (i32.shl (local.get $i) (i32.const 3)))) (f64.load (i32.add (global.get $a_base) (i32.shl (local.get $i) (i32.const 3))))) (global.get $scale)))
        (local.set $i (i32.add (local.get $i) (i32.const 1)))
        (br $us)))
    (call $update (global.get $a_H) (global.get $a_S) (global.get $a_t) (global.get $a_w) (global.get $a_hw) (global.get $a_v) (global.get $a_h) (global.get $N) (global.get $m) (global.get $n) (local.get $k)))
  ;; interpolation.ts `recenterModel` of the model (center, q0, g, G) to c: writes g + G(c − center) to
  ;; outG (which may be g) and returns q0 + g·d + ½ dᵀGd, d = c − center.
  (func $recenterGrad (param $c i32) (param $outG i32) (result f64)
    (local $i i32) (local $j i32) (local $acc f64) (local $rowp i32) (local $q f64) (local $qf f64)
    (local.set $i (i32.const 0))
    (block $rd_done
      (loop $rd
        (br_if $rd_done (i32.ge_s (local.get $i) (global.get $n)))
        (f64.store (i32.add (global.get $a_dv) (i32.shl (local.get $i) (i32.const 3))) (f64.sub (f64.load (i32.add (local.get $c) (i32.shl (local.get $i) (i32.const 3)))) (f64.load (i32.add (global.get $a_center) (i32.shl (local.get $i) (i32.const 3))))))
        (local.set $i (i32.add (local.get $i) (i32.const 1)))
        (br $rd)))
    (local.set $i (i32.const 0))
    (block $ri_done
      (loop $ri
        (br_if $ri_done (i32.ge_s (local.get $i) (global.get $n)))
        
        (local.set $rowp (i32.add (global.get $a_G) (i32.mul (local.get $i) (global.get $nBytes))))
        (local.set $acc (f64.const 0))
        (local.set $j (i32.const 0))
    (block $rj_done
      (loop $rj
        (br_if $rj_done (i32.ge_s (local.get $j) (global.get $n)))
        (local.set $acc (f64.add (local.get $acc) (f64.mul (f64.load (i32.add (local.get $rowp) (i32.shl (local.get $j) (i32.const 3)))) (f64.load (i32.add (global.get $a_dv) (i32.shl (local.get $j) (i32.const 3)))))))
        (local.set $j (i32.add (local.get $j) (i32.const 1)))
        (br $rj)))
        (f64.store (i32.add (global.get $a_Gd) (i32.shl (local.get $i) (i32.const 3))) (local.get $acc))
        (local.set $i (i32.add (local.get $i) (i32.const 1)))
        (br $ri)))
    ;; q0 + dot(g, d) + ½ Σ_i d_i (G d)_i (quadForm's row sums are the G d above)
    (local.set $q (f64.add (global.get $q0) (call $dot (global.get $a_g) (global.get $a_dv) (global.get $n))))
    (local.set $i (i32.const 0))
    (block $rq_done
      (loop $rq
        (br_if $rq_done (i32.ge_s (local.get $i) (global.get $n)))
        (local.set $qf (f64.add (local.get $qf) (f64.mul (f64.load (i32.add (global.get $a_dv) (i32.shl (local.get $i) (i32.const 3)))) (f64.load (i32.add (global.get $a_Gd) (i32.shl (local.get $i) (i32.const 3)))))))
        (local.set $i (i32.add (local.get $i) (i32.const 1)))
        (br $rq)))
    (local.set $q (f64.add (local.get $q) (f64.mul (f64.const 0.5) (local.get $qf))))
    (local.set $i (i32.const 0))
    (block $rg_done
      (loop $rg
        (br_if $rg_done (i32.ge_s (local.get $i) (global.get $n)))
        (f64.store (i32.add (local.get $outG) (i32.shl (local.get $i) (i32.const 3))) (f64.add (f64.load (i32.add (global.get $a_g) (i32.shl (local.get $i) (i32.const 3)))) (f64.load (i32.add (global.get $a_Gd) (i32.shl (local.get $i) (i32.const 3))))))
        (local.set $i (i32.add (local.get $i) (i32.const 1)))
        (br $rg)))
    (local.get $q))
  ;; interpolation.ts `updateModel`: the model recentred at the base point, then its least Frobenius norm update.
  (func $updateModel
    (global.set $q0 (call $recenterGrad (global.get $a_base) (global.get $a_g)))
    (call $copyN (global.get $a_center) (global.get $a_base))
    (global.set $q0 (call $modelUpdate (global.get $a_H) (global.get $a_S) (global.get $a_F) (global.get $a_g) (global.get $a_G) (global.get $a_r) (global.get $a_coef)
      (global.get $N) (global.get $m) (global.get $n) (global.get $q0) (global.get $scale))))
  ;; interpolation.ts `modelChange`: gvec·d + ½ dᵀGd (G the model's).
  (func $modelChange (param $gvec i32) (param $d i32) (result f64)
    (local $i i32) (local $j i32) (local $acc f64) (local $rowp i32) (local $rowsum f64)
    (local.set $i (i32.const 0))
    (block $mi_done
      (loop $mi
        (br_if $mi_done (i32.ge_s (local.get $i) (global.get $n)))
        
        (local.set $rowp (i32.add (global.get $a_G) (i32.mul (local.get $i) (global.get $nBytes))))
        (local.set $rowsum (f64.const 0))
        (local.set $j (i32.const 0))
    (block $mj_done
      (loop $mj
        (br_if $mj_done (i32.ge_s (local.get $j) (global.get $n)))
        (local.set $rowsum (f64.add (local.get $rowsum) (f64.mul (f64.load (i32.add (local.get $rowp) (i32.shl (local.get $j) (i32.const 3)))) (f64.load (i32.add (local.get $d) (i32.shl (local.get $j) (i32.const 3)))))))
        (local.set $j (i32.add (local.get $j) (i32.const 1)))
        (br $mj)))
        (local.set $acc (f64.add (local.get $acc) (f64.mul (f64.load (i32.add (local.get $d) (i32.shl (local.get $i) (i32.const 3)))) (local.get $rowsum))))
        (local.set $i (i32.add (local.get $i) (i32.const 1)))
        (br $mi)))
    (f64.add (call $dot (local.get $gvec) (local.get $d) (global.get $n)) (f64.mul (f64.const 0.5) (local.get $acc))))
  ;; bobyqa.ts `replace`: point k becomes (x, fx); H updated (or rebuilt around x_opt), then the model.
  ;; H is rebuilt after m updates, when an update's denominator is not safely positive, or when
  ;; ‖x_opt − base‖² exceeds 10³Δ² (Powell's NEWUOA and BOBYQA shift the base point when
  ;; ‖d‖² ≤ 10⁻³‖x_opt − x_b‖²).
  (func $replace (param $k i32) (param $x i32) (param $fx f64) (result i32)
    (local $updated i32) (local $shift f64)
    (if (i32.lt_s (global.get $updates) (global.get $m))
      (then (local.set $updated (call $updateSys (local.get $k) (local.get $x)))))
    (call $copyN (i32.add (global.get $a_Y) (i32.mul (local.get $k) (global.get $nBytes))) (local.get $x))
    (f64.store (i32.add (global.get $a_F) (i32.shl (local.get $k) (i32.const 3))) (local.get $fx))
    (if (f64.lt (local.get $fx) (f64.load (i32.add (global.get $a_F) (i32.shl (global.get $kopt) (i32.const 3))))) (then (global.set $kopt (local.get $k))))
    (local.set $shift (call $sqdist (i32.add (global.get $a_Y) (i32.mul (global.get $kopt) (global.get $nBytes))) (global.get $a_base)))
    (if (i32.and (local.get $updated) (f64.le (local.get $shift) (f64.mul (f64.mul (f64.const 1e3) (global.get $delta)) (global.get $delta))))
      (then (global.set $updates (i32.add (global.get $updates) (i32.const 1))))
      (else
        (if (i32.eqz (call $buildSys)) (then (return (call $resample))))))
    (call $updateModel)
    (i32.const 1))
  ;; bobyqa.ts `resample`: keep x_opt, re-sample the other 2n points at radius ρ. stop = 1 (evaluations) or 2 (degenerate) on failure.
  (func $resample (result i32)
    (local $fopt f64) (local $c i32) (local $fy f64) (local $y i32) (local $j i32)
    ;; x_opt into Y[0], the stencil from it
    (call $copyN (global.get $a_xg) (i32.add (global.get $a_Y) (i32.mul (global.get $kopt) (global.get $nBytes))))
    (local.set $fopt (f64.load (i32.add (global.get $a_F) (i32.shl (global.get $kopt) (i32.const 3)))))
    (call $stencil (global.get $a_xg) (global.get $rho))
    (call $copyN (global.get $a_Y) (global.get $a_xg))
    (f64.store (i32.add (global.get $a_F) (i32.shl (i32.const 0) (i32.const 3))) (local.get $fopt))
    (global.set $kopt (i32.const 0))
    (local.set $c (i32.const 1))
    (block $done
      (loop $next
        (br_if $done (i32.ge_s (local.get $c) (global.get $m)))
        (if (i32.ge_s (global.get $nf) (global.get $maxEval))
          (then
            (global.set $stop (i32.const 1))
            (block $fdone
              (loop $fnext
                (br_if $fdone (i32.ge_s (local.get $c) (global.get $m)))
                (f64.store (i32.add (global.get $a_F) (i32.shl (local.get $c) (i32.const 3))) (f64.load (i32.add (global.get $a_F) (i32.shl (i32.const 0) (i32.const 3)))))
                (call $copyN (i32.add (global.get $a_Y) (i32.mul (local.get $c) (global.get $nBytes))) (global.get $a_xg))
                (local.set $c (i32.add (local.get $c) (i32.const 1)))
                (br $fnext)))
            (return (i32.const 0))))
        (local.set $y (i32.add (global.get $a_pts) (i32.mul (i32.sub (local.get $c) (i32.const 1)) (global.get $nBytes))))
        (local.set $fy (call $evaluate (local.get $y)))
        (f64.store (i32.add (global.get $a_F) (i32.shl (local.get $c) (i32.const 3))) (local.get $fy))
        (call $copyN (i32.add (global.get $a_Y) (i32.mul (local.get $c) (global.get $nBytes))) (local.get $y))
        (if (f64.lt (local.get $fy) (f64.load (i32.add (global.get $a_F) (i32.shl (global.get $kopt) (i32.const 3))))) (then (global.set $kopt (local.get $c))))
        (local.set $c (i32.add (local.get $c) (i32.const 1)))
        (br $next)))
    (if (i32.eqz (call $buildSys)) (then (global.set $stop (i32.const 2)) (return (i32.const 0))))
    (call $updateModel)
    (i32.const 1))
  ;; interpolation.ts `geometryStep` from x_opt = Y[kopt] for point knew within radius: the point into xg.
  (func $geometryStep (param $knew i32) (param $radius f64)
    (local $i i32) (local $topt i32) (local $xopt i32) (local $di f64) (local $lo f64) (local $hi f64)
    (local.set $topt (i32.add (global.get $a_S) (i32.mul (global.get $kopt) (global.get $nBytes))))
    (local.set $xopt (i32.add (global.get $a_Y) (i32.mul (global.get $kopt) (global.get $nBytes))))
    (local.set $i (i32.const 0))
    (block $gl_done
      (loop $gl
        (br_if $gl_done (i32.ge_s (local.get $i) (global.get $n)))
        (f64.store (i32.add (global.get $a_lo) (i32.shl (local.get $i) (i32.const 3))) (f64.min (f64.const 0) (f64.sub (f64.div (f64.sub (f64.load (i32.add (global.get $a_lower) (i32.shl (local.get $i) (i32.const 3)))) (f64.load (i32.add (global.get $a_base) (i32.shl (local.get $i) (i32.const 3))))) (global.get $scale)) (f64.load (i32.add (local.get $topt) (i32.shl (local.get $i) (i32.const 3))))))) (f64.store (i32.add (global.get $a_hi) (i32.shl (local.get $i) (i32.const 3))) (f64.max (f64.const 0) (f64.sub (f64.div (f64.sub (f64.load (i32.add (global.get $a_upper) (i32.shl (local.get $i) (i32.const 3)))) (f64.load (i32.add (global.get $a_base) (i32.shl (local.get $i) (i32.const 3))))) (global.get $scale)) (f64.load (i32.add (local.get $topt) (i32.shl (local.get $i) (i32.const 3)))))))
        (local.set $i (i32.add (local.get $i) (i32.const 1)))
        (br $gl)))
    (drop (call $geometry (global.get $a_H) (global.get $a_S) (global.get $a_t) (global.get $a_w) (global.get $a_hw) (global.get $N) (global.get $m) (global.get $n)
      (local.get $knew) (global.get $kopt) (global.get $a_lo) (global.get $a_hi) (f64.div (local.get $radius) (global.get $scale))
      (global.get $a_gt) (global.get $a_u) (global.get $a_d) (global.get $a_fixed) (global.get $a_best)))
    (local.set $i (i32.const 0))
    (block $gx_done
      (loop $gx
        (br_if $gx_done (i32.ge_s (local.get $i) (global.get $n)))
        
        (local.set $di (f64.load (i32.add (global.get $a_best) (i32.shl (local.get $i) (i32.const 3)))))
        (local.set $lo (f64.load (i32.add (global.get $a_lo) (i32.shl (local.get $i) (i32.const 3)))))
        (local.set $hi (f64.load (i32.add (global.get $a_hi) (i32.shl (local.get $i) (i32.const 3)))))
        (if (i32.and (f64.le (local.get $di) (local.get $lo)) (f64.lt (local.get $lo) (f64.const 0)))
          (then (f64.store (i32.add (global.get $a_xg) (i32.shl (local.get $i) (i32.const 3))) (f64.load (i32.add (global.get $a_lower) (i32.shl (local.get $i) (i32.const 3))))))
          (else
            (if (i32.and (f64.ge (local.get $di) (local.get $hi)) (f64.gt (local.get $hi) (f64.const 0)))
              (then (f64.store (i32.add (global.get $a_xg) (i32.shl (local.get $i) (i32.const 3))) (f64.load (i32.add (global.get $a_upper) (i32.shl (local.get $i) (i32.const 3))))))
              (else (f64.store (i32.add (global.get $a_xg) (i32.shl (local.get $i) (i32.const 3))) (f64.min (f64.load (i32.add (global.get $a_upper) (i32.shl (local.get $i) (i32.const 3)))) (f64.max (f64.load (i32.add (global.get $a_lower) (i32.shl (local.get $i) (i32.const 3)))) (f64.add (f64.load (i32.add (local.get $xopt) (i32.shl (local.get $i) (i32.const 3)))) (f64.mul (global.get $scale) (local.get $di))))))))))
        (local.set $i (i32.add (local.get $i) (i32.const 1)))
        (br $gx))))
  ;; The loop proper (bobyqa.ts `minimizeFree` after f(x0)): x0 (feasible, moved off the bounds) at x0,
  ;; f0 = f(x0) finite. Returns 0 stopped early (message by `stop`), 1 'rho reached rhoend', 2 'ftolAbs
  ;; reached', −1 the initial set degenerate; the best point is Y[kopt] (`best`), its value F[kopt].
  (func (export "run") (param $f0 f64) (param $rhobeg f64) (param $rhoend f64) (param $ftolAbs f64) (param $hasFtol i32) (result i32)
    (local $c i32) (local $fy f64) (local $y i32) (local $phase i32) (local $ntrits i32) (local $nfsav i32) (local $ratio f64) (local $dnorm f64)
    (local $e0 f64) (local $e1 f64) (local $e2 f64) (local $stageStart f64) (local $stageImproved i32) (local $hasShort i32) (local $result i32)
    (local $farThreshold f64) (local $xopt i32) (local $fopt f64) (local $crvmin f64) (local $dsq f64) (local $i i32) (local $j i32) (local $k i32)
    (local $vquad f64) (local $errbig f64) (local $bdtol f64) (local $bdtest f64) (local $fnew f64) (local $delsq f64) (local $knew i32)
    (local $best f64) (local $distsq f64) (local $weight f64) (local $score f64) (local $x f64) (local $dist f64) (local $adelt f64)
    (local $fg f64) (local $r f64) (local $fs f64) (local $sq f64)
    ;; Y[0] = x0, F[0] = f0, then the stencil at ρ_beg.
    (call $copyN (global.get $a_Y) (global.get $a_x0))
    (f64.store (i32.add (global.get $a_F) (i32.shl (i32.const 0) (i32.const 3))) (local.get $f0))
    (global.set $nf (i32.const 1))
    (global.set $fmax (local.get $f0))
    (global.set $fmin (local.get $f0))
    (global.set $kopt (i32.const 0))
    (call $stencil (global.get $a_x0) (local.get $rhobeg))
    (local.set $c (i32.const 1))
    (block $init_done
      (loop $init
        (br_if $init_done (i32.ge_s (local.get $c) (global.get $m)))
        (if (i32.ge_s (global.get $nf) (global.get $maxEval)) (then (global.set $stop (i32.const 1)) (br $init_done)))
        (local.set $y (i32.add (global.get $a_pts) (i32.mul (i32.sub (local.get $c) (i32.const 1)) (global.get $nBytes))))
        (local.set $fy (call $evaluate (local.get $y)))
        (f64.store (i32.add (global.get $a_F) (i32.shl (local.get $c) (i32.const 3))) (local.get $fy))
        (call $copyN (i32.add (global.get $a_Y) (i32.mul (local.get $c) (global.get $nBytes))) (local.get $y))
        (if (f64.lt (local.get $fy) (f64.load (i32.add (global.get $a_F) (i32.shl (global.get $kopt) (i32.const 3))))) (then (global.set $kopt (local.get $c))))
        (local.set $c (i32.add (local.get $c) (i32.const 1)))
        (br $init)))
    (if (global.get $stop) (then (call $copyN (global.get $a_best) (i32.add (global.get $a_Y) (i32.mul (global.get $kopt) (global.get $nBytes)))) (return (i32.const 0))))
    ;; the zero model centred at x0, H around Y[kopt], the model's first update
    (call $copyN (global.get $a_center) (global.get $a_x0))
    (global.set $q0 (f64.const 0))
    (memory.fill (global.get $a_g) (i32.const 0) (global.get $nBytes))
    (memory.fill (global.get $a_G) (i32.const 0) (i32.mul (global.get $nBytes) (global.get $n)))
    (if (i32.eqz (call $buildSys)) (then (return (i32.const -1))))
    (call $updateModel)
    (global.set $rho (local.get $rhobeg))
    (global.set $delta (local.get $rhobeg))
    (local.set $nfsav (global.get $nf))
    (local.set $stageStart (f64.load (i32.add (global.get $a_F) (i32.shl (global.get $kopt) (i32.const 3)))))
    ;; phase 0 trust, 1 geometry, 2 reduce
    (block $main_done
      (loop $main
        (if (global.get $stop) (then (local.set $result (i32.const 0)) (br $main_done)))
        (if (i32.eqz (local.get $phase))
          (then
            (block $trust_end
              (local.set $xopt (i32.add (global.get $a_Y) (i32.mul (global.get $kopt) (global.get $nBytes))))
              (local.set $fopt (f64.load (i32.add (global.get $a_F) (i32.shl (global.get $kopt) (i32.const 3)))))
              (drop (call $recenterGrad (local.get $xopt) (global.get $a_gm)))
              (local.set $crvmin (call $trustRegion (global.get $a_gm) (global.get $a_G) (local.get $xopt) (global.get $a_lower) (global.get $a_upper) (global.get $delta)
                (global.get $a_trD) (global.get $a_tgd) (global.get $a_tfixed) (global.get $a_tp) (global.get $a_tGp) (global.get $a_ts) (global.get $a_tdF) (global.get $a_tGd) (global.get $a_tGs) (global.get $n)))
              (local.set $dsq (f64.const 0))
              (local.set $i (i32.const 0))
    (block $tx_done
      (loop $tx
        (br_if $tx_done (i32.ge_s (local.get $i) (global.get $n)))
        (f64.store (i32.add (global.get $a_xnew) (i32.shl (local.get $i) (i32.const 3))) (f64.min (f64.load (i32.add (global.get $a_upper) (i32.shl (local.get $i) (i32.const 3)))) (f64.max (f64.load (i32.add (global.get $a_lower) (i32.shl (local.get $i) (i32.const 3)))) (f64.add (f64.load (i32.add (local.get $xopt) (i32.shl (local.get $i) (i32.const 3)))) (f64.load (i32.add (global.get $a_trD) (i32.shl (local.get $i) (i32.const 3)))))))) (f64.store (i32.add (global.get $a_trD) (i32.shl (local.get $i) (i32.const 3))) (f64.sub (f64.load (i32.add (global.get $a_xnew) (i32.shl (local.get $i) (i32.const 3)))) (f64.load (i32.add (local.get $xopt) (i32.shl (local.get $i) (i32.const 3)))))) (local.set $dsq (f64.add (local.get $dsq) (f64.mul (f64.load (i32.add (global.get $a_trD) (i32.shl (local.get $i) (i32.const 3)))) (f64.load (i32.add (global.get $a_trD) (i32.shl (local.get $i) (i32.const 3)))))))
        (local.set $i (i32.add (local.get $i) (i32.const 1)))
        (br $tx)))
              (local.set $dnorm (f64.min (global.get $delta) (f64.sqrt (local.get $dsq))))
              (local.set $vquad (call $modelChange (global.get $a_gm) (global.get $a_trD)))
              (if (i32.or (f64.lt (local.get $dnorm) (f64.mul (f64.const 0.5) (global.get $rho))) (i32.eqz (f64.lt (local.get $vquad) (f64.const 0))))
                (then
                  ;; short step (§6): improve the geometry or reduce ρ
                  (local.set $ntrits (i32.const -1))
                  (local.set $hasShort (i32.and (f64.gt (local.get $dsq) (f64.const 0)) (f64.lt (local.get $vquad) (f64.const 0))))
                  (if (local.get $hasShort) (then (call $copyN (global.get $a_short) (global.get $a_xnew))))
                  (local.set $farThreshold (f64.mul (f64.const 10) (global.get $rho)))
                  (if (i32.le_s (global.get $nf) (i32.add (local.get $nfsav) (i32.const 2))) (then (local.set $phase (i32.const 1)) (br $trust_end)))
                  (local.set $errbig (f64.max (f64.max (local.get $e0) (local.get $e1)) (local.get $e2)))
                  (if (i32.and (f64.gt (local.get $crvmin) (f64.const 0))
                               (f64.gt (local.get $errbig) (f64.mul (f64.mul (f64.mul (f64.const 0.125) (global.get $rho)) (global.get $rho)) (local.get $crvmin))))
                    (then (local.set $phase (i32.const 1)) (br $trust_end)))
                  (local.set $bdtol (f64.div (local.get $errbig) (global.get $rho)))
                  (local.set $phase (i32.const 2))
                  (local.set $j (i32.const 0))
                  (block $bd_done
                    (loop $bd
                      (br_if $bd_done (i32.ge_s (local.get $j) (global.get $n)))
                      (local.set $bdtest (local.get $bdtol))
                      (if (f64.eq (f64.load (i32.add (global.get $a_xnew) (i32.shl (local.get $j) (i32.const 3)))) (f64.load (i32.add (global.get $a_lower) (i32.shl (local.get $j) (i32.const 3))))) (then (local.set $bdtest (f64.load (i32.add (global.get $a_gm) (i32.shl (local.get $j) (i32.const 3)))))))
                      (if (f64.eq (f64.load (i32.add (global.get $a_xnew) (i32.shl (local.get $j) (i32.const 3)))) (f64.load (i32.add (global.get $a_upper) (i32.shl (local.get $j) (i32.const 3))))) (then (local.set $bdtest (f64.neg (f64.load (i32.add (global.get $a_gm) (i32.shl (local.get $j) (i32.const 3))))))))
                      (if (f64.lt (local.get $bdtest) (local.get $bdtol))
                        (then
                          (local.set $bdtest (f64.add (local.get $bdtest)
                            (f64.mul (f64.mul (f64.const 0.5) (f64.load (i32.add (global.get $a_G) (i32.shl (i32.mul (local.get $j) (i32.add (global.get $n) (i32.const 1))) (i32.const 3))))) (global.get $rho))))
                          (if (f64.lt (local.get $bdtest) (local.get $bdtol)) (then (local.set $phase (i32.const 1)) (br $bd_done)))))
                      (local.set $j (i32.add (local.get $j) (i32.const 1)))
                      (br $bd)))
                  (br $trust_end)))
              (local.set $hasShort (i32.const 0))
              (if (i32.ge_s (global.get $nf) (global.get $maxEval)) (then (global.set $stop (i32.const 1)) (br $trust_end)))
              (local.set $ntrits (i32.add (local.get $ntrits) (i32.const 1)))
              (local.set $fnew (call $evaluate (global.get $a_xnew)))
              (if (i32.eqz (global.get $lastFinite))
                (then
                  ;; f undefined at x_opt + d: shrink Δ, leave the set as it is
                  (local.set $ratio (f64.const -1))
                  (global.set $delta (f64.min (f64.mul (f64.const 0.5) (global.get $delta)) (local.get $dnorm)))
                  (if (f64.le (global.get $delta) (f64.mul (f64.const 1.5) (global.get $rho))) (then (global.set $delta (global.get $rho))))
                  (local.set $farThreshold (f64.max (f64.mul (f64.const 2) (global.get $delta)) (f64.mul (f64.const 10) (global.get $rho))))
                  (local.set $phase (i32.const 1))
                  (br $trust_end)))
              (local.set $e2 (local.get $e1))
              (local.set $e1 (local.get $e0))
              (local.set $e0 (f64.abs (f64.sub (f64.sub (local.get $fnew) (local.get $fopt)) (local.get $vquad))))
              (if (f64.lt (local.get $fnew) (local.get $fopt)) (then (local.set $stageImproved (i32.const 1))))
              (if (f64.gt (local.get $dnorm) (global.get $rho)) (then (local.set $nfsav (global.get $nf))))
              (local.set $ratio (f64.div (f64.sub (local.get $fnew) (local.get $fopt)) (local.get $vquad)))
              (if (f64.le (local.get $ratio) (f64.const 0.1))
                (then (global.set $delta (f64.min (f64.mul (f64.const 0.5) (global.get $delta)) (local.get $dnorm))))
                (else
                  (if (f64.le (local.get $ratio) (f64.const 0.7))
                    (then (global.set $delta (f64.max (f64.mul (f64.const 0.5) (global.get $delta)) (local.get $dnorm))))
                    (else (global.set $delta (f64.max (f64.mul (f64.const 0.5) (global.get $delta)) (f64.mul (f64.const 2) (local.get $dnorm))))))))
              (if (f64.le (global.get $delta) (f64.mul (f64.const 1.5) (global.get $rho))) (then (global.set $delta (global.get $rho))))
              ;; the point to replace: the largest max(1, (‖y_k − x_opt‖²/Δ²)²)·|σ_k| (§4)
              (local.set $i (i32.const 0))
    (block $dt_done
      (loop $dt
        (br_if $dt_done (i32.ge_s (local.get $i) (global.get $n)))
        (f64.store (i32.add (global.get $a_t) (i32.shl (local.get $i) (i32.const 3))) (f64.div (f64.sub (f64.load (i32.add (global.get $a_xnew) (i32.shl (local.get $i) (i32.const 3)))) (f64.load (i32.add (global.get $a_base) (i32.shl (local.get $i) (i32.const 3))))) (global.get $scale)))
        (local.set $i (i32.add (local.get $i) (i32.const 1)))
        (br $dt)))
              (drop (call $denominators (global.get $a_H) (global.get $a_S) (global.get $a_t) (global.get $a_w) (global.get $a_hw) (global.get $a_sig) (global.get $a_tau) (global.get $N) (global.get $m) (global.get $n)))
              (local.set $delsq (f64.mul (global.get $delta) (global.get $delta)))
              (local.set $knew (i32.const -1))
              (local.set $best (f64.const -1))
              (local.set $k (i32.const 0))
              (block $kn_done
                (loop $kn
                  (br_if $kn_done (i32.ge_s (local.get $k) (global.get $m)))
                  (if (i32.eqz (i32.and (i32.eq (local.get $k) (global.get $kopt)) (i32.eqz (f64.lt (local.get $fnew) (local.get $fopt)))))
                    (then
                      (local.set $distsq (call $sqdist (i32.add (global.get $a_Y) (i32.mul (local.get $k) (global.get $nBytes))) (local.get $xopt)))
                      (local.set $x (f64.div (local.get $distsq) (local.get $delsq)))
                      (local.set $weight (f64.max (f64.const 1) (f64.mul (local.get $x) (local.get $x))))
                      (local.set $score (f64.mul (local.get $weight) (f64.abs (f64.load (i32.add (global.get $a_sig) (i32.shl (local.get $k) (i32.const 3)))))))
                      (if (f64.gt (local.get $score) (local.get $best)) (then (local.set $best (local.get $score)) (local.set $knew (local.get $k))))))
                  (local.set $k (i32.add (local.get $k) (i32.const 1)))
                  (br $kn)))
              ;; (no point scores when every σ is NaN: the set is degenerate)
              (if (i32.lt_s (local.get $knew) (i32.const 0)) (then (global.set $stop (i32.const 2)) (br $trust_end)))
              (if (i32.eqz (call $replace (local.get $knew) (global.get $a_xnew) (local.get $fnew))) (then (br $trust_end)))
              ;; sufficient decrease: another trust-region step
              (br_if $trust_end (f64.le (local.get $fnew) (f64.add (local.get $fopt) (f64.mul (f64.const 0.1) (local.get $vquad)))))
              (local.set $farThreshold (f64.max (f64.mul (f64.const 2) (global.get $delta)) (f64.mul (f64.const 10) (global.get $rho))))
              (local.set $phase (i32.const 1)))
            (br $main)))
        (if (i32.eq (local.get $phase) (i32.const 1))
          (then
            (block $geo_end
              (local.set $xopt (i32.add (global.get $a_Y) (i32.mul (global.get $kopt) (global.get $nBytes))))
              (local.set $knew (i32.const -1))
              (local.set $distsq (f64.mul (local.get $farThreshold) (local.get $farThreshold)))
              (local.set $k (i32.const 0))
              (block $far_done
                (loop $far
                  (br_if $far_done (i32.ge_s (local.get $k) (global.get $m)))
                  (local.set $sq (call $sqdist (i32.add (global.get $a_Y) (i32.mul (local.get $k) (global.get $nBytes))) (local.get $xopt)))
                  (if (f64.gt (local.get $sq) (local.get $distsq)) (then (local.set $distsq (local.get $sq)) (local.set $knew (local.get $k))))
                  (local.set $k (i32.add (local.get $k) (i32.const 1)))
                  (br $far)))
              (if (i32.ge_s (local.get $knew) (i32.const 0))
                (then
                  (local.set $dist (f64.sqrt (local.get $distsq)))
                  (if (i32.eq (local.get $ntrits) (i32.const -1))
                    (then
                      (global.set $delta (f64.min (f64.mul (f64.const 0.1) (global.get $delta)) (f64.mul (f64.const 0.5) (local.get $dist))))
                      (if (f64.le (global.get $delta) (f64.mul (f64.const 1.5) (global.get $rho))) (then (global.set $delta (global.get $rho))))))
                  (local.set $ntrits (i32.const 0))
                  (local.set $adelt (f64.max (f64.min (f64.mul (f64.const 0.1) (local.get $dist)) (global.get $delta)) (global.get $rho)))
                  (call $geometryStep (local.get $knew) (local.get $adelt))
                  (if (i32.ge_s (global.get $nf) (global.get $maxEval)) (then (global.set $stop (i32.const 1)) (br $geo_end)))
                  (local.set $fopt (f64.load (i32.add (global.get $a_F) (i32.shl (global.get $kopt) (i32.const 3)))))
                  (drop (call $recenterGrad (local.get $xopt) (global.get $a_gm)))
                  (local.set $i (i32.const 0))
    (block $dg_done
      (loop $dg
        (br_if $dg_done (i32.ge_s (local.get $i) (global.get $n)))
        (f64.store (i32.add (global.get $a_dv) (i32.shl (local.get $i) (i32.const 3))) (f64.sub (f64.load (i32.add (global.get $a_xg) (i32.shl (local.get $i) (i32.const 3)))) (f64.load (i32.add (local.get $xopt) (i32.shl (local.get $i) (i32.const 3))))))
        (local.set $i (i32.add (local.get $i) (i32.const 1)))
        (br $dg)))
                  ;; dv is also recenterGrad's scratch: the change is formed before the evaluation reuses nothing of it
                  (call $copyN (global.get $a_trD) (global.get $a_dv))
                  (local.set $fg (call $evaluate (global.get $a_xg)))
                  (local.set $e2 (local.get $e1))
                  (local.set $e1 (local.get $e0))
                  (local.set $e0 (f64.abs (f64.sub (f64.sub (local.get $fg) (local.get $fopt)) (call $modelChange (global.get $a_gm) (global.get $a_trD)))))
                  (local.set $hasShort (i32.const 0))
                  (if (i32.eqz (call $replace (local.get $knew) (global.get $a_xg) (local.get $fg))) (then (br $geo_end)))
                  (local.set $phase (i32.const 0))
                  (br $geo_end)))
              (if (i32.eq (local.get $ntrits) (i32.const -1))
                (then (local.set $phase (i32.const 2)))
                (else
                  (if (f64.gt (local.get $ratio) (f64.const 0))
                    (then (local.set $phase (i32.const 0)))
                    (else
                      (if (f64.gt (f64.max (global.get $delta) (local.get $dnorm)) (global.get $rho))
                        (then (local.set $phase (i32.const 0)))
                        (else (local.set $phase (i32.const 2)))))))))
            (br $main)))
        ;; phase 2: reduce ρ, or stop
        (local.set $fopt (f64.load (i32.add (global.get $a_F) (i32.shl (global.get $kopt) (i32.const 3)))))
        (if (i32.and (i32.and (local.get $hasFtol) (local.get $stageImproved)) (f64.lt (f64.sub (local.get $stageStart) (local.get $fopt)) (local.get $ftolAbs)))
          (then (local.set $result (i32.const 2)) (br $main_done)))
        (if (f64.gt (global.get $rho) (local.get $rhoend))
          (then
            (global.set $delta (f64.mul (f64.const 0.5) (global.get $rho)))
            (local.set $r (f64.div (global.get $rho) (local.get $rhoend)))
            (if (f64.le (local.get $r) (f64.const 16))
              (then (global.set $rho (local.get $rhoend)))
              (else
                (if (f64.le (local.get $r) (f64.const 250))
                  (then (global.set $rho (f64.mul (f64.sqrt (local.get $r)) (local.get $rhoend))))
                  (else (global.set $rho (f64.mul (f64.const 0.1) (global.get $rho)))))))
            (global.set $delta (f64.max (global.get $delta) (global.get $rho)))
            (local.set $ntrits (i32.const 0))
            (local.set $nfsav (global.get $nf))
            (local.set $stageStart (local.get $fopt))
            (local.set $stageImproved (i32.const 0))
            (local.set $phase (i32.const 0))
            (br $main)))
        (local.set $result (i32.const 1))
        ;; BOBYQA's final step: a short trust-region step that was not evaluated is tried now.
        (if (i32.and (local.get $hasShort) (i32.lt_s (global.get $nf) (global.get $maxEval)))
          (then
            (local.set $fs (call $evaluate (global.get $a_short)))
            (if (f64.lt (local.get $fs) (local.get $fopt))
              (then
                (call $copyN (i32.add (global.get $a_Y) (i32.mul (global.get $kopt) (global.get $nBytes))) (global.get $a_short))
                (f64.store (i32.add (global.get $a_F) (i32.shl (global.get $kopt) (i32.const 3))) (local.get $fs))))))))
    (call $copyN (global.get $a_best) (i32.add (global.get $a_Y) (i32.mul (global.get $kopt) (global.get $nBytes))))
    (local.get $result))

  ;; The run's evaluations, the best value, and why it stopped early (1 evaluations, 2 degenerate).
  (func (export "evaluations") (result i32) (global.get $nf))
  (func (export "bestValue") (result f64) (f64.load (i32.add (global.get $a_F) (i32.shl (global.get $kopt) (i32.const 3)))))
  (func (export "stopReason") (result i32) (global.get $stop))
)
