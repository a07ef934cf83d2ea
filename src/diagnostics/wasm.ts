/**
 * Memories and instances of the WebAssembly kernels (the diagnostics' lagKernel.wat and
 * rankKernel.wat, the sampler's levelKernel.wat and elementary.wat). A kernel instance imports its memory, so several kernels can work in one
 * memory on each other's buffers (as the summaries do).
 *
 * A kernel that needs more room gets a new memory and instance, never `memory.grow`: growing
 * detaches the old ArrayBuffer, and the first detached buffer in a process makes V8 drop a fast
 * path of every typed-array access (its "detaching protector"), which costs the summaries about
 * a fifth of their speed.
 */

/** The parts of the WebAssembly JavaScript API used here (the project compiles without the DOM library). */
interface WasmApi {
  Module: new (bytes: Uint8Array) => object;
  compile: (bytes: Uint8Array) => Promise<object>;
  Instance: new (module: object, imports: object) => { exports: unknown };
  Memory: new (descriptor: { initial: number }) => { buffer: ArrayBuffer };
}

const wasm = (globalThis as unknown as { WebAssembly: WasmApi }).WebAssembly;
const PAGE = 65536;
const modules = new Map<string, object>();

/** A WebAssembly memory and its buffer (byte addresses in the memory are offsets in the buffer). */
export interface KernelMemory {
  readonly memory: object;
  readonly buffer: ArrayBuffer;
}

/** Largest WebAssembly memory (65,536 pages of 64 KiB: 4 GiB, the limit of 32-bit addresses). */
export const MAX_KERNEL_BYTES = 65536 * PAGE;

/** A new memory of at least `bytes` bytes (one page at least; at most {@link MAX_KERNEL_BYTES}). */
export function kernelMemory(bytes: number): KernelMemory {
  if (bytes > MAX_KERNEL_BYTES) throw new RangeError(`WebAssembly memory of ${bytes} bytes asked for (at most ${MAX_KERNEL_BYTES})`);
  const memory = new wasm.Memory({ initial: Math.max(1, Math.ceil(bytes / PAGE)) });
  return { memory, buffer: memory.buffer };
}

/**
 * Instantiate the module given base64-encoded (compiled once per thread) on `memory`; returns its
 * exports. `imports` adds functions to the module's "env" imports (the sampler's level kernel
 * imports elementary.wat's `ln`).
 */
export function instantiateKernel<E>(base64: string, memory: KernelMemory | null, imports: Record<string, unknown> = {}): E {
  return new wasm.Instance(compiledModule(base64), { env: memory ? { memory: memory.memory, ...imports } : imports }).exports as E;
}

/** The module given base64-encoded, compiled once per thread. */
function compiledModule(base64: string): object {
  let module = modules.get(base64);
  if (module === undefined) {
    module = new wasm.Module(decode(base64));
    modules.set(base64, module);
  }
  return module;
}

function decode(base64: string): Uint8Array {
  const text = atob(base64);
  const code = new Uint8Array(text.length);
  for (let i = 0; i < text.length; i++) code[i] = text.charCodeAt(i);
  return code;
}

/**
 * Compile the modules given base64-encoded in the background (`WebAssembly.compile`, off the
 * calling thread), for a caller that has other work to do first: their first instantiation then
 * finds them compiled. The `lmm` commands start it before reading the data (about 1 ms of
 * compilation per kernel that a fresh process would otherwise spend in its first fit). Resolves
 * when all are compiled; a failed compilation is left to the synchronous path to report.
 */
export async function precompileKernels(base64s: readonly string[]): Promise<void> {
  await Promise.all(
    base64s.map(async (base64) => {
      if (modules.has(base64)) return;
      try {
        const module = await wasm.compile(decode(base64));
        if (!modules.has(base64)) modules.set(base64, module);
      } catch {
        // compiledModule compiles it again and throws there
      }
    }),
  );
}

/** `bytes` rounded up to a multiple of 16 (the alignment of every kernel buffer). */
export const align16 = (bytes: number): number => Math.ceil(bytes / 16) * 16;
