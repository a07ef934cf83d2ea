/**
 * The exact fit beside the posterior (`lmm compare`): every export of the comparison module.
 */
export { Comparison, compare, compareModel, compareResults, type CompareOptions } from './compare.js';
export { GROUP_COLUMNS, groupRows, shrinkageFraction, type GroupRow } from './groups.js';
export { levelCrossProducts, type LevelCrossProducts } from './levels.js';
export { populationNotes } from './notes.js';
export { levelCounts } from './groups.js';
export { EDF_MAX_DRAWS, EDF_MIN_DRAWS, edfRows, type EdfRow } from './edf.js';
export { iccRows, isRandomIntercept, shrinkageWeightRows, type IccRow, type ShrinkageWeightRow } from './icc.js';
export { coefficientDraws, pooledDraws, posteriorInterval, type PosteriorInterval } from './posterior.js';
export { formatComparison, formatGroups, formatModelLevel } from './format.js';
export { poolingPathData, PATH_LOG_RANGE, PATH_LOG_STEP, PATH_MAX_DRAWS, type PoolingPathData } from './poolingPath.js';
