/**
 * The WebAssembly kernels an exact fit uses, compiled in the background while a command reads
 * its data (diagnostics/wasm.ts `precompileKernels`): the cross-products' pass, the small models'
 * criterion and the optimiser's interpolation system.
 */
import { precompileKernels } from '../diagnostics/wasm.js';
import { DENSE_KERNEL_WASM } from '../fit/denseKernelWasm.js';
import { CROSSPROD_KERNEL_WASM } from '../model/crossprodKernelWasm.js';
import { INTERPOLATION_KERNEL_WASM } from '../optim/interpolationKernelWasm.js';

/** Start compiling the fit's kernels; await the result before the fit. */
export function fitKernels(): Promise<void> {
  return precompileKernels([CROSSPROD_KERNEL_WASM, DENSE_KERNEL_WASM, INTERPOLATION_KERNEL_WASM]);
}
