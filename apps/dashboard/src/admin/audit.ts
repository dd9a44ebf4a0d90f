import type { AuditVerification } from '#contracts';
import { getBlob } from '../api';

export interface AuditFilter {
  actor: string;
  action: string;
  entityType: string;
  entityId: string;
  siteId: string;
  /** From `<input type="datetime-local">`: local time without an offset. */
  from: string;
  to: string;
}

export const NO_FILTER: AuditFilter = {
  actor: '',
  action: '',
  entityType: '',
  entityId: '',
  siteId: '',
  from: '',
  to: '',
};

/** The filter as query parameters: empty fields left out, local times sent with their offset (as UTC). */
export function auditQuery(filter: AuditFilter, extra: Record<string, string> = {}): string {
  const params = new URLSearchParams();
  for (const [key, value] of Object.entries(filter) as [keyof AuditFilter, string][]) {
    const trimmed = value.trim();
    if (!trimmed) continue;
    params.set(key, key === 'from' || key === 'to' ? new Date(trimmed).toISOString() : trimmed);
  }
  for (const [key, value] of Object.entries(extra)) params.set(key, value);
  const text = params.toString();
  return text ? `?${text}` : '';
}

/** Fetches an export with the token and saves it under a dated name, as a download link would. */
export async function downloadExport(filter: AuditFilter, format: 'csv' | 'ndjson'): Promise<void> {
  const blob = await getBlob(`/audit/export${auditQuery(filter, { format })}`);
  const url = URL.createObjectURL(blob);
  const link = document.createElement('a');
  link.href = url;
  link.download = `audit-${new Date().toISOString().replace(/[:.]/g, '-')}.${format}`;
  document.body.append(link);
  link.click();
  link.remove();
  // Revoked once the browser has started the download.
  setTimeout(() => URL.revokeObjectURL(url), 10_000);
}

/** The verification in words, for an administrator who may have to report it. */
export function verifyWords(result: AuditVerification): string {
  if (result.ok) return `The audit chain is intact: all ${result.checked} events check out against their hashes.`;
  const where = result.firstBrokenSeq ? ` at event ${result.firstBrokenSeq}` : '';
  return `The audit chain is BROKEN${where}: ${result.problem ?? 'unknown problem'}. ${result.checked} events before it check out. Report this: the trail may have been altered.`;
}
