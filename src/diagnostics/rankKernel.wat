;; Sorting and rank normalization of the pooled draws (see rankKernel.ts), in WebAssembly.
;; `npm run build:wasm` turns this text into rankKernelWasm.ts (wabt's wat2wasm, no optimiser:
;; the code below is what runs).
;;
;; sort(values, n, hist, a, b, order, sorted, runs) → number of runs
;;   values: n doubles (no NaN). The sort key of a double is its upper 32-bit word with the
;;     magnitude bits of negatives flipped, as a signed integer: keys order as the values do,
;;     except that values equal in their upper 32 bits share a key (key −1, that of −0 and of
;;     the tiniest negative subnormals, is merged into key 0).
;;   hist: 3 × 2048 i32 of scratch (the digit histograms); a, b: n (key, index) pairs of scratch.
;;   order (n u32), sorted (n doubles): the stable ascending order by key, and the values in it.
;;   runs: (start, end) u32 pairs of every stretch order[start .. end) of two or more equal
;;     keys, which the caller finishes by full value.
;; Least-significant-digit radix sort in three counting passes of 11, 11 and 10 bits; the
;; histograms of all three digits are counted in the first sweep.
(module
  (import "env" "memory" (memory 1))

  ;; One stable counting pass on the digit ((key >> shift) & mask) ^ flip: the pairs at
  ;; `from` go to `to`, at the running offsets held in the histogram at `base`.
  (func $pass (param $n i32) (param $from i32) (param $to i32) (param $base i32)
              (param $shift i32) (param $mask i32) (param $flip i32)
    (local $p i32) (local $end i32) (local $pair i64) (local $slot i32) (local $at i32)
    (local.set $p (local.get $from))
    (local.set $end (i32.add (local.get $from) (i32.shl (local.get $n) (i32.const 3))))
    (block $done
      (loop $next
        (br_if $done (i32.ge_u (local.get $p) (local.get $end)))
        (local.set $pair (i64.load (local.get $p)))
        (local.set $slot
          (i32.add (local.get $base)
            (i32.shl
              (i32.xor (i32.and (i32.shr_s (i32.wrap_i64 (local.get $pair)) (local.get $shift)) (local.get $mask)) (local.get $flip))
              (i32.const 2))))
        (local.set $at (i32.load (local.get $slot)))
        (i32.store (local.get $slot) (i32.add (local.get $at) (i32.const 1)))
        (i64.store (i32.add (local.get $to) (i32.shl (local.get $at) (i32.const 3))) (local.get $pair))
        (local.set $p (i32.add (local.get $p) (i32.const 8)))
        (br $next))))

  (func (export "sort") (param $values i32) (param $n i32) (param $hist i32) (param $a i32) (param $b i32)
                        (param $order i32) (param $sorted i32) (param $runs i32) (result i32)
    (local $i i32) (local $hi i32) (local $k i32) (local $h i32) (local $c i32) (local $sum i32)
    (local $end i32) (local $pair i64) (local $idx i32) (local $runStart i32) (local $runKey i32)
    (local $count i32)
    (memory.fill (local.get $hist) (i32.const 0) (i32.const 24576))
    ;; keys, index pairs and the three histograms
    (local.set $i (i32.const 0))
    (block $keys_done
      (loop $keys
        (br_if $keys_done (i32.ge_u (local.get $i) (local.get $n)))
        (local.set $hi (i32.load offset=4 (i32.add (local.get $values) (i32.shl (local.get $i) (i32.const 3)))))
        (local.set $k (i32.xor (local.get $hi) (i32.and (i32.shr_s (local.get $hi) (i32.const 31)) (i32.const 0x7fffffff))))
        (if (i32.eq (local.get $k) (i32.const -1)) (then (local.set $k (i32.const 0))))
        (i64.store (i32.add (local.get $a) (i32.shl (local.get $i) (i32.const 3)))
          (i64.or (i64.extend_i32_u (local.get $k)) (i64.shl (i64.extend_i32_u (local.get $i)) (i64.const 32))))
        (local.set $h (i32.add (local.get $hist) (i32.shl (i32.and (local.get $k) (i32.const 2047)) (i32.const 2))))
        (i32.store (local.get $h) (i32.add (i32.load (local.get $h)) (i32.const 1)))
        (local.set $h (i32.add (local.get $hist)
          (i32.shl (i32.and (i32.shr_s (local.get $k) (i32.const 11)) (i32.const 2047)) (i32.const 2))))
        (i32.store offset=8192 (local.get $h) (i32.add (i32.load offset=8192 (local.get $h)) (i32.const 1)))
        (local.set $h (i32.add (local.get $hist)
          (i32.shl (i32.xor (i32.and (i32.shr_s (local.get $k) (i32.const 22)) (i32.const 1023)) (i32.const 512)) (i32.const 2))))
        (i32.store offset=16384 (local.get $h) (i32.add (i32.load offset=16384 (local.get $h)) (i32.const 1)))
        (local.set $i (i32.add (local.get $i) (i32.const 1)))
        (br $keys)))
    ;; counts to running offsets, each histogram on its own
    (local.set $h (local.get $hist))
    (local.set $end (i32.add (local.get $hist) (i32.const 24576)))
    (block $prefix_done
      (loop $prefix
        (br_if $prefix_done (i32.ge_u (local.get $h) (local.get $end)))
        (if (i32.eqz (i32.and (i32.sub (local.get $h) (local.get $hist)) (i32.const 8191)))
          (then (local.set $sum (i32.const 0))))
        (local.set $c (i32.load (local.get $h)))
        (i32.store (local.get $h) (local.get $sum))
        (local.set $sum (i32.add (local.get $sum) (local.get $c)))
        (local.set $h (i32.add (local.get $h) (i32.const 4)))
        (br $prefix)))
    (call $pass (local.get $n) (local.get $a) (local.get $b) (local.get $hist) (i32.const 0) (i32.const 2047) (i32.const 0))
    (call $pass (local.get $n) (local.get $b) (local.get $a) (i32.add (local.get $hist) (i32.const 8192)) (i32.const 11) (i32.const 2047) (i32.const 0))
    ;; top digit: 10 bits, the sign flipped so that negative keys come first
    (call $pass (local.get $n) (local.get $a) (local.get $b) (i32.add (local.get $hist) (i32.const 16384)) (i32.const 22) (i32.const 1023) (i32.const 512))
    ;; read out the order and the sorted values; note the runs of equal keys
    (local.set $runKey (i32.wrap_i64 (i64.load (local.get $b))))
    (local.set $i (i32.const 0))
    (block $out_done
      (loop $out
        (br_if $out_done (i32.ge_u (local.get $i) (local.get $n)))
        (local.set $pair (i64.load (i32.add (local.get $b) (i32.shl (local.get $i) (i32.const 3)))))
        (local.set $idx (i32.wrap_i64 (i64.shr_u (local.get $pair) (i64.const 32))))
        (i32.store (i32.add (local.get $order) (i32.shl (local.get $i) (i32.const 2))) (local.get $idx))
        (f64.store (i32.add (local.get $sorted) (i32.shl (local.get $i) (i32.const 3)))
          (f64.load (i32.add (local.get $values) (i32.shl (local.get $idx) (i32.const 3)))))
        (local.set $k (i32.wrap_i64 (local.get $pair)))
        (if (i32.ne (local.get $k) (local.get $runKey))
          (then
            (if (i32.gt_u (i32.sub (local.get $i) (local.get $runStart)) (i32.const 1))
              (then
                (i32.store (i32.add (local.get $runs) (i32.shl (local.get $count) (i32.const 3))) (local.get $runStart))
                (i32.store offset=4 (i32.add (local.get $runs) (i32.shl (local.get $count) (i32.const 3))) (local.get $i))
                (local.set $count (i32.add (local.get $count) (i32.const 1)))))
            (local.set $runStart (local.get $i))
            (local.set $runKey (local.get $k))))
        (local.set $i (i32.add (local.get $i) (i32.const 1)))
        (br $out)))
    (if (i32.gt_u (i32.sub (local.get $n) (local.get $runStart)) (i32.const 1))
      (then
        (i32.store (i32.add (local.get $runs) (i32.shl (local.get $count) (i32.const 3))) (local.get $runStart))
        (i32.store offset=4 (i32.add (local.get $runs) (i32.shl (local.get $count) (i32.const 3))) (local.get $n))
        (local.set $count (i32.add (local.get $count) (i32.const 1)))))
    (local.get $count))

  ;; scores(order, n, kept, whole, out): the rank-normalized draws when no two values tie.
  ;; Walks the n sorted positions; each draw with index p < kept (the others are dropped by the
  ;; split) gets the next rank r and out[p] = whole[r] (whole: the normal score of each whole
  ;; rank 0 .. kept, as doubles).
  (func (export "scores") (param $order i32) (param $n i32) (param $kept i32) (param $whole i32) (param $out i32)
    (local $o i32) (local $end i32) (local $p i32) (local $w i32)
    (local.set $o (local.get $order))
    (local.set $end (i32.add (local.get $order) (i32.shl (local.get $n) (i32.const 2))))
    (local.set $w (local.get $whole))
    (block $done
      (loop $next
        (br_if $done (i32.ge_u (local.get $o) (local.get $end)))
        (local.set $p (i32.load (local.get $o)))
        (if (i32.lt_u (local.get $p) (local.get $kept))
          (then
            (local.set $w (i32.add (local.get $w) (i32.const 8)))
            (f64.store (i32.add (local.get $out) (i32.shl (local.get $p) (i32.const 3))) (f64.load (local.get $w)))))
        (local.set $o (i32.add (local.get $o) (i32.const 4)))
        (br $next))))

  ;; folded(sorted, order, n, kept, lo, left, right, rankF, med, whole, out, mad) → 1, or 0 if
  ;; folded values tie. The rank-normalized folded draws |x − med| written as `scores` writes
  ;; the draws, and their median: mad[0], mad[1] = the folded values at ascending positions
  ;; ⌊(n−1)/2⌋ and ⌊n/2⌋. sorted[lo] is the first sorted value ≥ med. The folded values ascend
  ;; from the median outward, so two merges run interleaved (independent, which keeps the
  ;; processor busy): the front one from the median outward takes the h = ⌊n/2⌋ smallest folded
  ;; values and gives ranks upward; the back one from both ends inward takes the other n − h and
  ;; gives ranks downward from `kept`. The caller may have taken the first few folded values
  ;; itself (a tied middle pair): the front merge then starts at cursors left, right (else
  ;; lo − 1, lo) after rankF ranks given. Each merge compares its two candidates and takes one
  ;; side without a branch: by selects of integers, for the value taken too (V8 turns a select
  ;; of doubles, and f64.max, into a branch, which would miss half the time). Equal folded
  ;; values need average ranks, which this does not do: it returns 0 as soon as a taken value
  ;; equals a candidate of the same merge (the caller then walks the draws itself); the two
  ;; merges' last candidates overlap, so a tie between them is caught too. The front merge must have at least one step to take, and sorted[−1] and
  ;; sorted[n] must hold −∞ and +∞.
  (func (export "folded") (param $sorted i32) (param $order i32) (param $n i32) (param $kept i32) (param $lo i32)
                          (param $left i32) (param $right i32) (param $rankF i32)
                          (param $med f64) (param $whole i32) (param $out i32) (param $mad i32) (result i32)
    (local $h i32) (local $s i32) (local $t i32) (local $i i32) (local $p i32) (local $frontEnd i32)
    (local $dl f64) (local $dr f64)
    (local $bl i32) (local $br i32) (local $el f64) (local $er f64) (local $rankB i32)
    (local $last i32) (local $vf f64) (local $vb f64)
    (local.set $h (i32.shr_u (local.get $n) (i32.const 1)))
    (local.set $last (i32.sub (local.get $n) (i32.const 1)))
    ;; front: cursors left (down) and right (up), folded values dl, dr; it takes h values in
    ;; all, those the caller took included
    (local.set $frontEnd (i32.sub (local.get $h) (i32.add (i32.sub (i32.sub (local.get $lo) (i32.const 1)) (local.get $left))
                                                         (i32.sub (local.get $right) (local.get $lo)))))
    ;; Candidates read past either end of the sorted values meet the sentinels sorted[−1] = −∞
    ;; and sorted[n] = +∞, which fold to +∞ on the front merge's side; the back merge's cursors
    ;; stay within the values (once one passes the median its candidates fold to values ≤ 0,
    ;; which never beat the other side's).
    (local.set $dl (f64.sub (local.get $med) (f64.load (i32.add (local.get $sorted) (i32.shl (local.get $left) (i32.const 3))))))
    (local.set $dr (f64.sub (f64.load (i32.add (local.get $sorted) (i32.shl (local.get $right) (i32.const 3)))) (local.get $med)))
    ;; back: cursors bl (up from 0) and br (down from n − 1), folded values el, er
    (local.set $bl (i32.const 0))
    (local.set $br (local.get $last))
    (local.set $el (f64.sub (local.get $med) (f64.load (local.get $sorted))))
    (local.set $er (f64.sub (f64.load (i32.add (local.get $sorted) (i32.shl (local.get $br) (i32.const 3)))) (local.get $med)))
    (local.set $rankB (local.get $kept))
    (local.set $s (i32.const 0))
    (block $fail
      (block $done
        (loop $step
          (br_if $done (i32.ge_u (local.get $s) (i32.sub (local.get $n) (local.get $h))))
          ;; back merge: take the larger folded value (t = 1: the low end)
          (local.set $t (f64.gt (local.get $el) (local.get $er)))
          (local.set $vb (f64.reinterpret_i64 (select (i64.reinterpret_f64 (local.get $el)) (i64.reinterpret_f64 (local.get $er)) (local.get $t))))
          (local.set $i (select (local.get $bl) (local.get $br) (local.get $t)))
          (local.set $p (i32.load (i32.add (local.get $order) (i32.shl (local.get $i) (i32.const 2)))))
          (local.set $bl (i32.add (local.get $bl) (local.get $t)))
          (local.set $br (i32.sub (i32.add (local.get $br) (local.get $t)) (i32.const 1)))
          (local.set $el (f64.sub (local.get $med) (f64.load (i32.add (local.get $sorted) (i32.shl (local.get $bl) (i32.const 3))))))
          (local.set $er (f64.sub (f64.load (i32.add (local.get $sorted) (i32.shl (local.get $br) (i32.const 3)))) (local.get $med)))
          (br_if $fail (i32.or (f64.eq (local.get $el) (local.get $vb)) (f64.eq (local.get $er) (local.get $vb))))
          (if (i32.lt_u (local.get $p) (local.get $kept))
            (then
              (f64.store (i32.add (local.get $out) (i32.shl (local.get $p) (i32.const 3)))
                (f64.load (i32.add (local.get $whole) (i32.shl (local.get $rankB) (i32.const 3)))))
              (local.set $rankB (i32.sub (local.get $rankB) (i32.const 1)))))
          ;; front merge (its steps): take the smaller folded value (t = 1: the low side)
          (if (i32.lt_s (local.get $s) (local.get $frontEnd))
            (then
              (local.set $t (f64.lt (local.get $dl) (local.get $dr)))
              (local.set $vf (f64.reinterpret_i64 (select (i64.reinterpret_f64 (local.get $dl)) (i64.reinterpret_f64 (local.get $dr)) (local.get $t))))
              (local.set $i (select (local.get $left) (local.get $right) (local.get $t)))
              (local.set $p (i32.load (i32.add (local.get $order) (i32.shl (local.get $i) (i32.const 2)))))
              (local.set $left (i32.sub (local.get $left) (local.get $t)))
              (local.set $right (i32.sub (i32.add (local.get $right) (i32.const 1)) (local.get $t)))
              (local.set $dl (f64.sub (local.get $med) (f64.load (i32.add (local.get $sorted) (i32.shl (local.get $left) (i32.const 3))))))
              (local.set $dr (f64.sub (f64.load (i32.add (local.get $sorted) (i32.shl (local.get $right) (i32.const 3)))) (local.get $med)))
              (br_if $fail (i32.or (f64.eq (local.get $dl) (local.get $vf)) (f64.eq (local.get $dr) (local.get $vf))))
              (if (i32.lt_u (local.get $p) (local.get $kept))
                (then
                  (local.set $rankF (i32.add (local.get $rankF) (i32.const 1)))
                  (f64.store (i32.add (local.get $out) (i32.shl (local.get $p) (i32.const 3)))
                    (f64.load (i32.add (local.get $whole) (i32.shl (local.get $rankF) (i32.const 3)))))))))
          (local.set $s (i32.add (local.get $s) (i32.const 1)))
          (br $step)))
      ;; the median of the folded values: the front's last and the back's last taken values
      (f64.store offset=8 (local.get $mad) (local.get $vb))
      (f64.store (local.get $mad) (select (local.get $vf) (local.get $vb) (i32.eqz (i32.and (local.get $n) (i32.const 1)))))
      (return (i32.const 1)))
    (i32.const 0)))
