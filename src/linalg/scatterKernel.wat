;; The supernodal Cholesky's update step (supernodal.ts `scatterUpdate`) in WebAssembly with
;; 128-bit SIMD, for a matrix that lives in the kernel's memory (supernodal.ts `supernodalKernel`).
;; `npm run build:wasm` turns this text into scatterKernelWasm.ts (wabt's wat2wasm, no
;; optimiser: the code below is what runs).
;;
;; scatter(a, n, rows, P, Pt, w, ibStart, ibEnd): for the rows i in [ibStart, ibEnd) of a chunk
;; (ibStart a multiple of 4) and every j ≤ i,
;;   A[rows[i]][rows[j]] −= Σ_{k<w} P[i][k] P[j][k]
;; with A the n×n row-major doubles at byte address a, rows the chunk's row positions (i32) at
;; `rows`, P the packed panel (row stride w doubles) at `P`, and Pt scratch for the panel's rows
;; interleaved in pairs: Pt[j/2][k] = (P[j][k], P[j+1][k]), one f64x2 per (pair, k).
;;
;; Each entry's sum runs over k in order from 0, one rounded multiply and one rounded add per
;; term (f64x2.mul then f64x2.add: no fused multiply–add), and is then subtracted once, as in
;; the JavaScript kernel: the two give the same matrix bit for bit. Below the diagonal, 4×4
;; tiles: lane l of acc_r,h holds the sum for row ib+r and column jb+2h+l, so per k two f64x2
;; loads of Pt and four splatted loads of P serve 16 multiply–adds.
(module
  (import "env" "memory" (memory 1))
  (func (export "scatter") (param $a i32) (param $n i32) (param $rows i32) (param $P i32) (param $Pt i32)
    (param $w i32) (param $ibStart i32) (param $ibEnd i32)
    (local $j i32) (local $k i32) (local $ib i32) (local $jb i32) (local $i i32) (local $jEnd i32)
    (local $rowBytes i32) (local $wBytes i32) (local $pairBytes i32)
    (local $p0 i32) (local $p1 i32) (local $p2 i32) (local $p3 i32)
    (local $r0 i32) (local $r1 i32) (local $r2 i32) (local $r3 i32)
    (local $y i32) (local $q i32) (local $t i32) (local $s f64)
    (local $ya v128) (local $yb v128) (local $x v128)
    (local $c00 v128) (local $c01 v128) (local $c10 v128) (local $c11 v128)
    (local $c20 v128) (local $c21 v128) (local $c30 v128) (local $c31 v128)
    (local.set $rowBytes (i32.shl (local.get $n) (i32.const 3)))
    (local.set $wBytes (i32.shl (local.get $w) (i32.const 3)))
    (local.set $pairBytes (i32.shl (local.get $w) (i32.const 4)))
    ;; Pt: rows 0 .. ibEnd−1 of P interleaved in pairs (a last unpaired row is never read).
    (local.set $j (i32.const 0))
    (block $pack_done
      (loop $pack
        (br_if $pack_done (i32.ge_s (local.get $j) (local.get $ibEnd)))
        ;; q: P[j][0]; t: Pt[j/2][0] lane j&1
        (local.set $q (i32.add (local.get $P) (i32.mul (local.get $j) (local.get $wBytes))))
        (local.set $t (i32.add (i32.add (local.get $Pt) (i32.mul (i32.shr_u (local.get $j) (i32.const 1)) (local.get $pairBytes)))
                               (i32.shl (i32.and (local.get $j) (i32.const 1)) (i32.const 3))))
        (local.set $k (i32.const 0))
        (block $row_done
          (loop $row
            (br_if $row_done (i32.ge_s (local.get $k) (local.get $w)))
            (f64.store (local.get $t) (f64.load (local.get $q)))
            (local.set $q (i32.add (local.get $q) (i32.const 8)))
            (local.set $t (i32.add (local.get $t) (i32.const 16)))
            (local.set $k (i32.add (local.get $k) (i32.const 1)))
            (br $row)))
        (local.set $j (i32.add (local.get $j) (i32.const 1)))
        (br $pack)))
    (local.set $ib (local.get $ibStart))
    (block $blocks_done
      (loop $blocks
        (br_if $blocks_done (i32.ge_s (local.get $ib) (local.get $ibEnd)))
        (if (i32.le_s (i32.add (local.get $ib) (i32.const 4)) (local.get $ibEnd))
          (then
            (local.set $p0 (i32.add (local.get $P) (i32.mul (local.get $ib) (local.get $wBytes))))
            (local.set $p1 (i32.add (local.get $p0) (local.get $wBytes)))
            (local.set $p2 (i32.add (local.get $p1) (local.get $wBytes)))
            (local.set $p3 (i32.add (local.get $p2) (local.get $wBytes)))
            (local.set $q (i32.add (local.get $rows) (i32.shl (local.get $ib) (i32.const 2))))
            (local.set $r0 (i32.add (local.get $a) (i32.mul (i32.load offset=0 (local.get $q)) (local.get $rowBytes))))
            (local.set $r1 (i32.add (local.get $a) (i32.mul (i32.load offset=4 (local.get $q)) (local.get $rowBytes))))
            (local.set $r2 (i32.add (local.get $a) (i32.mul (i32.load offset=8 (local.get $q)) (local.get $rowBytes))))
            (local.set $r3 (i32.add (local.get $a) (i32.mul (i32.load offset=12 (local.get $q)) (local.get $rowBytes))))
            (local.set $jb (i32.const 0))
            (block $tiles_done
              (loop $tiles
                (br_if $tiles_done (i32.ge_s (local.get $jb) (local.get $ib)))
                (local.set $c00 (v128.const f64x2 0 0)) (local.set $c01 (v128.const f64x2 0 0))
                (local.set $c10 (v128.const f64x2 0 0)) (local.set $c11 (v128.const f64x2 0 0))
                (local.set $c20 (v128.const f64x2 0 0)) (local.set $c21 (v128.const f64x2 0 0))
                (local.set $c30 (v128.const f64x2 0 0)) (local.set $c31 (v128.const f64x2 0 0))
                ;; y: Pt[jb/2][0]; the pair (jb+2, jb+3) is pairBytes further on
                (local.set $y (i32.add (local.get $Pt) (i32.mul (i32.shr_u (local.get $jb) (i32.const 1)) (local.get $pairBytes))))
                (local.set $k (i32.const 0))
                (block $k_done
                  (loop $kloop
                    (br_if $k_done (i32.ge_s (local.get $k) (local.get $wBytes)))
                    (local.set $ya (v128.load (local.get $y)))
                    (local.set $yb (v128.load (i32.add (local.get $y) (local.get $pairBytes))))
                    (local.set $x (f64x2.splat (f64.load (i32.add (local.get $p0) (local.get $k)))))
                    (local.set $c00 (f64x2.add (local.get $c00) (f64x2.mul (local.get $x) (local.get $ya))))
                    (local.set $c01 (f64x2.add (local.get $c01) (f64x2.mul (local.get $x) (local.get $yb))))
                    (local.set $x (f64x2.splat (f64.load (i32.add (local.get $p1) (local.get $k)))))
                    (local.set $c10 (f64x2.add (local.get $c10) (f64x2.mul (local.get $x) (local.get $ya))))
                    (local.set $c11 (f64x2.add (local.get $c11) (f64x2.mul (local.get $x) (local.get $yb))))
                    (local.set $x (f64x2.splat (f64.load (i32.add (local.get $p2) (local.get $k)))))
                    (local.set $c20 (f64x2.add (local.get $c20) (f64x2.mul (local.get $x) (local.get $ya))))
                    (local.set $c21 (f64x2.add (local.get $c21) (f64x2.mul (local.get $x) (local.get $yb))))
                    (local.set $x (f64x2.splat (f64.load (i32.add (local.get $p3) (local.get $k)))))
                    (local.set $c30 (f64x2.add (local.get $c30) (f64x2.mul (local.get $x) (local.get $ya))))
                    (local.set $c31 (f64x2.add (local.get $c31) (f64x2.mul (local.get $x) (local.get $yb))))
                    (local.set $y (i32.add (local.get $y) (i32.const 16)))
                    (local.set $k (i32.add (local.get $k) (i32.const 8)))
                    (br $kloop)))
                ;; columns rows[jb .. jb+3]: byte offsets in a row
                (local.set $q (i32.add (local.get $rows) (i32.shl (local.get $jb) (i32.const 2))))
                (call $sub4 (local.get $r0) (local.get $q) (local.get $c00) (local.get $c01))
                (call $sub4 (local.get $r1) (local.get $q) (local.get $c10) (local.get $c11))
                (call $sub4 (local.get $r2) (local.get $q) (local.get $c20) (local.get $c21))
                (call $sub4 (local.get $r3) (local.get $q) (local.get $c30) (local.get $c31))
                (local.set $jb (i32.add (local.get $jb) (i32.const 4)))
                (br $tiles)))
            (local.set $jb (local.get $ib)))
          (else (local.set $jb (i32.const 0))))
        ;; the rows i of this block against the columns j from jb to i, one dot product each
        (local.set $jEnd (i32.add (local.get $ib) (i32.const 4)))
        (if (i32.gt_s (local.get $jEnd) (local.get $ibEnd)) (then (local.set $jEnd (local.get $ibEnd))))
        (local.set $i (local.get $ib))
        (block $tri_done
          (loop $tri
            (br_if $tri_done (i32.ge_s (local.get $i) (local.get $jEnd)))
            (local.set $r0 (i32.add (local.get $a) (i32.mul (i32.load (i32.add (local.get $rows) (i32.shl (local.get $i) (i32.const 2)))) (local.get $rowBytes))))
            (local.set $p0 (i32.add (local.get $P) (i32.mul (local.get $i) (local.get $wBytes))))
            (local.set $j (local.get $jb))
            (block $j_done
              (loop $jloop
                (br_if $j_done (i32.gt_s (local.get $j) (local.get $i)))
                (local.set $p1 (i32.add (local.get $P) (i32.mul (local.get $j) (local.get $wBytes))))
                (local.set $s (f64.const 0))
                (local.set $k (i32.const 0))
                (block $dot_done
                  (loop $dot
                    (br_if $dot_done (i32.ge_s (local.get $k) (local.get $wBytes)))
                    (local.set $s (f64.add (local.get $s) (f64.mul (f64.load (i32.add (local.get $p0) (local.get $k))) (f64.load (i32.add (local.get $p1) (local.get $k))))))
                    (local.set $k (i32.add (local.get $k) (i32.const 8)))
                    (br $dot)))
                (local.set $t (i32.add (local.get $r0) (i32.shl (i32.load (i32.add (local.get $rows) (i32.shl (local.get $j) (i32.const 2)))) (i32.const 3))))
                (f64.store (local.get $t) (f64.sub (f64.load (local.get $t)) (local.get $s)))
                (local.set $j (i32.add (local.get $j) (i32.const 1)))
                (br $jloop)))
            (local.set $i (i32.add (local.get $i) (i32.const 1)))
            (br $tri)))
        (local.set $ib (i32.add (local.get $ib) (i32.const 4)))
        (br $blocks))))

  ;; row[cols[0..3]] −= (lo lane 0, lo lane 1, hi lane 0, hi lane 1); row a byte address, cols i32s
  (func $sub4 (param $row i32) (param $cols i32) (param $lo v128) (param $hi v128)
    (local $t i32)
    (local.set $t (i32.add (local.get $row) (i32.shl (i32.load offset=0 (local.get $cols)) (i32.const 3))))
    (f64.store (local.get $t) (f64.sub (f64.load (local.get $t)) (f64x2.extract_lane 0 (local.get $lo))))
    (local.set $t (i32.add (local.get $row) (i32.shl (i32.load offset=4 (local.get $cols)) (i32.const 3))))
    (f64.store (local.get $t) (f64.sub (f64.load (local.get $t)) (f64x2.extract_lane 1 (local.get $lo))))
    (local.set $t (i32.add (local.get $row) (i32.shl (i32.load offset=8 (local.get $cols)) (i32.const 3))))
    (f64.store (local.get $t) (f64.sub (f64.load (local.get $t)) (f64x2.extract_lane 0 (local.get $hi))))
    (local.set $t (i32.add (local.get $row) (i32.shl (i32.load offset=12 (local.get $cols)) (i32.const 3))))
    (f64.store (local.get $t) (f64.sub (f64.load (local.get $t)) (f64x2.extract_lane 1 (local.get $hi)))))
)
