import type { Response } from 'express';
import { once } from 'node:events';
import { AUDIT_COLUMNS, type AuditRecord } from './audit-trail.js';

// A spreadsheet runs a cell that starts with one of these as a formula, even inside quotes
// (`=HYPERLINK(…)` in a username). OWASP's advice: prefix such a cell with a single quote, which
// makes it text. Numbers are never strings here, so a negative number stays a number.
const FORMULA_START = /^[=+\-@\t\r]/;

/** One CSV cell (RFC 4180 quoting), never a formula. */
export function csvCell(value: unknown): string {
  if (value === null || value === undefined) return '';
  let text = typeof value === 'string' ? value : JSON.stringify(value);
  if (typeof value === 'string' && FORMULA_START.test(text)) text = `'${text}`;
  return /[",\r\n]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
}

export const csvLine = (record: AuditRecord): string => AUDIT_COLUMNS.map((c) => csvCell(record[c])).join(',') + '\r\n';

/** Writes pages of records to the response as they come, waiting whenever the client is slower. */
export async function streamRecords(
  response: Response,
  format: 'csv' | 'ndjson',
  pages: AsyncGenerator<AuditRecord[]>,
): Promise<number> {
  const stamp = new Date().toISOString().replace(/[:.]/g, '-');
  response.setHeader(
    'Content-Type',
    format === 'csv' ? 'text/csv; charset=utf-8' : 'application/x-ndjson; charset=utf-8',
  );
  response.setHeader(
    'Content-Disposition',
    `attachment; filename="audit-${stamp}.${format === 'csv' ? 'csv' : 'ndjson'}"`,
  );
  response.setHeader('Cache-Control', 'no-store');
  if (format === 'csv') response.write(AUDIT_COLUMNS.join(',') + '\r\n');
  let count = 0;
  for await (const page of pages) {
    const chunk = page.map((r) => (format === 'csv' ? csvLine(r) : JSON.stringify(r) + '\n')).join('');
    count += page.length;
    if (!response.write(chunk)) await Promise.race([once(response, 'drain'), once(response, 'close')]);
    if (response.destroyed) break;
  }
  response.end();
  return count;
}
