import * as vega from 'vega';
import { compile, type TopLevelSpec } from 'vega-lite';

let charts = 0;

/**
 * Render a vega-lite spec to an SVG string in Node: compiled to vega, run headless (the 'none'
 * renderer, no canvas) and serialised with `View.toSVG()`. Element ids (clip paths, gradients)
 * get a per-chart prefix so that many SVGs can sit inline in one HTML page.
 */
export async function renderSvg(spec: TopLevelSpec): Promise<string> {
  const view = new vega.View(vega.parse(compile(spec).spec), { renderer: 'none' });
  try {
    const svg = await view.toSVG();
    const prefix = `chart${++charts}-`;
    return svg.replace(/\bid="([^"]+)"/g, `id="${prefix}$1"`).replace(/url\(#([^)]+)\)/g, `url(#${prefix}$1)`);
  } finally {
    view.finalize();
  }
}
