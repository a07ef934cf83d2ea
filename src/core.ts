/**
 * The platform-free core: every export of the toolkit that runs wherever JavaScript runs.
 * `src/` holds the model core and the exact fitter; `samplers/` (re-exported below) the Gibbs
 * sampler built on it. The entries add their host's side: src/index.ts (Node: files, worker
 * threads) and src/browser.ts (Web Workers).
 */
export { LmmError, FormulaError } from './errors.js';

// Data and model core.
export { tableFromCsv, tableFromJson, detectDelimiter, type LoadOptions } from './data/load.js';
export { toTable, tableFromColumns, tableFromArrow, type DataInput, type ColumnObject, type ArrowLikeTable } from './data/input.js';
export { parseFormula } from './formula/parse.js';
export type { ParsedFormula, TermsPart, RandomPart, Term, Variable, Expr } from './formula/types.js';
export { buildModel, type MixedModel, type ModelOptions, type ReTerm, type FixedTerm } from './model/model.js';
export { parseResidualSpec, type ResidualSpec } from './model/residuals.js';
export type { CrossProducts } from './model/crossprod.js';

// Exact REML/ML fits.
export { fitLmm, fitModel, LmmFit, type FitOptions, type OptimizationSummary, type RanefEntry, type DdfMethod } from './fit/lmm.js';
export type { CoefficientRow, FTest, SatterthwaiteBasis } from './fit/satterthwaite.js';
export type { KenwardRogerBasis } from './fit/kenwardRoger.js';
export type { ConfintRow, ConfintOptions } from './fit/confint.js';
export { typeIIIContrasts, type TermContrast } from './fit/contrasts.js';
export { anova, type AnovaResult, type AnovaRow, type AnovaOptions } from './fit/anova.js';
export { LinearFit } from './fit/linear.js';
export { predict, predictionDesign, predictAt, type PredictOptions, type PredictionDesign } from './fit/predict.js';
export { formatSummary, formatAnova, formatConfint, type SummaryInference } from './fit/summary.js';
export { studentTwoSided, fisherUpper, incompleteBeta } from './stats/distributions.js';
export { fitWithResiduals, type ResidualEstimates } from './fit/residualFit.js';
export { noPoolingDf, randomEffectsEdf } from './fit/edf.js';

// Parametric bootstrap from the cross-products, bootstrap LRTs and prediction intervals.
export {
  parametricBootstrap,
  parametricBootstrapAsync,
  bootstrapParameters,
  BootstrapResult,
  type BootstrapOptions,
  type BootstrapInterval,
  type BootstrapParameter,
  type Replicate,
} from './fit/bootstrap/bootstrap.js';
export { bootstrapLrt, type BootstrapLrt } from './fit/bootstrap/lrt.js';
export { predictionIntervals, type PredictIntervalOptions, type PredictionIntervals } from './fit/bootstrap/predictInterval.js';
export { CrossProductSimulator } from './fit/bootstrap/simulate.js';
export type { VarCorrRow } from './fit/varcorr.js';

// Posterior summaries and diagnostics (R posterior's summarise_draws).
export { summarizeDraws, summarizeParameters, summaryRows, type SummaryRow, type ParamSummaryRow } from './diagnostics/summarize.js';
export { parseDrawsCsv, writeDrawsCsv } from './diagnostics/drawsCsv.js';
export { rhat, essBulk, essTail, essMean, mcseMean } from './diagnostics/ess.js';

// The Gibbs sampler.
export { sample, sampleModel, SampleResult, type SampleOptions } from '../samplers/sample.js';
export { defaultPriors, resolvePriors, type PriorsSpec } from '../samplers/priors.js';
export { GibbsKernel, type GibbsState } from '../samplers/gibbs.js';
export { createRng, type Rng } from '../samplers/rng.js';

// Exact fit beside the posterior, and its HTML report.
export { Comparison, compare, compareModel, compareResults, type CompareOptions } from '../samplers/compare/index.js';
export { formatComparison } from '../samplers/compare/index.js';
export { renderReport } from '../samplers/report/index.js';

// The host the core runs on (installed by the entries).
export { platform, setPlatform, mainThreadPlatform, type Platform, type PlatformWorker, type WorkerKind } from './platform/platform.js';
