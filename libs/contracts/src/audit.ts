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

/** `GET /audit`: newest first. */
export interface AuditPage {
  items: AuditRecord[];
  /** The `seq` to pass as `cursor` for older events; `null` at the start of the trail. */
  nextCursor: string | null;
}

/** `GET /audit/verify`: the whole chain walked and every hash recomputed. */
export interface AuditVerification {
  ok: boolean;
  checked: number;
  firstBrokenId?: string;
  firstBrokenSeq?: string;
  problem?: string;
}
