/**
 * Self-contained HTML reports: tables, PNG images embedded as data URIs, inline SVG charts; no
 * external resources, no scripts.
 */
import { writeFileAtomicSync } from '@msflow/data';
import { escapeHtml } from './escape.js';

/** A table: header cells and rows of cells (numbers are formatted with `digits`). */
export interface HtmlTable {
  caption?: string;
  headers: string[];
  rows: (string | number | null | undefined)[][];
  /** Decimal places for numbers (default 2). */
  digits?: number;
}

/** One part of a report. */
export interface HtmlSection {
  title?: string;
  /** Paragraphs of plain text. */
  text?: string[];
  tables?: HtmlTable[];
  /** PNG images, embedded as base64 data URIs. */
  images?: { caption?: string; png: Uint8Array }[];
  /** SVG documents, inlined. Only pass SVG you generated (it is not sanitised). */
  svgs?: { caption?: string; svg: string }[];
}

/** A whole report. */
export interface HtmlReport {
  title: string;
  subtitle?: string;
  sections: HtmlSection[];
}

function cell(v: string | number | null | undefined, digits: number): string {
  if (v === null || v === undefined) return '<td class="na">–</td>';
  if (typeof v === 'number') return `<td class="num">${Number.isFinite(v) ? v.toFixed(digits) : escapeHtml(String(v))}</td>`;
  return `<td>${escapeHtml(v)}</td>`;
}

/**
 * An HTML table element.
 *
 * @example
 * ```ts
 * htmlTable({ headers: ['metric', 'value'], rows: [['image AUROC', 99.1]] });
 * ```
 */
export function htmlTable(t: HtmlTable): string {
  const d = t.digits ?? 2;
  const head = `<tr>${t.headers.map((h) => `<th>${escapeHtml(h)}</th>`).join('')}</tr>`;
  const body = t.rows.map((r) => `<tr>${r.map((c) => cell(c, d)).join('')}</tr>`).join('\n');
  const cap = t.caption ? `<caption>${escapeHtml(t.caption)}</caption>` : '';
  return `<table>${cap}\n<thead>${head}</thead>\n<tbody>\n${body}\n</tbody></table>`;
}

/**
 * A PNG as a `data:` URI.
 *
 * @example
 * ```ts
 * `<img src="${pngDataUri(bytes)}">`;
 * ```
 */
export function pngDataUri(png: Uint8Array): string {
  return `data:image/png;base64,${Buffer.from(png.buffer, png.byteOffset, png.byteLength).toString('base64')}`;
}

const STYLE = `body{font-family:system-ui,sans-serif;margin:24px;color:#222;max-width:1400px}
h1{font-size:22px}h2{font-size:17px;margin-top:28px;border-bottom:1px solid #ddd}
table{border-collapse:collapse;margin:10px 0}th,td{border:1px solid #ccc;padding:4px 8px}
th{background:#f4f4f4}td.num{text-align:right;font-variant-numeric:tabular-nums}td.na{color:#999;text-align:center}
caption{text-align:left;font-weight:bold;padding:4px 0}figure{display:inline-block;margin:8px;vertical-align:top}
figcaption{font-size:12px;color:#555}img{max-width:100%;image-rendering:pixelated}`;

/**
 * Renders a report as one self-contained HTML document.
 *
 * @example
 * ```ts
 * const html = renderHtmlReport({ title: 'bottle', sections: [{ tables: [metricsTable], images: [{ caption: 'sheet', png }] }] });
 * ```
 */
export function renderHtmlReport(report: HtmlReport): string {
  const out: string[] = [];
  out.push('<!DOCTYPE html>', '<html lang="en"><head><meta charset="utf-8">');
  out.push(`<title>${escapeHtml(report.title)}</title><style>${STYLE}</style></head><body>`);
  out.push(`<h1>${escapeHtml(report.title)}</h1>`);
  if (report.subtitle) out.push(`<p>${escapeHtml(report.subtitle)}</p>`);
  for (const s of report.sections) {
    out.push('<section>');
    if (s.title) out.push(`<h2>${escapeHtml(s.title)}</h2>`);
    for (const p of s.text ?? []) out.push(`<p>${escapeHtml(p)}</p>`);
    for (const t of s.tables ?? []) out.push(htmlTable(t));
    for (const g of s.svgs ?? []) out.push(`<figure>${g.svg}${g.caption ? `<figcaption>${escapeHtml(g.caption)}</figcaption>` : ''}</figure>`);
    for (const im of s.images ?? []) {
      const alt = escapeHtml(im.caption ?? 'image');
      out.push(`<figure><img alt="${alt}" src="${pngDataUri(im.png)}">${im.caption ? `<figcaption>${alt}</figcaption>` : ''}</figure>`);
    }
    out.push('</section>');
  }
  out.push('</body></html>');
  return out.join('\n');
}

/**
 * Renders and writes a report atomically.
 *
 * @example
 * ```ts
 * writeHtmlReport('runs/bottle/report.html', report);
 * ```
 */
export function writeHtmlReport(path: string, report: HtmlReport): void {
  writeFileAtomicSync(path, renderHtmlReport(report));
}
