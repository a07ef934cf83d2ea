import * as aq from 'arquero';
import { signif } from '../../src/fit/format.js';

/** Text made safe for HTML element content and attribute values. */
export function escapeHtml(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');
}

/**
 * An arquero table as an HTML table (arquero's `toHTML`, which escapes cells): numbers with
 * `digits` significant digits (integers, such as counts, in full), null as "NA", under an optional caption.
 */
export function htmlTable(table: aq.ColumnTable, caption?: string, digits = 4): string {
  const format: Record<string, (v: unknown) => string> = {};
  for (const name of table.columnNames()) {
    const first = table.get(name, 0);
    if (typeof first === 'number' || first === null) format[name] = (v) => (typeof v === 'number' ? (Number.isInteger(v) && Math.abs(v) < 1e15 ? String(v) : signif(v, digits)) : String(v));
  }
  const body = table.toHTML({ format, null: () => 'NA' });
  return caption ? `<figure class="table"><figcaption>${escapeHtml(caption)}</figcaption>${body}</figure>` : body;
}
