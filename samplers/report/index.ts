/**
 * The HTML report of `lmm compare --report`: every export of the report module.
 */
export { renderReport } from './report.js';
export { renderSvg } from './svg.js';
export { shrinkagePlotSpec, levelOrder, levelSelection, LEVEL_HEIGHT, LEVEL_LABEL_SIZE, MAX_LEVEL_ROWS } from './shrinkagePlot.js';
export { caterpillarPlotSpec } from './caterpillarPlot.js';
export { tracePlotSpec, TRACE_MAX_POINTS } from './tracePlot.js';
export { escapeHtml, htmlTable } from './html.js';
export { htmlPage, type ReportSection } from './page.js';
export { fitStatisticsTable, fixedEffectsTable, hyperparameterSummaryTable, varCorrTable } from './tables.js';
export { bivariatePlotSpec } from './bivariatePlot.js';
export { shrinkageByNSpec } from './shrinkageByNPlot.js';
export { POOLING_EXPLORER_SCRIPT, poolingExplorerHtml } from './poolingExplorer.js';
