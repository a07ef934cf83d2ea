;; The elementary functions of samplers/elementary.ts in WebAssembly (see elementary.ts).
;; `npm run build:wasm` turns this text into elementaryWasm.ts (wabt's wat2wasm, no optimiser:
;; the code below is what runs). Kept apart from the level kernel (which imports some of it) and under
;; 4 KB, the largest module a browser's main thread may compile synchronously.
(module
  ;; stdlib's JavaScript exp, cos and sin, for the arguments outside the ports' ranges
  (import "env" "exp" (func $expOutside (param f64) (result f64)))
  (import "env" "cos" (func $cosOutside (param f64) (result f64)))
  (import "env" "sin" (func $sinOutside (param f64) (result f64)))
  ;; the reduced argument y0 + y1 of $reduce
  (global $y0 (mut f64) (f64.const 0))
  (global $y1 (mut f64) (f64.const 0))

  ;; exp(x): FreeBSD msun's e_exp.c operation for operation as @stdlib/math-base-special-exp
  ;; (its exp, expmulti and ldexp), for −708 < x < 709, where the result is a normal number and
  ;; stdlib's ldexp(y, k) is the exact product y·2^k; other arguments (NaN included) go to
  ;; stdlib's JavaScript exp itself.
  (func (export "exp") (param $x f64) (result f64)
    (local $k f64) (local $hi f64) (local $lo f64) (local $r f64) (local $t f64) (local $c f64) (local $y f64)
    (if (i32.eqz (i32.and (f64.gt (local.get $x) (f64.const -708)) (f64.lt (local.get $x) (f64.const 709))))
      (then (return (call $expOutside (local.get $x)))))
    ;; |x| < 2^−28
    (if (i32.and (f64.gt (local.get $x) (f64.const -3.725290298461914e-9)) (f64.lt (local.get $x) (f64.const 3.725290298461914e-9)))
      (then (return (f64.add (f64.const 1) (local.get $x)))))
    (if (f64.lt (local.get $x) (f64.const 0))
      (then (local.set $k (f64.trunc (f64.sub (f64.mul (f64.const 1.44269504088896338700e+00) (local.get $x)) (f64.const 0.5)))))
      (else (local.set $k (f64.trunc (f64.add (f64.mul (f64.const 1.44269504088896338700e+00) (local.get $x)) (f64.const 0.5))))))
    (local.set $hi (f64.sub (local.get $x) (f64.mul (local.get $k) (f64.const 6.93147180369123816490e-01))))
    (local.set $lo (f64.mul (local.get $k) (f64.const 1.90821492927058770002e-10)))
    ;; expmulti(hi, lo, k)
    (local.set $r (f64.sub (local.get $hi) (local.get $lo)))
    (local.set $t (f64.mul (local.get $r) (local.get $r)))
    (local.set $c (f64.sub (local.get $r) (f64.mul (local.get $t)
      (f64.add (f64.const 0.16666666666666602)
        (f64.mul (local.get $t) (f64.add (f64.const -0.0027777777777015593)
          (f64.mul (local.get $t) (f64.add (f64.const 0.00006613756321437934)
            (f64.mul (local.get $t) (f64.add (f64.const -0.0000016533902205465252)
              (f64.mul (local.get $t) (f64.const 4.1381367970572385e-8))))))))))))
    (local.set $y (f64.sub (f64.const 1)
      (f64.sub (f64.sub (local.get $lo) (f64.div (f64.mul (local.get $r) (local.get $c)) (f64.sub (f64.const 2) (local.get $c))))
               (local.get $hi))))
    ;; ldexp(y, k) = y·2^k (k in [−1021, 1023] here, the result normal: exact)
    (f64.mul (local.get $y)
      (f64.reinterpret_i64 (i64.shl (i64.add (i64.trunc_f64_s (local.get $k)) (i64.const 1023)) (i64.const 52)))))

  ;; ln(x): the natural logarithm by FreeBSD msun's e_log.c, operation for operation as
  ;; @stdlib/math-base-special-ln (samplers/elementary.ts `log`), so the same bits
  ;; (test/samplers/levelKernel.test.ts compares them on millions of arguments).
  (func (export "ln") (param $x f64) (result f64)
    (local $hx i32) (local $k i32) (local $i i32) (local $j i32) (local $kf f64)
    (local $f f64) (local $s f64) (local $z f64) (local $w f64) (local $t1 f64) (local $t2 f64)
    (local $R f64) (local $hfsq f64)
    (if (f64.eq (local.get $x) (f64.const 0)) (then (return (f64.const -inf))))
    (if (i32.or (f64.ne (local.get $x) (local.get $x)) (f64.lt (local.get $x) (f64.const 0)))
      (then (return (f64.const nan))))
    (local.set $hx (i32.wrap_i64 (i64.shr_u (i64.reinterpret_f64 (local.get $x)) (i64.const 32))))
    (local.set $k (i32.const 0))
    (if (i32.lt_s (local.get $hx) (i32.const 0x00100000))
      (then
        ;; subnormal: scale up by 2^54
        (local.set $k (i32.const -54))
        (local.set $x (f64.mul (local.get $x) (f64.const 1.80143985094819840000e+16)))
        (local.set $hx (i32.wrap_i64 (i64.shr_u (i64.reinterpret_f64 (local.get $x)) (i64.const 32))))))
    (if (i32.ge_s (local.get $hx) (i32.const 0x7ff00000)) (then (return (f64.add (local.get $x) (local.get $x)))))
    (local.set $k (i32.add (local.get $k) (i32.sub (i32.shr_s (local.get $hx) (i32.const 20)) (i32.const 1023))))
    (local.set $hx (i32.and (local.get $hx) (i32.const 0x000fffff)))
    (local.set $i (i32.and (i32.add (local.get $hx) (i32.const 0x95f64)) (i32.const 0x100000)))
    ;; x = setHighWord(x, hx | (i ^ 0x3ff00000)): x or x/2 normalised
    (local.set $x
      (f64.reinterpret_i64
        (i64.or
          (i64.and (i64.reinterpret_f64 (local.get $x)) (i64.const 0xffffffff))
          (i64.shl (i64.extend_i32_u (i32.or (local.get $hx) (i32.xor (local.get $i) (i32.const 0x3ff00000)))) (i64.const 32)))))
    (local.set $k (i32.add (local.get $k) (i32.shr_s (local.get $i) (i32.const 20))))
    (local.set $kf (f64.convert_i32_s (local.get $k)))
    (local.set $f (f64.sub (local.get $x) (f64.const 1)))
    (if (i32.lt_s (i32.and (i32.const 0x000fffff) (i32.add (i32.const 2) (local.get $hx))) (i32.const 3))
      (then
        ;; −2^−20 ≤ f < 2^−20
        (if (f64.eq (local.get $f) (f64.const 0))
          (then
            (if (i32.eqz (local.get $k)) (then (return (f64.const 0))))
            (return (f64.add (f64.mul (local.get $kf) (f64.const 6.93147180369123816490e-01))
                             (f64.mul (local.get $kf) (f64.const 1.90821492927058770002e-10))))))
        (local.set $R (f64.mul (f64.mul (local.get $f) (local.get $f))
                               (f64.sub (f64.const 0.5) (f64.mul (f64.const 0.33333333333333333) (local.get $f)))))
        (if (i32.eqz (local.get $k)) (then (return (f64.sub (local.get $f) (local.get $R)))))
        (return (f64.sub (f64.mul (local.get $kf) (f64.const 6.93147180369123816490e-01))
                         (f64.sub (f64.sub (local.get $R) (f64.mul (local.get $kf) (f64.const 1.90821492927058770002e-10))) (local.get $f))))))
    (local.set $s (f64.div (local.get $f) (f64.add (f64.const 2) (local.get $f))))
    (local.set $z (f64.mul (local.get $s) (local.get $s)))
    (local.set $i (i32.sub (local.get $hx) (i32.const 0x6147a)))
    (local.set $w (f64.mul (local.get $z) (local.get $z)))
    (local.set $j (i32.sub (i32.const 0x6b851) (local.get $hx)))
    ;; t1 = w·P(w), t2 = z·Q(w) (stdlib's polyval_p, polyval_q; their w = 0 branches give the same value)
    (local.set $t1 (f64.mul (local.get $w)
      (f64.add (f64.const 0.3999999999940942)
        (f64.mul (local.get $w) (f64.add (f64.const 0.22222198432149784) (f64.mul (local.get $w) (f64.const 0.15313837699209373)))))))
    (local.set $t2 (f64.mul (local.get $z)
      (f64.add (f64.const 0.6666666666666735)
        (f64.mul (local.get $w) (f64.add (f64.const 0.2857142874366239)
          (f64.mul (local.get $w) (f64.add (f64.const 0.1818357216161805) (f64.mul (local.get $w) (f64.const 0.14798198605116586)))))))))
    (local.set $i (i32.or (local.get $i) (local.get $j)))
    (local.set $R (f64.add (local.get $t2) (local.get $t1)))
    (if (i32.gt_s (local.get $i) (i32.const 0))
      (then
        (local.set $hfsq (f64.mul (f64.mul (f64.const 0.5) (local.get $f)) (local.get $f)))
        (if (i32.eqz (local.get $k))
          (then (return (f64.sub (local.get $f) (f64.sub (local.get $hfsq) (f64.mul (local.get $s) (f64.add (local.get $hfsq) (local.get $R))))))))
        (return (f64.sub (f64.mul (local.get $kf) (f64.const 6.93147180369123816490e-01))
          (f64.sub
            (f64.sub (local.get $hfsq)
              (f64.add (f64.mul (local.get $s) (f64.add (local.get $hfsq) (local.get $R)))
                       (f64.mul (local.get $kf) (f64.const 1.90821492927058770002e-10))))
            (local.get $f))))))
    (if (i32.eqz (local.get $k))
      (then (return (f64.sub (local.get $f) (f64.mul (local.get $s) (f64.sub (local.get $f) (local.get $R)))))))
    (f64.sub (f64.mul (local.get $kf) (f64.const 6.93147180369123816490e-01))
      (f64.sub (f64.sub (f64.mul (local.get $s) (f64.sub (local.get $f) (local.get $R)))
                        (f64.mul (local.get $kf) (f64.const 1.90821492927058770002e-10)))
               (local.get $f))))

  ;; log1p(x) = log(1 + x): FreeBSD msun's s_log1p.c operation for operation as
  ;; @stdlib/math-base-special-log1p.
  (func (export "log1p") (param $x f64) (result f64)
    (local $hfsq f64) (local $y f64) (local $f f64) (local $c f64) (local $s f64) (local $z f64)
    (local $R f64) (local $u f64) (local $kf f64) (local $hu i32) (local $k i32)
    (if (i32.or (f64.lt (local.get $x) (f64.const -1)) (f64.ne (local.get $x) (local.get $x))) (then (return (f64.const nan))))
    (if (f64.eq (local.get $x) (f64.const -1)) (then (return (f64.const -inf))))
    (if (f64.eq (local.get $x) (f64.const inf)) (then (return (local.get $x))))
    (if (f64.eq (local.get $x) (f64.const 0)) (then (return (local.get $x))))
    (local.set $y (f64.abs (local.get $x)))
    (local.set $k (i32.const 1))
    (local.set $c (f64.const 0))
    (if (f64.lt (local.get $y) (f64.const 4.142135623730950488017e-01))
      (then
        (if (f64.lt (local.get $y) (f64.const 1.862645149230957e-09))
          (then
            (if (f64.lt (local.get $y) (f64.const 5.551115123125783e-17)) (then (return (local.get $x))))
            (return (f64.sub (local.get $x) (f64.mul (f64.mul (local.get $x) (local.get $x)) (f64.const 0.5))))))
        (if (f64.gt (local.get $x) (f64.const -2.928932188134524755992e-01))
          (then
            (local.set $k (i32.const 0))
            (local.set $f (local.get $x))
            (local.set $hu (i32.const 1))))))
    (if (local.get $k)
      (then
        (if (f64.lt (local.get $y) (f64.const 9007199254740992))
          (then
            (local.set $u (f64.add (f64.const 1) (local.get $x)))
            (local.set $hu (i32.wrap_i64 (i64.shr_u (i64.reinterpret_f64 (local.get $u)) (i64.const 32))))
            (local.set $k (i32.sub (i32.shr_s (local.get $hu) (i32.const 20)) (i32.const 1023)))
            (if (i32.gt_s (local.get $k) (i32.const 0))
              (then (local.set $c (f64.sub (f64.const 1) (f64.sub (local.get $u) (local.get $x)))))
              (else (local.set $c (f64.sub (local.get $x) (f64.sub (local.get $u) (f64.const 1))))))
            (local.set $c (f64.div (local.get $c) (local.get $u))))
          (else
            (local.set $u (local.get $x))
            (local.set $hu (i32.wrap_i64 (i64.shr_u (i64.reinterpret_f64 (local.get $u)) (i64.const 32))))
            (local.set $k (i32.sub (i32.shr_s (local.get $hu) (i32.const 20)) (i32.const 1023)))
            (local.set $c (f64.const 0))))
        (local.set $hu (i32.and (local.get $hu) (i32.const 0x000fffff)))
        (if (i32.lt_s (local.get $hu) (i32.const 434334))
          (then
            (local.set $u (f64.reinterpret_i64 (i64.or
              (i64.and (i64.reinterpret_f64 (local.get $u)) (i64.const 0xffffffff))
              (i64.shl (i64.extend_i32_u (i32.or (local.get $hu) (i32.const 0x3ff00000))) (i64.const 32))))))
          (else
            (local.set $k (i32.add (local.get $k) (i32.const 1)))
            (local.set $u (f64.reinterpret_i64 (i64.or
              (i64.and (i64.reinterpret_f64 (local.get $u)) (i64.const 0xffffffff))
              (i64.shl (i64.extend_i32_u (i32.or (local.get $hu) (i32.const 0x3fe00000))) (i64.const 32)))))
            (local.set $hu (i32.shr_s (i32.sub (i32.const 1048576) (local.get $hu)) (i32.const 2)))))
        (local.set $f (f64.sub (local.get $u) (f64.const 1)))))
    (local.set $hfsq (f64.mul (f64.mul (f64.const 0.5) (local.get $f)) (local.get $f)))
    (local.set $kf (f64.convert_i32_s (local.get $k)))
    (if (i32.eqz (local.get $hu))
      (then
        (if (f64.eq (local.get $f) (f64.const 0))
          (then
            (local.set $c (f64.add (local.get $c) (f64.mul (local.get $kf) (f64.const 1.90821492927058770002e-10))))
            (return (f64.add (f64.mul (local.get $kf) (f64.const 6.93147180369123816490e-01)) (local.get $c)))))
        (local.set $R (f64.mul (local.get $hfsq) (f64.sub (f64.const 1) (f64.mul (f64.const 6.666666666666666666e-01) (local.get $f)))))
        (return (f64.sub (f64.mul (local.get $kf) (f64.const 6.93147180369123816490e-01))
          (f64.sub (f64.sub (local.get $R) (f64.add (f64.mul (local.get $kf) (f64.const 1.90821492927058770002e-10)) (local.get $c)))
                   (local.get $f))))))
    (local.set $s (f64.div (local.get $f) (f64.add (f64.const 2) (local.get $f))))
    (local.set $z (f64.mul (local.get $s) (local.get $s)))
    (local.set $R (f64.mul (local.get $z)
      (f64.add (f64.const 0.6666666666666735) (f64.mul (local.get $z)
      (f64.add (f64.const 0.3999999999940942) (f64.mul (local.get $z)
      (f64.add (f64.const 0.2857142874366239) (f64.mul (local.get $z)
      (f64.add (f64.const 0.22222198432149784) (f64.mul (local.get $z)
      (f64.add (f64.const 0.1818357216161805) (f64.mul (local.get $z)
      (f64.add (f64.const 0.15313837699209373) (f64.mul (local.get $z) (f64.const 0.14798198605116586)))))))))))))))
    (if (i32.eqz (local.get $k))
      (then (return (f64.sub (local.get $f) (f64.sub (local.get $hfsq) (f64.mul (local.get $s) (f64.add (local.get $hfsq) (local.get $R))))))))
    (f64.sub (f64.mul (local.get $kf) (f64.const 6.93147180369123816490e-01))
      (f64.sub
        (f64.sub (local.get $hfsq)
          (f64.add (f64.mul (local.get $s) (f64.add (local.get $hfsq) (local.get $R)))
                   (f64.add (f64.mul (local.get $kf) (f64.const 1.90821492927058770002e-10)) (local.get $c))))
        (local.get $f))))

  ;; kernelCos(x, y) and kernelSin(x, y): msun's k_cos.c and k_sin.c on [−π/4, π/4] as
  ;; @stdlib/math-base-special-kernel-cos and -kernel-sin (y the tail of the reduced argument).
  (func $kernelCos (param $x f64) (param $y f64) (result f64)
    (local $z f64) (local $w f64) (local $r f64) (local $hz f64)
    (local.set $z (f64.mul (local.get $x) (local.get $x)))
    (local.set $w (f64.mul (local.get $z) (local.get $z)))
    (local.set $r (f64.mul (local.get $z)
      (f64.add (f64.const 0.0416666666666666)
        (f64.mul (local.get $z) (f64.add (f64.const -0.001388888888887411) (f64.mul (local.get $z) (f64.const 0.00002480158728947673)))))))
    (local.set $r (f64.add (local.get $r) (f64.mul (f64.mul (local.get $w) (local.get $w))
      (f64.add (f64.const -2.7557314351390663e-7)
        (f64.mul (local.get $z) (f64.add (f64.const 2.087572321298175e-9) (f64.mul (local.get $z) (f64.const -1.1359647557788195e-11))))))))
    (local.set $hz (f64.mul (f64.const 0.5) (local.get $z)))
    (local.set $w (f64.sub (f64.const 1) (local.get $hz)))
    (f64.add (local.get $w)
      (f64.add (f64.sub (f64.sub (f64.const 1) (local.get $w)) (local.get $hz))
               (f64.sub (f64.mul (local.get $z) (local.get $r)) (f64.mul (local.get $x) (local.get $y))))))

  (func $kernelSin (param $x f64) (param $y f64) (result f64)
    (local $z f64) (local $w f64) (local $r f64) (local $v f64)
    (local.set $z (f64.mul (local.get $x) (local.get $x)))
    (local.set $w (f64.mul (local.get $z) (local.get $z)))
    (local.set $r
      (f64.add
        (f64.add (f64.const 8.33333333332248946124e-03)
          (f64.mul (local.get $z) (f64.add (f64.const -1.98412698298579493134e-04) (f64.mul (local.get $z) (f64.const 2.75573137070700676789e-06)))))
        (f64.mul (f64.mul (local.get $z) (local.get $w))
          (f64.add (f64.const -2.50507602534068634195e-08) (f64.mul (local.get $z) (f64.const 1.58969099521155010221e-10))))))
    (local.set $v (f64.mul (local.get $z) (local.get $x)))
    (if (f64.eq (local.get $y) (f64.const 0))
      (then (return (f64.add (local.get $x)
        (f64.mul (local.get $v) (f64.add (f64.const -1.66666666666666324348e-01) (f64.mul (local.get $z) (local.get $r))))))))
    (f64.sub (local.get $x)
      (f64.sub
        (f64.sub (f64.mul (local.get $z) (f64.sub (f64.mul (f64.const 0.5) (local.get $y)) (f64.mul (local.get $v) (local.get $r))))
                 (local.get $y))
        (f64.mul (local.get $v) (f64.const -1.66666666666666324348e-01)))))

  ;; |x| in (π/4, 5π/4] away from π/2 (the cases of stdlib's rempio2 with n = ±1, ±2):
  ;; x − nπ/2 as y0 + y1 into the globals; returns n.
  (func $reduce (param $x f64) (param $ix i32) (result i32)
    (local $z f64)
    (if (i32.le_s (local.get $ix) (i32.const 0x4002d97c))
      (then
        (if (f64.gt (local.get $x) (f64.const 0))
          (then
            (local.set $z (f64.sub (local.get $x) (f64.const 1.57079632673412561417e+00)))
            (global.set $y0 (f64.sub (local.get $z) (f64.const 6.07710050650619224932e-11)))
            (global.set $y1 (f64.sub (f64.sub (local.get $z) (global.get $y0)) (f64.const 6.07710050650619224932e-11)))
            (return (i32.const 1))))
        (local.set $z (f64.add (local.get $x) (f64.const 1.57079632673412561417e+00)))
        (global.set $y0 (f64.add (local.get $z) (f64.const 6.07710050650619224932e-11)))
        (global.set $y1 (f64.add (f64.sub (local.get $z) (global.get $y0)) (f64.const 6.07710050650619224932e-11)))
        (return (i32.const -1))))
    (if (f64.gt (local.get $x) (f64.const 0))
      (then
        (local.set $z (f64.sub (local.get $x) (f64.const 3.14159265346825122834e+00)))
        (global.set $y0 (f64.sub (local.get $z) (f64.const 1.21542010130123844986e-10)))
        (global.set $y1 (f64.sub (f64.sub (local.get $z) (global.get $y0)) (f64.const 1.21542010130123844986e-10)))
        (return (i32.const 2))))
    (local.set $z (f64.add (local.get $x) (f64.const 3.14159265346825122834e+00)))
    (global.set $y0 (f64.add (local.get $z) (f64.const 1.21542010130123844986e-10)))
    (global.set $y1 (f64.add (f64.sub (local.get $z) (global.get $y0)) (f64.const 1.21542010130123844986e-10)))
    (i32.const -2))

  ;; The high word of |x|, and whether x is in the ports' range of cos and sin: |x| ≤ 5π/4
  ;; and not near π/2 (where stdlib's rempio2 takes its medium path).
  (func $ported (param $ix i32) (result i32)
    (i32.and (i32.le_s (local.get $ix) (i32.const 0x400f6a7a))
             (i32.ne (i32.and (local.get $ix) (i32.const 0x000fffff)) (i32.const 0x921fb))))

  ;; cos(x) and sin(x): @stdlib/math-base-special-cos and -sin operation for operation for
  ;; |x| ≤ 5π/4 (π/2 ± a little excepted), stdlib's JavaScript functions elsewhere.
  (func (export "cos") (param $x f64) (result f64)
    (local $ix i32) (local $n i32)
    (local.set $ix (i32.and (i32.wrap_i64 (i64.shr_u (i64.reinterpret_f64 (local.get $x)) (i64.const 32))) (i32.const 0x7fffffff)))
    (if (i32.le_s (local.get $ix) (i32.const 0x3fe921fb))
      (then
        (if (i32.lt_s (local.get $ix) (i32.const 0x3e400000)) (then (return (f64.const 1))))
        (return (call $kernelCos (local.get $x) (f64.const 0)))))
    (if (i32.eqz (call $ported (local.get $ix))) (then (return (call $cosOutside (local.get $x)))))
    (local.set $n (i32.and (call $reduce (local.get $x) (local.get $ix)) (i32.const 3)))
    (if (i32.eq (local.get $n) (i32.const 1)) (then (return (f64.neg (call $kernelSin (global.get $y0) (global.get $y1))))))
    (if (i32.eq (local.get $n) (i32.const 2)) (then (return (f64.neg (call $kernelCos (global.get $y0) (global.get $y1))))))
    (call $kernelSin (global.get $y0) (global.get $y1)))

  (func (export "sin") (param $x f64) (result f64)
    (local $ix i32) (local $n i32)
    (local.set $ix (i32.and (i32.wrap_i64 (i64.shr_u (i64.reinterpret_f64 (local.get $x)) (i64.const 32))) (i32.const 0x7fffffff)))
    (if (i32.le_s (local.get $ix) (i32.const 0x3fe921fb))
      (then
        (if (i32.lt_s (local.get $ix) (i32.const 0x3e500000)) (then (return (local.get $x))))
        (return (call $kernelSin (local.get $x) (f64.const 0)))))
    (if (i32.eqz (call $ported (local.get $ix))) (then (return (call $sinOutside (local.get $x)))))
    (local.set $n (i32.and (call $reduce (local.get $x) (local.get $ix)) (i32.const 3)))
    (if (i32.eq (local.get $n) (i32.const 1)) (then (return (call $kernelCos (global.get $y0) (global.get $y1)))))
    (if (i32.eq (local.get $n) (i32.const 2)) (then (return (f64.neg (call $kernelSin (global.get $y0) (global.get $y1))))))
    (f64.neg (call $kernelCos (global.get $y0) (global.get $y1))))

  ;; hypot(x, y) = √(x² + y²): @stdlib/math-base-special-hypot operation for operation
  ;; (x·√(1 + (y/x)²) with |x| ≥ |y|).
  (func (export "hypot") (param $x f64) (param $y f64) (result f64)
    (local $t f64)
    (if (i32.or (f64.eq (f64.abs (local.get $x)) (f64.const inf)) (f64.eq (f64.abs (local.get $y)) (f64.const inf)))
      (then (return (f64.const inf))))
    (if (i32.or (f64.ne (local.get $x) (local.get $x)) (f64.ne (local.get $y) (local.get $y))) (then (return (f64.const nan))))
    (if (f64.lt (local.get $x) (f64.const 0)) (then (local.set $x (f64.neg (local.get $x)))))
    (if (f64.lt (local.get $y) (f64.const 0)) (then (local.set $y (f64.neg (local.get $y)))))
    (if (f64.lt (local.get $x) (local.get $y))
      (then (local.set $t (local.get $y)) (local.set $y (local.get $x)) (local.set $x (local.get $t))))
    (if (f64.eq (local.get $x) (f64.const 0)) (then (return (f64.const 0))))
    (local.set $y (f64.div (local.get $y) (local.get $x)))
    (f64.mul (local.get $x) (f64.sqrt (f64.add (f64.const 1) (f64.mul (local.get $y) (local.get $y))))))

  ;; atan(x): @stdlib/math-base-special-atan (Cephes' atan) operation for operation.
  (func $atan (param $x f64) (result f64)
    (local $sgn i32) (local $flg i32) (local $y f64) (local $z f64)
    (if (i32.or (f64.ne (local.get $x) (local.get $x)) (f64.eq (local.get $x) (f64.const 0))) (then (return (local.get $x))))
    (if (f64.eq (local.get $x) (f64.const inf)) (then (return (f64.const 1.5707963267948966))))
    (if (f64.eq (local.get $x) (f64.const -inf)) (then (return (f64.const -1.5707963267948966))))
    (if (f64.lt (local.get $x) (f64.const 0))
      (then (local.set $sgn (i32.const 1)) (local.set $x (f64.neg (local.get $x)))))
    (local.set $flg (i32.const 0))
    (if (f64.gt (local.get $x) (f64.const 2.41421356237309504880))
      (then
        (local.set $y (f64.const 1.5707963267948966))
        (local.set $flg (i32.const 1))
        (local.set $x (f64.neg (f64.div (f64.const 1) (local.get $x)))))
      (else
        (if (f64.le (local.get $x) (f64.const 0.66))
          (then (local.set $y (f64.const 0)))
          (else
            (local.set $y (f64.const 0.7853981633974483))
            (local.set $flg (i32.const 2))
            (local.set $x (f64.div (f64.sub (local.get $x) (f64.const 1)) (f64.add (local.get $x) (f64.const 1))))))))
    (local.set $z (f64.mul (local.get $x) (local.get $x)))
    ;; z = z·P(z)/Q(z)
    (local.set $z
      (f64.div
        (f64.mul (local.get $z)
          (f64.add (f64.const -64.85021904942025) (f64.mul (local.get $z)
          (f64.add (f64.const -122.88666844901361) (f64.mul (local.get $z)
          (f64.add (f64.const -75.00855792314705) (f64.mul (local.get $z)
          (f64.add (f64.const -16.157537187333652) (f64.mul (local.get $z) (f64.const -0.8750608600031904))))))))))
        (f64.add (f64.const 194.5506571482614) (f64.mul (local.get $z)
        (f64.add (f64.const 485.3903996359137) (f64.mul (local.get $z)
        (f64.add (f64.const 432.88106049129027) (f64.mul (local.get $z)
        (f64.add (f64.const 165.02700983169885) (f64.mul (local.get $z)
        (f64.add (f64.const 24.858464901423062) (f64.mul (local.get $z) (f64.const 1.0)))))))))))))
    (local.set $z (f64.add (f64.mul (local.get $x) (local.get $z)) (local.get $x)))
    (if (i32.eq (local.get $flg) (i32.const 2))
      (then (local.set $z (f64.add (local.get $z) (f64.mul (f64.const 0.5) (f64.const 6.123233995736765886130e-17)))))
      (else
        (if (i32.eq (local.get $flg) (i32.const 1))
          (then (local.set $z (f64.add (local.get $z) (f64.const 6.123233995736765886130e-17)))))))
    (local.set $y (f64.add (local.get $y) (local.get $z)))
    (if (result f64) (local.get $sgn) (then (f64.neg (local.get $y))) (else (local.get $y))))

  ;; atan2(y, x): @stdlib/math-base-special-atan2 operation for operation.
  (func (export "atan2") (param $y f64) (param $x f64) (result f64)
    (local $q f64)
    (if (i32.or (f64.ne (local.get $x) (local.get $x)) (f64.ne (local.get $y) (local.get $y))) (then (return (f64.const nan))))
    (if (f64.eq (f64.abs (local.get $x)) (f64.const inf))
      (then
        (if (f64.eq (local.get $x) (f64.const inf))
          (then
            (if (f64.eq (f64.abs (local.get $y)) (f64.const inf))
              (then (return (f64.copysign (f64.div (f64.const 3.141592653589793) (f64.const 4)) (local.get $y)))))
            (return (f64.copysign (f64.const 0) (local.get $y)))))
        (if (f64.eq (f64.abs (local.get $y)) (f64.const inf))
          (then (return (f64.copysign (f64.div (f64.mul (f64.const 3) (f64.const 3.141592653589793)) (f64.const 4)) (local.get $y)))))
        (return (f64.copysign (f64.const 3.141592653589793) (local.get $y)))))
    (if (f64.eq (f64.abs (local.get $y)) (f64.const inf))
      (then (return (f64.copysign (f64.div (f64.const 3.141592653589793) (f64.const 2)) (local.get $y)))))
    (if (f64.eq (local.get $y) (f64.const 0))
      (then
        ;; x ≥ 0 and not −0 (signbit)
        (if (i32.and (f64.ge (local.get $x) (f64.const 0)) (i64.ge_s (i64.reinterpret_f64 (local.get $x)) (i64.const 0)))
          (then (return (f64.copysign (f64.const 0) (local.get $y)))))
        (return (f64.copysign (f64.const 3.141592653589793) (local.get $y)))))
    (if (f64.eq (local.get $x) (f64.const 0))
      (then (return (f64.copysign (f64.div (f64.const 3.141592653589793) (f64.const 2)) (local.get $y)))))
    (local.set $q (call $atan (f64.div (local.get $y) (local.get $x))))
    (if (f64.lt (local.get $x) (f64.const 0))
      (then
        (if (f64.le (local.get $q) (f64.const 0)) (then (return (f64.add (local.get $q) (f64.const 3.141592653589793)))))
        (return (f64.sub (local.get $q) (f64.const 3.141592653589793)))))
    (local.get $q))
)
