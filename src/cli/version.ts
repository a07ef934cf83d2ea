import { readFileSync } from 'node:fs';

/**
 * The package's version, read from its package.json (two levels above `dist/src/cli` in the
 * build, three above `src/cli` when run from source), without loading anything else.
 */
export function version(): string {
  for (const up of ['../../../package.json', '../../package.json']) {
    try {
      const pkg = JSON.parse(readFileSync(new URL(up, import.meta.url), 'utf8')) as { name?: string; version?: string };
      if (pkg.name === 'lmm-ts' && typeof pkg.version === 'string') return pkg.version;
    } catch {
      // not at this level
    }
  }
  return 'unknown';
}
