#!/usr/bin/env node
/**
 * The `lmm` executable: dispatches to one module per subcommand. User errors (LmmError) print
 * one line and exit 2; anything else is an internal failure and exits 1.
 */
import { realpathSync } from 'node:fs';
import { pathToFileURL } from 'node:url';
import { LmmError } from '../errors.js';
import { HelpRequest, processIo, type Command, type Io } from './io.js';
import { version } from './version.js';

const usage = `usage: lmm <command> [options]

commands:
  fit        exact REML/ML fit            lmm fit --data FILE --formula "y ~ x + (x | g)" [--ml] [--json]
  anova      likelihood-ratio comparison  lmm anova --data FILE --formula F0 --formula F1 [--json]
  sample     Gibbs sampler                lmm sample --data FILE --formula F [--chains 4] [--iter 2000] ...
  compare    eBLUPs beside posterior      lmm compare --data FILE --formula F [sampler options] [--json]
  summarize  diagnostics of draws         lmm summarize --draws draws.csv [--json]
  bootstrap  parametric bootstrap         lmm bootstrap --data FILE --formula F [--n 1000] [--seed S] [--json]
  predict    predictions for new data     lmm predict --data FILE --formula F --newdata NEW [--interval confidence|prediction] [--re-form NA]
  crossprod  cross-products artifact      lmm crossprod --data FILE --formula F --out model.lmmx | --merge a.lmmx b.lmmx --out all.lmmx

lmm <command> --help lists every option of a command with its default; lmm --version prints the version.
`;

/** Subcommands, loaded on demand so that start-up stays quick. */
const commands: Record<string, () => Promise<Command>> = {
  fit: async () => (await import('./fit.js')).fit,
  anova: async () => (await import('./anova.js')).anova,
  sample: async () => (await import('./sample.js')).sample,
  compare: async () => (await import('./compare.js')).compare,
  summarize: async () => (await import('./summarize.js')).summarize,
  bootstrap: async () => (await import('./bootstrap.js')).bootstrap,
  predict: async () => (await import('./predict.js')).predict,
  crossprod: async () => (await import('./crossprod.js')).crossprod,
};

/** Run the command line `argv` (without node and script) and return the exit status. */
export async function main(argv: string[], io: Io = processIo): Promise<number> {
  const [name, ...rest] = argv;
  if (name === undefined || name === '--help' || name === '-h' || name === 'help') {
    io.stdout(usage);
    return name === undefined ? 2 : 0;
  }
  if (name === '--version' || name === '-V' || name === 'version') {
    io.stdout(`${version()}\n`);
    return 0;
  }
  const load = Object.hasOwn(commands, name) ? commands[name] : undefined;
  try {
    if (load === undefined) throw new LmmError('option', `unknown command '${name}' (expected one of: ${Object.keys(commands).join(', ')})`);
    return await (await load())(rest, io);
  } catch (error) {
    if (error instanceof HelpRequest) {
      io.stdout(error.text);
      return 0;
    }
    if (error instanceof LmmError) {
      const prefix = load === undefined ? 'lmm' : `lmm ${name}`;
      const message = error.message.split('\n')[0].replace(new RegExp(`^${name}: `), '');
      io.stderr(`${prefix}: error: ${message}\n`);
      return 2;
    }
    io.stderr(`lmm: internal error: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
    return 1;
  }
}

/**
 * Run as a script (`node dist/src/cli/main.js`, or a link to it): the file Node started is this
 * module. Not when imported, nor inside the CLI bundle (dist/cli/lmm.cjs), whose loader calls
 * `main` itself (launch.ts).
 */
function isEntryPoint(): boolean {
  const script = process.argv[1];
  if (!script) return false;
  try {
    return pathToFileURL(realpathSync(script)).href === import.meta.url;
  } catch {
    return false;
  }
}
if (isEntryPoint()) {
  main(process.argv.slice(2)).then((status) => {
    process.exitCode = status;
  });
}
