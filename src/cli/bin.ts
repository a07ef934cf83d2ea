#!/usr/bin/env node
/**
 * The `lmm` executable (dist/cli/lmm.js once bundled): loads the CLI bundle beside it with its
 * code cache (launch.ts) and runs the command line.
 */
import { loadCli } from './launch.js';

const { main } = loadCli(new URL('.', import.meta.url));
main(process.argv.slice(2)).then((status) => {
  process.exitCode = status;
});
