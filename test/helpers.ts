import { readFileSync, readdirSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { loadTable } from '../src/node/files.js';

/** Folder of the test fixtures (copied from shared/, see fixtures/README.md). */
export const fixtures = join(dirname(fileURLToPath(import.meta.url)), 'fixtures');

/** A dataset of fixtures/data as an arquero table. */
export function dataset(name: string) {
  return loadTable(join(fixtures, 'data', `${name}.csv`));
}

/** Every JSON fixture of a fixtures sub-folder, parsed. */
export function jsonFixtures<T>(folder: string): T[] {
  const dir = join(fixtures, folder);
  return readdirSync(dir)
    .filter((f) => f.endsWith('.json'))
    .sort()
    .map((f) => JSON.parse(readFileSync(join(dir, f), 'utf8')) as T);
}

/** |actual − expected| ≤ tol·max(|expected|, floor): relative error with a floor for values near 0. */
export function relClose(actual: number, expected: number, tol: number, floor = 0): boolean {
  return Math.abs(actual - expected) <= tol * Math.max(Math.abs(expected), floor);
}
