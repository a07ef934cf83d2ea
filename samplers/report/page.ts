import { escapeHtml } from './html.js';

/** One section of the report: a heading and its HTML body. */
export interface ReportSection {
  title: string;
  body: string;
}

const style = `
body { font-family: system-ui, sans-serif; margin: 1.5em; color: #222; }
h1 { font-size: 1.4em; } h2 { font-size: 1.15em; margin-top: 2em; border-bottom: 1px solid #ccc; }
table { border-collapse: collapse; font-size: 12px; margin: 0.5em 0 1em; }
th, td { padding: 2px 8px; border-bottom: 1px solid #eee; }
figure { margin: 0.5em 0; } figcaption { font-weight: 600; margin-bottom: 0.3em; }
.plots { display: flex; flex-wrap: wrap; gap: 1.5em; align-items: flex-start; }
.trace { display: flex; gap: 1em; align-items: center; }
.diagnostics { font-size: 12px; }
.scroll { max-height: 40em; overflow-y: auto; }
.explorer { margin: 1em 0 2em; } .explorer-control { display: flex; gap: 1em; align-items: center; }
.explorer-control input { width: 460px; margin: 0; } .explorer-label { font-size: 13px; font-weight: 600; }
.explorer-panels { display: flex; flex-wrap: wrap; gap: 1em; } .explorer svg text { font-family: system-ui, sans-serif; }
.teach { max-width: 60em; line-height: 1.4; } .note { font-size: 12px; color: #555; }
`;

/** A self-contained HTML page (inline CSS, SVG and `script`, if any; nothing fetched). */
export function htmlPage(title: string, intro: string, sections: readonly ReportSection[], script = ''): string {
  return [
    '<!DOCTYPE html>',
    '<html lang="en"><head><meta charset="utf-8">',
    `<title>${escapeHtml(title)}</title>`,
    `<style>${style}</style>`,
    '</head><body>',
    `<h1>${escapeHtml(title)}</h1>`,
    intro,
    ...sections.map((s) => `<section><h2>${escapeHtml(s.title)}</h2>${s.body}</section>`),
    ...(script ? [`<script>${script}</script>`] : []),
    '</body></html>',
    '',
  ].join('\n');
}
