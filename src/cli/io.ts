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

/**
 * Parse a subcommand's options with node's own parser, turning its errors into one-line
 * user errors that name the option.
 */
export function parseOptions(
  command: string,
  argv: string[],
  options: NonNullable<ParseArgsConfig['options']>,
): Record<string, string | boolean | (string | boolean)[] | undefined> {
  try {
    return parseArgs({ args: argv, options, allowPositionals: false, strict: true }).values;
  } catch (error) {
    const message = error instanceof Error ? error.message.split('\n')[0] : String(error);
    throw new LmmError('option', `${command}: ${message.replace(/\. To specify.*$/, '')}`);
  }
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
