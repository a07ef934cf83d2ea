/**
 * Every test file runs with Node's platform installed (as the package's Node entry and the CLI
 * do), so that core modules imported directly see `LMM_THREADS` and the core count. Worker
 * threads still need the compiled entries in dist/ (tests that use them import dist/ modules).
 */
import '../src/node/install.js';
