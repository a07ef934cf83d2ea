import { parseArgs, type ParseArgsConfig } from 'node:util';
import { LmmError } from '../errors.js';

/** Where a command writes: stdout for results, stderr for notes, warnings and progress. */
export interface Io {
  stdout(text: string): void;
  stderr(text: string): void;
  /** Whether stderr is a terminal (progress bars are shown only then, or with --progress). */
  stderrIsTTY: boolean;
}

/** The process's own streams. */
export const processIo: Io = {
  stdout: (text) => process.stdout.write(text),
  stderr: (text) => process.stderr.write(text),
  stderrIsTTY: Boolean(process.stderr.isTTY),
};

/** A subcommand: parses its own arguments, returns the exit status. */
export type Command = (argv: string[], io: Io) => Promise<number>;

/** One option of a subcommand, as node's parser takes it, plus the text `--help` shows. */
export type OptionSpec = NonNullable<ParseArgsConfig['options']>[string] & { description?: string; defaultText?: string };

/** Asked for a command's help (`--help` / `-h`): main prints `text` on stdout and exits 0. */
export class HelpRequest extends Error {
  constructor(readonly text: string) {
    super('help requested');
  }
}

/**
 * Parse a subcommand's options with node's own parser (`util.parseArgs`, wrapped here once so
 * that every command gets the same manners): `--help` prints every option with its default; a
 * value may be negative (`--seed -3`); a single-valued option given twice is refused (only
 * options declared `multiple` repeat); errors are one line naming the option.
 */
export function parseOptions(
  command: string,
  argv: string[],
  options: Record<string, OptionSpec>,
): Record<string, string | boolean | (string | boolean)[] | undefined> {
  const end = argv.indexOf('--');
  const head = end < 0 ? argv : argv.slice(0, end);
  if (head.includes('--help') || head.includes('-h')) throw new HelpRequest(helpText(command, options));
  const args = joinNegativeValues(argv, options);
  const config: NonNullable<ParseArgsConfig['options']> = {};
  for (const [name, spec] of Object.entries(options)) {
    const { description: _d, defaultText: _t, ...rest } = spec;
    config[name] = rest;
  }
  let parsed: ReturnType<typeof parseArgs<{ args: string[]; options: typeof config; allowPositionals: false; strict: true; tokens: true }>>;
  try {
    parsed = parseArgs({ args, options: config, allowPositionals: false, strict: true, tokens: true });
  } catch (error) {
    const message = error instanceof Error ? error.message.split('\n')[0] : String(error);
    throw new LmmError('option', `${command}: ${message.replace(/\. To specify.*$/, '')}`);
  }
  const seen = new Set<string>();
  for (const token of parsed.tokens ?? []) {
    if (token.kind !== 'option') continue;
    if (seen.has(token.name) && !options[token.name]?.multiple) {
      throw new LmmError('option', `${command}: option --${token.name} given more than once (it takes one value)`);
    }
    seen.add(token.name);
  }
  return parsed.values;
}

/** `--name -3` → `--name=-3` for options that take a value, so a negative number is a value. */
function joinNegativeValues(argv: string[], options: Record<string, OptionSpec>): string[] {
  const out: string[] = [];
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i];
    if (arg === '--') {
      out.push(...argv.slice(i));
      break;
    }
    const name = arg.startsWith('--') ? arg.slice(2) : undefined;
    const next = argv[i + 1];
    if (name !== undefined && options[name]?.type === 'string' && next !== undefined && /^-(?:\d|\.\d|Inf)/.test(next)) {
      out.push(`${arg}=${next}`);
      i++;
    } else {
      out.push(arg);
    }
  }
  return out;
}

/** Standard descriptions of the options the commands share (a command's own `description` wins). */
const commonDescriptions: Record<string, string> = {
  data: 'data file: CSV, TSV, JSON records or Arrow IPC ("-" reads stdin)',
  delimiter: 'field delimiter of the data (detected from the header line: comma, tab or semicolon)',
  formula: 'model formula, lme4 syntax: "y ~ x + (x | g)"',
  ml: 'maximum likelihood instead of REML',
  json: 'write the result as JSON (the contract\'s schema)',
  chains: 'number of chains',
  iter: 'iterations per chain, warmup included',
  warmup: 'warmup iterations per chain',
  thin: 'keep every n-th draw',
  seed: 'run seed (same seed, same draws)',
  priors: 'priors file (JSON)',
  progress: 'show the progress bar even when stderr is not a terminal',
  draws: 'write the draws to this CSV file',
  report: 'write the HTML report to this file',
  'no-refit': 'compare REML fits as they are (same fixed effects)',
  weights: 'column of prior weights (lme4\'s weights =) for the exact fit',
  ranef: 'also print the random effects a[...] in the table',
};

/** The `--help` text of a command: every option with its value, default and description. */
export function helpText(command: string, options: Record<string, OptionSpec>): string {
  const rows = Object.entries(options).map(([name, spec]) => {
    const flag = spec.type === 'string' ? `--${name} ${name === 'data' ? 'FILE|-' : name === 'draws' || name === 'priors' || name === 'report' ? 'FILE' : 'VALUE'}` : `--${name}`;
    const fallback = spec.defaultText ?? (spec.default === undefined || spec.default === false ? (spec.type === 'boolean' ? 'off' : 'none') : String(spec.default));
    const description = spec.description ?? commonDescriptions[name] ?? '';
    return { flag: spec.multiple ? `${flag} (repeatable)` : flag, text: `${description}${description ? ' ' : ''}(default: ${fallback})` };
  });
  rows.push({ flag: '-h, --help', text: 'show this help' });
  const width = Math.max(...rows.map((r) => r.flag.length));
  return `usage: lmm ${command} [options]\n\noptions:\n${rows.map((r) => `  ${r.flag.padEnd(width)}  ${r.text}`).join('\n')}\n`;
}

/** Read a required string option or fail naming it. */
export function requireOption(command: string, value: string | undefined, name: string): string {
  if (value === undefined || value === '') throw new LmmError('option', `${command}: missing required option --${name}`);
  return value;
}

/**
 * Parse a positive integer option (`--chains 4`), failing with a message naming the option.
 * `min` is the smallest accepted value (1 unless said otherwise).
 */
export function integerOption(command: string, name: string, value: string | undefined, fallback: number, min = 1): number {
  if (value === undefined) return fallback;
  const n = Number(value);
  if (!/^[+-]?\d+$/.test(value.trim()) || !Number.isSafeInteger(n) || n < min) {
    throw new LmmError('option', `${command}: --${name} must be an integer >= ${min}, got '${value}'`);
  }
  return n;
}

/** JSON with non-finite numbers written as null (JSON has no NaN or Infinity). */
export function toJson(value: unknown): string {
  return JSON.stringify(value, (_key, v) => (typeof v === 'number' && !Number.isFinite(v) ? null : v));
}
