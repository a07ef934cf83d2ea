/**
 * One core, two platforms: the model, fitters, sampler, diagnostics, data parsing and the
 * platform interface import nothing from Node (`node:*` or a bare Node built-in), and use no
 * Node global (`process`, `Buffer`); only src/node/, src/cli/ and the Node entry do.
 */
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { builtinModules } from 'node:module';
import { join, relative } from 'node:path';
import { describe, expect, it } from 'vitest';
import { fixtures } from '../helpers.js';

const root = join(fixtures, '..', '..');
const coreDirs = ['src/model', 'src/fit', 'src/linalg', 'src/optim', 'src/diagnostics', 'src/data', 'src/formula', 'src/stats', 'src/platform', 'src/browser', 'samplers'];
const coreFiles = ['src/core.ts', 'src/browser.ts', 'src/errors.ts'];

function tsFiles(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    return statSync(path).isDirectory() ? tsFiles(path) : name.endsWith('.ts') ? [path] : [];
  });
}

const builtins = new Set(builtinModules);
/** Module specifiers of static imports, re-exports and dynamic imports. */
const specifiers = (text: string) => [...text.matchAll(/(?:from|import)\s*\(?\s*'([^']+)'/g)].map((m) => m[1]);

describe('platform-free core', () => {
  const files = [...coreDirs.flatMap((d) => tsFiles(join(root, d))), ...coreFiles.map((f) => join(root, f))];

  it('finds the core files', () => {
    expect(files.length).toBeGreaterThan(100);
  });

  it('imports no Node module and uses no Node global', () => {
    const offences: string[] = [];
    for (const file of files) {
      const text = readFileSync(file, 'utf8');
      for (const spec of specifiers(text)) {
        if (spec.startsWith('node:') || builtins.has(spec)) offences.push(`${relative(root, file)} imports '${spec}'`);
      }
      // Code, not comments: drop line and block comments before looking for globals.
      const code = text.replace(/\/\*[\s\S]*?\*\//g, '').replace(/(^|[^:'"`])\/\/.*$/gm, '$1');
      for (const global of ['process.', 'Buffer.', 'require(', '__dirname']) {
        if (code.includes(global)) offences.push(`${relative(root, file)} uses ${global}`);
      }
    }
    expect(offences).toEqual([]);
  });
});
