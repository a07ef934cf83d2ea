/**
 * The installed executable: after `npm install` (which builds), `dist/src/cli/main.js` is the
 * package's `lmm` bin and must run on its own (shebang, executable bit), as `npx lmm` runs it.
 */
import { execFileSync } from 'node:child_process';
import { existsSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { fixtures } from '../helpers.js';

const bin = join(fixtures, '..', '..', 'dist', 'src', 'cli', 'main.js');

describe('lmm executable', () => {
  it.skipIf(!existsSync(bin))('is executable and fits a model', () => {
    expect(statSync(bin).mode & 0o111).not.toBe(0);
    const out = execFileSync(bin, ['fit', '--data', join(fixtures, 'data', 'dyestuff.csv'), '--formula', 'Yield ~ 1 + (1 | Batch)', '--json'], { encoding: 'utf8' });
    expect(JSON.parse(out).nobs).toBe(30);
  });
});
