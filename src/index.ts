/**
 * Public entry point: every export of the toolkit is listed here. `src/` holds the model core
 * and the exact fitter; `samplers/` (re-exported below) the Gibbs sampler built on it.
 */
export { LmmError, FormulaError } from './errors.js';

// Data and model core.
export { loadTable, tableFromCsv, tableFromJson } from './data/load.js';
export { parseFormula } from './formula/parse.js';
export type { ParsedFormula, TermsPart, RandomPart, Term, Variable, Expr } from './formula/types.js';
export { buildModel, type MixedModel, type ModelOptions, type ReTerm, type FixedTerm } from './model/model.js';
export type { CrossProducts } from './model/crossprod.js';

// Exact REML/ML fits.
export { fitLmm, fitModel, LmmFit, type FitOptions, type OptimizationSummary, type RanefEntry, type DdfMethod } from './fit/lmm.js';
export type { CoefficientRow, FTest, SatterthwaiteBasis } from './fit/satterthwaite.js';
export type { KenwardRogerBasis } from './fit/kenwardRoger.js';
export type { ConfintRow, ConfintOptions } from './fit/confint.js';
export { typeIIIContrasts, type TermContrast } from './fit/contrasts.js';
export { anova, type AnovaResult, type AnovaRow, type AnovaOptions } from './fit/anova.js';
export { predict, type PredictOptions } from './fit/predict.js';
export { formatSummary, formatAnova, formatConfint, type SummaryInference } from './fit/summary.js';
export { studentTwoSided, fisherUpper, incompleteBeta } from './stats/distributions.js';
export type { VarCorrRow } from './fit/varcorr.js';

// Posterior summaries and diagnostics (R posterior's summarise_draws).
export { summarizeDraws, summarizeParameters, summaryRows, type SummaryRow, type ParamSummaryRow } from './diagnostics/summarize.js';
export { readDrawsCsv, parseDrawsCsv, writeDrawsCsv } from './diagnostics/drawsCsv.js';
export { rhat, essBulk, essTail, essMean, mcseMean } from './diagnostics/ess.js';

// The Gibbs sampler.
export { sample, sampleModel, SampleResult, type SampleOptions } from '../samplers/sample.js';
export { defaultPriors, resolvePriors, type PriorsSpec } from '../samplers/priors.js';
export { GibbsKernel, type GibbsState } from '../samplers/gibbs.js';
export { createRng, type Rng } from '../samplers/rng.js';

// Exact fit beside the posterior, and its HTML report.
export { Comparison, compare, compareModel, compareResults, type CompareOptions } from '../samplers/compare/index.js';
export { formatComparison } from '../samplers/compare/index.js';
export { renderReport, writeReport } from '../samplers/report/index.js';
