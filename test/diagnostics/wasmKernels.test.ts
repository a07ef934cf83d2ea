/**
 * The committed WebAssembly modules (src/diagnostics/*Wasm.ts) are the ones wabt assembles
 * from their .wat sources: run `npm run build:wasm` after editing a .wat file.
 */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
// @ts-ignore: a plain ES module without type declarations (the build script)
import { KERNELS, assemble, modulePath, moduleSource } from '../../scripts/build-wasm.mjs';

describe('WebAssembly kernels', () => {
  for (const kernel of KERNELS as { name: string; constant: string }[]) {
    it(`${kernel.name}Wasm.ts is assembled from ${kernel.name}.wat`, async () => {
      const bytes: Buffer = await assemble(kernel.name);
      expect(readFileSync(modulePath(kernel.name), 'utf8')).toBe(moduleSource(kernel, bytes));
    });
  }
});
