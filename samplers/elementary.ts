/**
 * The elementary functions of everything that decides a draw: the same bits on every
 * JavaScript engine. `Math.exp`, `Math.log` and `Math.log1p` are only required to be close to
 * the true values, and engines differ: Node 20's V8 (11.3) and Chromium 156's give results an
 * ulp apart for about 10% of `Math.exp` arguments and 3% of `Math.log` ones (measured on this
 * project's machines), which would make a chain's draws depend on where it runs. stdlib's
 * implementations are JavaScript ports of FreeBSD's msun (the fdlibm algorithms) that use
 * only IEEE-754 arithmetic and bit manipulation, so their results are fixed by the
 * arithmetic, which every engine does exactly. (sqrt is exact under IEEE-754 already.) The
 * collapsed Ψ step's polar coordinates add atan2, cos, sin and hypot, from the same source.
 * The logarithm is a WebAssembly port of the same code (elementary.wat), which gives the same bits
 * for the same reason: WebAssembly's double arithmetic is IEEE-754's, correctly rounded.
 */
import stdExp from '@stdlib/math-base-special-exp';
import { instantiateKernel } from '../src/diagnostics/wasm.js';
import { ELEMENTARY_WASM } from './elementaryWasm.js';
import stdCos from '@stdlib/math-base-special-cos';
import stdSin from '@stdlib/math-base-special-sin';

/** The WebAssembly functions of elementary.wat (stdlib's exp, cos and sin imported for the arguments outside the ports' ranges). */
type Unary = (x: number) => number;
type Binary = (x: number, y: number) => number;
const wasmElementary = instantiateKernel<{ ln: Unary; exp: Unary; log1p: Unary; cos: Unary; sin: Unary; atan2: Binary; hypot: Binary }>(ELEMENTARY_WASM, null, { exp: stdExp, cos: stdCos, sin: stdSin });

/**
 * eˣ, the same bits on every engine (msun's exp): for −708 < x < 709 elementary.wat's port of
 * stdlib's exp, operation for operation, else stdlib's own (test/samplers/levelKernel.test.ts
 * compares them on 3·10⁶ arguments); in WebAssembly for the reason given at `log`.
 */
export const exp: (x: number) => number = wasmElementary.exp;

/**
 * The natural logarithm, the same bits on every engine (msun's log): elementary.wat's port of
 * stdlib's ln, operation for operation (test/samplers/levelKernel.test.ts compares the two on
 * 3·10⁶ arguments). In WebAssembly because it is compiled before it runs: a fresh process's
 * sampler called stdlib's JavaScript version ~10⁶ times, at ~1 µs a call until V8 optimised it
 * (~15 ns after; the WebAssembly one ~15 ns from the start).
 */
export const log: (x: number) => number = wasmElementary.ln;

/**
 * log(1 + x), the same bits on every engine (msun's log1p): elementary.wat's port of stdlib's
 * log1p, operation for operation (compared on 3·10⁶ arguments in test/samplers/levelKernel.test.ts).
 */
export const log1p: (x: number) => number = wasmElementary.log1p;

/** atan2(y, x), the same bits on every engine: elementary.wat's port of stdlib's atan2 (and its atan), operation for operation. */
export const atan2: (y: number, x: number) => number = wasmElementary.atan2;

/**
 * cos(x), the same bits on every engine (msun's k_cos/k_sin reduction): for |x| ≤ 5π/4 (the
 * collapsed step's angles are in (0, π)) elementary.wat's port of stdlib's cos, operation for
 * operation, else stdlib's own (compared on 4·10⁶ arguments in test/samplers/levelKernel.test.ts).
 */
export const cos: (x: number) => number = wasmElementary.cos;

/** sin(x), the same bits on every engine: as `cos`, elementary.wat's port of stdlib's sin for |x| ≤ 5π/4. */
export const sin: (x: number) => number = wasmElementary.sin;

/** √(x² + y²) without overflow, the same bits on every engine: elementary.wat's port of stdlib's hypot. */
export const hypot: (x: number, y: number) => number = wasmElementary.hypot;
