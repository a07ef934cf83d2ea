;; The one pass over the rows of crossprod.ts (`crossProducts`): [X y]'W[X y] and each term's
;; Z_j'WZ_j and Z_j'W[X y], in WebAssembly, for a chunk of rows copied into the kernel's memory.
;; `npm run build:wasm` turns this text into crossprodKernelWasm.ts (wabt's wat2wasm, no optimiser).
;;
;; Each accumulator adds its row terms in row order with the products formed as in crossprod.ts
;; (one rounded multiply, one rounded add, zero factors skipped), so the blocks are the same bit
;; for bit as the JavaScript loop's; the chunks continue the same sums.
;;
;; Byte addresses: X (rows×p doubles), y (rows doubles), w (rows doubles, or 0 for unit weights),
;; refs (rows i32: the level of each row), Z (rows×q doubles), xy and wxy (P = p+1 doubles of
;; scratch), and the accumulators XytXy (P×P, upper triangle), ZtZ (nlevels×q×q), ZtXy (nlevels×q×P).
(module
  (import "env" "memory" (memory 1))

  ;; xy = [x_i, y_i − yShift], wxy = w_i·xy (or xy itself without weights: wxy = xy's address).
  (func $row (param $X i32) (param $y i32) (param $w i32) (param $i i32) (param $p i32) (param $yShift f64) (param $xy i32) (param $wxy i32) (result f64)
    (local $a i32) (local $wi f64) (local $P i32)
    (local.set $P (i32.add (local.get $p) (i32.const 1)))
    (block $done
      (loop $next
        (br_if $done (i32.ge_s (local.get $a) (local.get $p)))
        (f64.store (i32.add (local.get $xy) (i32.shl (local.get $a) (i32.const 3)))
          (f64.load (i32.add (local.get $X) (i32.shl (i32.add (i32.mul (local.get $i) (local.get $p)) (local.get $a)) (i32.const 3)))))
        (local.set $a (i32.add (local.get $a) (i32.const 1)))
        (br $next)))
    (f64.store (i32.add (local.get $xy) (i32.shl (local.get $p) (i32.const 3)))
      (f64.sub (f64.load (i32.add (local.get $y) (i32.shl (local.get $i) (i32.const 3)))) (local.get $yShift)))
    (local.set $wi (f64.const 1))
    (if (local.get $w)
      (then
        (local.set $wi (f64.load (i32.add (local.get $w) (i32.shl (local.get $i) (i32.const 3)))))
        (local.set $a (i32.const 0))
        (block $wdone
          (loop $wnext
            (br_if $wdone (i32.ge_s (local.get $a) (local.get $P)))
            (f64.store (i32.add (local.get $wxy) (i32.shl (local.get $a) (i32.const 3)))
              (f64.mul (local.get $wi) (f64.load (i32.add (local.get $xy) (i32.shl (local.get $a) (i32.const 3))))))
            (local.set $a (i32.add (local.get $a) (i32.const 1)))
            (br $wnext)))))
    (local.get $wi))

  ;; XytXy[a][b] += wxy_a·xy_b for b ≥ a, over the chunk's rows (wxy_a = 0 skipped).
  (func (export "xyCross") (param $X i32) (param $y i32) (param $w i32) (param $rows i32) (param $p i32) (param $yShift f64)
    (param $xy i32) (param $wxy i32) (param $out i32)
    (local $i i32) (local $a i32) (local $b i32) (local $P i32) (local $xa f64) (local $at i32) (local $wx i32)
    (local.set $P (i32.add (local.get $p) (i32.const 1)))
    (local.set $wx (select (local.get $wxy) (local.get $xy) (local.get $w)))
    (block $rdone
      (loop $rnext
        (br_if $rdone (i32.ge_s (local.get $i) (local.get $rows)))
        (drop (call $row (local.get $X) (local.get $y) (local.get $w) (local.get $i) (local.get $p) (local.get $yShift) (local.get $xy) (local.get $wxy)))
        (local.set $a (i32.const 0))
        (block $adone
          (loop $anext
            (br_if $adone (i32.ge_s (local.get $a) (local.get $P)))
            (local.set $xa (f64.load (i32.add (local.get $wx) (i32.shl (local.get $a) (i32.const 3)))))
            (if (f64.ne (local.get $xa) (f64.const 0))
              (then
                (local.set $b (local.get $a))
                (block $bdone
                  (loop $bnext
                    (br_if $bdone (i32.ge_s (local.get $b) (local.get $P)))
                    (local.set $at (i32.add (local.get $out) (i32.shl (i32.add (i32.mul (local.get $a) (local.get $P)) (local.get $b)) (i32.const 3))))
                    (f64.store (local.get $at)
                      (f64.add (f64.load (local.get $at)) (f64.mul (local.get $xa) (f64.load (i32.add (local.get $xy) (i32.shl (local.get $b) (i32.const 3)))))))
                    (local.set $b (i32.add (local.get $b) (i32.const 1)))
                    (br $bnext)))))
            (local.set $a (i32.add (local.get $a) (i32.const 1)))
            (br $anext)))
        (local.set $i (i32.add (local.get $i) (i32.const 1)))
        (br $rnext)))
  )

  ;; For one term: ZtZ[level] += (w_i z_r) z_c and ZtXy[level] += z_r wxy_c over the chunk's rows
  ;; (z_r = 0 skipped).
  (func (export "termCross") (param $X i32) (param $y i32) (param $w i32) (param $rows i32) (param $p i32) (param $yShift f64)
    (param $xy i32) (param $wxy i32) (param $refs i32) (param $Z i32) (param $q i32) (param $ZtZ i32) (param $ZtXy i32)
    (local $i i32) (local $r i32) (local $c i32) (local $P i32) (local $wi f64) (local $zr f64) (local $wzr f64)
    (local $zo i32) (local $zz i32) (local $zx i32) (local $level i32) (local $at i32) (local $wx i32)
    (local.set $P (i32.add (local.get $p) (i32.const 1)))
    (local.set $wx (select (local.get $wxy) (local.get $xy) (local.get $w)))
    (block $rdone
      (loop $rnext
        (br_if $rdone (i32.ge_s (local.get $i) (local.get $rows)))
        (local.set $wi (call $row (local.get $X) (local.get $y) (local.get $w) (local.get $i) (local.get $p) (local.get $yShift) (local.get $xy) (local.get $wxy)))
        (local.set $level (i32.load (i32.add (local.get $refs) (i32.shl (local.get $i) (i32.const 2)))))
        (local.set $zo (i32.add (local.get $Z) (i32.shl (i32.mul (local.get $i) (local.get $q)) (i32.const 3))))
        (local.set $zz (i32.add (local.get $ZtZ) (i32.shl (i32.mul (local.get $level) (i32.mul (local.get $q) (local.get $q))) (i32.const 3))))
        (local.set $zx (i32.add (local.get $ZtXy) (i32.shl (i32.mul (local.get $level) (i32.mul (local.get $q) (local.get $P))) (i32.const 3))))
        (local.set $r (i32.const 0))
        (block $zdone
          (loop $znext
            (br_if $zdone (i32.ge_s (local.get $r) (local.get $q)))
            (local.set $zr (f64.load (i32.add (local.get $zo) (i32.shl (local.get $r) (i32.const 3)))))
            (if (f64.ne (local.get $zr) (f64.const 0))
              (then
                (local.set $wzr (f64.mul (local.get $wi) (local.get $zr)))
                (local.set $c (i32.const 0))
                (block $cdone
                  (loop $cnext
                    (br_if $cdone (i32.ge_s (local.get $c) (local.get $q)))
                    (local.set $at (i32.add (local.get $zz) (i32.shl (i32.add (i32.mul (local.get $r) (local.get $q)) (local.get $c)) (i32.const 3))))
                    (f64.store (local.get $at)
                      (f64.add (f64.load (local.get $at)) (f64.mul (local.get $wzr) (f64.load (i32.add (local.get $zo) (i32.shl (local.get $c) (i32.const 3)))))))
                    (local.set $c (i32.add (local.get $c) (i32.const 1)))
                    (br $cnext)))
                (local.set $c (i32.const 0))
                (block $xdone
                  (loop $xnext
                    (br_if $xdone (i32.ge_s (local.get $c) (local.get $P)))
                    (local.set $at (i32.add (local.get $zx) (i32.shl (i32.add (i32.mul (local.get $r) (local.get $P)) (local.get $c)) (i32.const 3))))
                    (f64.store (local.get $at)
                      (f64.add (f64.load (local.get $at)) (f64.mul (local.get $zr) (f64.load (i32.add (local.get $wx) (i32.shl (local.get $c) (i32.const 3)))))))
                    (local.set $c (i32.add (local.get $c) (i32.const 1)))
                    (br $xnext)))))
            (local.set $r (i32.add (local.get $r) (i32.const 1)))
            (br $znext)))
        (local.set $i (i32.add (local.get $i) (i32.const 1)))
        (br $rnext)))
  )
)
