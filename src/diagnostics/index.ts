/**
 * Posterior summaries and convergence diagnostics (R `posterior` 1.4.0 `summarise_draws`
 * parity), FFT autocovariances, and draws CSV files.
 */
export { mean, variance, sd, median, medianSorted, quantile, quantileSorted, sortedCopy, mad, MAD_CONSTANT } from './stats.js';
export { normalQuantile } from './qnorm.js';
export { sortOrder, averageRanks, SortWorkspace } from './ranks.js';
export { zScale, rankNormalTable, RankNormalTable, RANK_OFFSET } from './zscale.js';
export { fft, autocovariance, autocovariancePair, nextPowerOfTwo, isPowerOfTwo, FftWorkspace } from './fft.js';
export {
  essFlat, rhatFlat, shouldReturnNA, splitChains, zScaleChains, foldChains, essOfChains, rhatOfChains,
  essBasic, essMean, essBulk, essQuantile, essTail, rhat, mcseMean, EssWorkspace, CONSTANT_TOLERANCE,
  chainMoments, rhatFromMoments, essOfCentred, essIndicatorFlat,
} from './ess.js';
export { IndicatorLags, LagWorkspace, fillLagsDirect, allLagsByFft, DIRECT_LAGS } from './lags.js';
export {
  summarizeDraws, summarizeParameters, summaryRows, summaryTable, DrawsSummarizer, SUMMARY_COLUMNS,
  type SummaryRow, type ParamSummaryRow,
} from './summarize.js';
export {
  summarizeParametersAsync, parallelWorkers, summaryWorkersAvailable, PARALLEL_MIN_DRAWS,
  type ParallelSummaryOptions, type ParamDraws,
} from './parallel.js';
export { parseDrawsCsv, writeDrawsCsv, splitCsvLine, csvField, formatDraw, type Draws } from './drawsCsv.js';
export { formatSummaryTable, formatSignificant, formatRhat, formatEss } from './format.js';
