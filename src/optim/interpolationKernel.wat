;; The O((m+n)²) and O((m+n)³) loops of BOBYQA's interpolation system (interpolation.ts) in
;; WebAssembly, on a system that lives in the kernel's memory: machine code from the module's
;; compilation, where a fresh process would run the JavaScript in V8's baseline tier. `npm run
;; build:wasm` turns this text into interpolationKernelWasm.ts (wabt's wat2wasm, no optimiser).
;;
;; Byte addresses: H the inverse KKT matrix (N×N row-major doubles, N = m+n+1), S the scaled
;; displacements s_k (m rows of n doubles), t a scaled point (n doubles), w, hw, v, h (N doubles
;; each), sig and tau (m doubles), r (m doubles), A scratch (N×N doubles).
;;
;; Every sum runs in the order of the JavaScript it replaces (interpolation.ts), one rounded
;; multiply and one rounded add per term (no fused multiply–add), so the two give the same
;; results bit for bit and the optimiser takes the same path.
(module
  (import "env" "memory" (memory 1))
  (import "env" "cos" (func $cos (param f64) (result f64)))
  (import "env" "sin" (func $sin (param f64) (result f64)))
  (import "env" "atan2" (func $atan2 (param f64 f64) (result f64)))
  (import "env" "hypot" (func $hypot (param f64 f64) (result f64)))

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
  (func (export "denominators") (param $H i32) (param $S i32) (param $t i32) (param $w i32) (param $hw i32)
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

  ;; σ_knew alone (the geometry step's candidates).
  (func (export "sigmaAt") (param $H i32) (param $S i32) (param $t i32) (param $w i32) (param $hw i32)
    (param $N i32) (param $m i32) (param $n i32) (param $knew i32) (result f64)
    (local $beta f64) (local $x f64)
    (local.set $beta (call $beta (local.get $H) (local.get $S) (local.get $t) (local.get $w) (local.get $hw) (local.get $N) (local.get $m) (local.get $n)))
    (local.set $x (f64.load (i32.add (local.get $hw) (i32.shl (local.get $knew) (i32.const 3)))))
    (f64.add (f64.mul (f64.load (i32.add (local.get $H) (i32.shl (i32.mul (local.get $knew) (i32.add (local.get $N) (i32.const 1))) (i32.const 3)))) (local.get $beta))
             (f64.mul (local.get $x) (local.get $x))))

  ;; Replace point `k` by the scaled point t: Powell's update of H (interpolation.ts
  ;; `updateSystem`), then s_k = t. Returns 0, changing nothing, when σ is not safely positive.
  (func (export "update") (param $H i32) (param $S i32) (param $t i32) (param $w i32) (param $hw i32)
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
  (func (export "build") (param $H i32) (param $S i32) (param $A i32) (param $N i32) (param $m i32) (param $n i32) (param $relTol f64) (result i32)
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
  (func (export "modelUpdate") (param $H i32) (param $S i32) (param $F i32) (param $g i32) (param $G i32)
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
  (func (export "geometry") (param $H i32) (param $S i32) (param $t i32) (param $w i32) (param $hw i32) (param $N i32) (param $m i32) (param $n i32)
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

  ;; ---- The bounded trust-region step (trustRegion.ts, Powell's TRSBOX), operation for operation.

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
  (func (export "trustRegion") (param $g i32) (param $G i32) (param $x i32) (param $lower i32) (param $upper i32) (param $delta f64)
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
)
