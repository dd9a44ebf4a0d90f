/** One event of the audit trail, as `GET /audit` and `GET /audit/export?format=ndjson` return it. */
export interface AuditRecord {
  seq: string;
  id: string;
  at: string;
  actorType: 'user' | 'device' | 'system' | 'anonymous';
  actorId: string | null;
  actorName: string | null;
  role: string | null;
  action: string;
  entityType: string | null;
  entityId: string | null;
  siteId: string | null;
  sourceIp: string | null;
  correlationId: string | null;
  before: unknown;
  after: unknown;
  details: unknown;
  prevHash: string;
  hash: string;
}
