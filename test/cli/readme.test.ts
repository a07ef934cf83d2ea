/**
 * The README's command table ("What it does") and `lmm <command> --help` list the same options:
 * every option of the help text appears in the command's row and every option of the row in the
 * help text (the compiled CLI in dist/, built by `npm install`).
 */
import { execFileSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { fixtures } from '../helpers.js';

const root = join(fixtures, '..', '..');
const bin = join(root, 'dist', 'src', 'cli', 'main.js');
/** The commands `lmm --help` lists (its "commands:" section), so that a new command needs a README row. */
const commands = existsSync(bin) ? [...execFileSync('node', [bin, '--help'], { encoding: 'utf8' }).split('commands:')[1].matchAll(/^ {2}(\w+) {2,}/gm)].map((m) => m[1]) : [];

/** The options of each command's row of the README's command table. */
function readmeOptions(): Map<string, Set<string>> {
  const readme = readFileSync(join(root, 'README.md'), 'utf8');
  const rows = new Map<string, Set<string>>();
  for (const [, command, usage] of readme.matchAll(/^\| `lmm (\w+) ([^`]*)` \|/gm)) {
    rows.set(command, new Set(usage.match(/--[a-z][a-z-]*/g) ?? []));
  }
  return rows;
}

/** The options `lmm <command> --help` lists (without --help itself). */
function helpOptions(command: string): Set<string> {
  const help = execFileSync('node', [bin, command, '--help'], { encoding: 'utf8' });
  return new Set([...help.matchAll(/^ {2}(?:-\w, )?(--[a-z][a-z-]*)/gm)].map((m) => m[1]).filter((o) => o !== '--help'));
}

describe.skipIf(!existsSync(bin))('README command table', () => {
  const rows = readmeOptions();
  it('has a row for every command', () => {
    expect([...rows.keys()].sort()).toEqual([...commands].sort());
  });
  for (const command of commands) {
    it(`lists exactly the options of lmm ${command} --help`, () => {
      const help = helpOptions(command);
      expect(help.size).toBeGreaterThan(1);
      expect([...(rows.get(command) ?? [])].sort()).toEqual([...help].sort());
    });
  }
});
