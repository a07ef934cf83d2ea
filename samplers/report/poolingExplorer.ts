import type { PoolingPathData } from '../compare/poolingPath.js';
import { escapeHtml } from './html.js';

/**
 * The pooling explorer of one random-effects term: a slider over Ψ = c·Ψ̂ from complete pooling
 * (c = 0) through the fit (c = 1) to no pooling (c → ∞), moving every level's estimate, with the
 * posterior draws of the variance ratio as a histogram on the slider's own axis. The path is
 * computed in Node by the fit's blocked solve and embedded as JSON; the page's script only
 * draws it (inline SVG, no libraries, nothing fetched).
 */
export function poolingExplorerHtml(data: PoolingPathData, id: string): string {
  const json = JSON.stringify(data).replace(/</g, '\\u003c');
  const first = escapeHtml(data.columns[0]);
  return [
    `<div class="explorer" id="${id}">`,
    `<p class="explorer-title"><b>${escapeHtml(data.group)}</b>: ${data.levels.length} levels. Move the slider: Ψ<sub>${escapeHtml(data.group)}</sub> = c·Ψ̂ from complete pooling (c = 0: every level at its population value) through the REML estimate (c = 1) to no pooling (c → ∞: each level's own dummy-variable estimate).</p>`,
    ...(data.singular ? [`<p class="note">Ψ̂ of ${escapeHtml(data.group)} is singular (on the boundary): scaling it never frees every direction, so the last step of the slider (no pooling) is a jump.</p>`] : []),
    `<div class="explorer-control"><input type="range" min="0" max="${data.multipliers.length - 1}" step="1" value="${data.estimateIndex}" aria-label="pooling: variance multiplier c">`,
    `<span class="explorer-label"></span></div>`,
    `<svg class="explorer-ratio" width="460" height="74" role="img" aria-label="posterior draws of the variance ratio of ${first}"></svg>`,
    `<div class="explorer-panels"></div>`,
    `<script type="application/json" class="explorer-data">${json}</script>`,
    '</div>',
  ].join('\n');
}

/** The script that draws every explorer on the page (once per page). */
export const POOLING_EXPLORER_SCRIPT = String.raw`
(function () {
  let NS = 'http://www.w3.org/2000/svg';
  function el(name, attrs, parent) {
    let e = document.createElementNS(NS, name);
    for (let k in attrs) e.setAttribute(k, attrs[k]);
    if (parent) parent.appendChild(e);
    return e;
  }
  function text(parent, x, y, s, attrs) {
    let t = el('text', Object.assign({ x: x, y: y, 'font-size': 11 }, attrs || {}), parent);
    t.textContent = s;
    return t;
  }
  function ticks(lo, hi, count) {
    let span = hi - lo, step = Math.pow(10, Math.floor(Math.log10(span / count)));
    let err = span / count / step;
    if (err >= 7.5) step *= 10; else if (err >= 3.5) step *= 5; else if (err >= 1.5) step *= 2;
    let out = [];
    for (let v = Math.ceil(lo / step) * step; v <= hi + 1e-9 * span; v += step) out.push(Math.abs(v) < 1e-12 * span ? 0 : v);
    return out;
  }
  function fmt(v) {
    if (v === 0) return '0';
    let a = Math.abs(v);
    return a >= 1e4 || a < 1e-3 ? v.toExponential(2) : String(Number(v.toPrecision(4)));
  }
  function min(a) { let m = Infinity; for (const v of a) if (v < m) m = v; return m; }
  function max(a) { let m = -Infinity; for (const v of a) if (v > m) m = v; return m; }
  function init(root) {
    let d = JSON.parse(root.querySelector('.explorer-data').textContent);
    let q = d.columns.length, L = d.levels.length, G = d.multipliers.length;
    let slider = root.querySelector('input'), label = root.querySelector('.explorer-label');
    let nmax = max(d.n), nmin = min(d.n);
    let radius = function (n) { return 1.5 + 4.5 * Math.sqrt(n / nmax); };
    let panels = [];
    for (let r = 0; r < q; r++) {
      let W = 440, H = 340, m = { l: 58, r: 14, t: 28, b: 46 };
      let svg = el('svg', { width: W, height: H, class: 'explorer-panel', role: 'img', 'aria-label': d.group + ' ' + d.columns[r] }, root.querySelector('.explorer-panels'));
      let xs = [], ys = [];
      for (let j = 0; j < L; j++) {
        let o = d.coef[G - 1][j * q + r];
        if (o === null) continue;
        xs.push(o);
        for (let g = 0; g < G; g++) { let v = d.coef[g][j * q + r]; if (v !== null) ys.push(v); }
      }
      if (xs.length === 0) { text(svg, 10, 20, d.columns[r] + ': no level identifies its own estimate'); continue; }
      let lo = Math.min(min(xs), min(ys)), hi = Math.max(max(xs), max(ys));
      let pad = 0.04 * (hi - lo || 1); lo -= pad; hi += pad;
      let sx = function (v) { return m.l + (v - lo) / (hi - lo) * (W - m.l - m.r); };
      let sy = function (v) { return H - m.b - (v - lo) / (hi - lo) * (H - m.t - m.b); };
      let t = ticks(lo, hi, 5);
      t.forEach(function (v) {
        el('line', { x1: sx(v), x2: sx(v), y1: H - m.b, y2: H - m.b + 4, stroke: '#333' }, svg);
        text(svg, sx(v), H - m.b + 16, fmt(v), { 'text-anchor': 'middle' });
        el('line', { x1: m.l - 4, x2: m.l, y1: sy(v), y2: sy(v), stroke: '#333' }, svg);
        text(svg, m.l - 6, sy(v) + 4, fmt(v), { 'text-anchor': 'end' });
      });
      el('rect', { x: m.l, y: m.t, width: W - m.l - m.r, height: H - m.t - m.b, fill: 'none', stroke: '#999' }, svg);
      el('line', { x1: sx(lo), y1: sy(lo), x2: sx(hi), y2: sy(hi), stroke: '#888', 'stroke-dasharray': '4 3' }, svg);
      text(svg, sx(hi) - 4, sy(hi) + 14, 'no pooling (y = x)', { 'text-anchor': 'end', fill: '#666' });
      text(svg, m.l, 16, d.group + ': ' + d.columns[r], { 'font-size': 13, 'font-weight': 600 });
      text(svg, (m.l + W - m.r) / 2, H - 8, 'no-pooling estimate (own dummy-variable coefficient)', { 'text-anchor': 'middle' });
      text(svg, 14, (m.t + H - m.b) / 2, 'estimate at the slider', { 'text-anchor': 'middle', transform: 'rotate(-90 14 ' + (m.t + H - m.b) / 2 + ')' });
      let tracks = el('g', { stroke: '#1f77b4', 'stroke-opacity': L > 400 ? 0.08 : 0.2 }, svg);
      let dots = el('g', { fill: '#d62728', 'fill-opacity': L > 400 ? 0.45 : 0.75 }, svg);
      let circles = [];
      for (let j2 = 0; j2 < L; j2++) {
        let own = d.coef[G - 1][j2 * q + r], pool = d.coef[0][j2 * q + r];
        if (own === null) { circles.push(null); continue; }
        if (pool !== null) el('line', { x1: sx(own), x2: sx(own), y1: sy(pool), y2: sy(own) }, tracks);
        let c = el('circle', { cx: sx(own), cy: sy(own), r: radius(d.n[j2]), 'data-level': d.levels[j2] }, dots);
        let title = el('title', {}, c);
        title.textContent = d.levels[j2] + ' (n = ' + d.n[j2] + ')';
        circles.push(c);
      }
      // Legend for point size: n as integers.
      let legend = el('g', {}, svg), ln = [nmin, Math.round(Math.sqrt(nmin * nmax)), nmax].filter(function (v, i, a) { return a.indexOf(v) === i; });
      let lx = m.l + 8;
      text(legend, lx, m.t + 14, 'n:', {});
      ln.forEach(function (n, i) {
        el('circle', { cx: lx + 24 + i * 48, cy: m.t + 10, r: radius(n), fill: '#d62728', 'fill-opacity': 0.75 }, legend);
        text(legend, lx + 32 + i * 48, m.t + 14, String(n), {});
      });
      panels.push({ r: r, circles: circles, sy: sy });
    }
    // Posterior draws of c on the slider's axis: position 1 + (log10 c + 3)/step; 0 and ∞ at the ends.
    let hs = root.querySelector('.explorer-ratio');
    let HW = 460, HH = 74, counts = new Array(G).fill(0), lo10 = Math.log10(d.multipliers[1]), step = Math.log10(d.multipliers[2]) - lo10;
    d.ratioDraws.forEach(function (c) {
      let p = c <= 0 ? 0 : 1 + Math.round((Math.log10(c) - lo10) / step);
      counts[Math.max(0, Math.min(G - 1, p))]++;
    });
    let cmax = max(counts), bw = HW / G;
    counts.forEach(function (k, i) { if (k > 0) el('rect', { x: i * bw + 0.5, y: 50 - 40 * k / cmax, width: bw - 1, height: 40 * k / cmax, fill: '#1f77b4', 'fill-opacity': 0.6 }, hs); });
    el('line', { x1: 0, x2: HW, y1: 50, y2: 50, stroke: '#333' }, hs);
    let est = (d.estimateIndex + 0.5) * bw;
    el('line', { x1: est, x2: est, y1: 6, y2: 54, stroke: '#000', 'stroke-dasharray': '3 2' }, hs);
    let cursor = el('line', { y1: 6, y2: 54, stroke: '#d62728', 'stroke-width': 2 }, hs);
    text(hs, 2, 66, 'complete', {});
    text(hs, est, 66, 'REML (c = 1)', { 'text-anchor': 'middle' });
    text(hs, HW - 2, 66, 'none', { 'text-anchor': 'end' });
    text(hs, 2, 10, d.ratioDraws.length > 0 ? 'posterior draws of c (' + d.ratioDraws.length + '), on the slider\'s scale' : 'no posterior draws of c shown: the estimate is 0, so c·Ψ̂ = 0', { 'font-size': 10, fill: '#1f77b4' });
    function update() {
      let g = Number(slider.value), c = d.multipliers[g];
      cursor.setAttribute('x1', (g + 0.5) * bw); cursor.setAttribute('x2', (g + 0.5) * bw);
      let name = d.columns[0] === '(Intercept)' ? 'τ²/σ²' : 'Ψ[' + d.columns[0] + ']/σ²';
      label.textContent = g === 0 ? 'complete pooling: Ψ = 0' : g === G - 1 ? 'no pooling: Ψ → ∞' : 'c = ' + fmt(c) + ': ' + name + ' = ' + fmt(c * d.ratio) + (g === d.estimateIndex ? ' (the REML estimate)' : ' (REML: ' + fmt(d.ratio) + ')');
      panels.forEach(function (p) {
        for (let j = 0; j < L; j++) {
          let circle = p.circles[j];
          if (!circle) continue;
          let v = d.coef[g][j * q + p.r];
          circle.setAttribute('cy', v === null ? -100 : p.sy(v));
        }
      });
    }
    slider.addEventListener('input', update);
    update();
  }
  document.querySelectorAll('.explorer').forEach(init);
})();
`;
