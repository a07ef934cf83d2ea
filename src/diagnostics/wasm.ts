/**
 * Instances of the diagnostics' WebAssembly kernels (lagKernel.wat, rankKernel.wat), each on
 * a memory of its own that the kernel imports.
 *
 * A kernel that needs more room gets a new memory and instance, never `memory.grow`: growing
 * detaches the old ArrayBuffer, and the first detached buffer in a process makes V8 drop a fast
 * path of every typed-array access (its "detaching protector"), which costs the summaries about
 * a fifth of their speed.
 */

/** The parts of the WebAssembly JavaScript API used here (the project compiles without the DOM library). */
interface WasmApi {
  Module: new (bytes: Uint8Array) => object;
  Instance: new (module: object, imports: object) => { exports: unknown };
  Memory: new (descriptor: { initial: number }) => { buffer: ArrayBuffer };
}

const wasm = (globalThis as unknown as { WebAssembly: WasmApi }).WebAssembly;
const PAGE = 65536;
const modules = new Map<string, object>();

/** A kernel's exported functions and the memory they work in. */
export interface KernelInstance<E> {
  exports: E;
  buffer: ArrayBuffer;
}

/**
 * Instantiate the module given base64-encoded (compiled once per thread) on a new memory of at
 * least `bytes` bytes.
 */
export function instantiateKernel<E>(base64: string, bytes: number): KernelInstance<E> {
  let module = modules.get(base64);
  if (module === undefined) {
    const text = atob(base64);
    const code = new Uint8Array(text.length);
    for (let i = 0; i < text.length; i++) code[i] = text.charCodeAt(i);
    module = new wasm.Module(code);
    modules.set(base64, module);
  }
  const memory = new wasm.Memory({ initial: Math.max(1, Math.ceil(bytes / PAGE)) });
  const exports = new wasm.Instance(module, { env: { memory } }).exports as E;
  return { exports, buffer: memory.buffer };
}
