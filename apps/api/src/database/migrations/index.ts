import { Initial1763700000000 } from './1763700000000-initial.js';
import { Alerts1763800000000 } from './1763800000000-alerts.js';
import { AuditTrail1763900000000 } from './1763900000000-audit-trail.js';
import { Recovery1764000000000 } from './1764000000000-recovery.js';
import { DemoAccounts1764100000000 } from './1764100000000-demo-accounts.js';
import { ProtocolRefinements1764200000000 } from './1764200000000-protocol-refinements.js';
import { EngineLeases1764200000000 } from './1764200000000-engine-leases.js';
import { Hl7Sources1764214000000 } from './1764214000000-hl7-sources.js';
import { RemsAssessments1764300000000 } from './1764300000000-rems-assessments.js';
import { SignatureStatement1764512000000 } from './1764512000000-signature-statement.js';
import { TokenVersions1764530000000 } from './1764530000000-token-versions.js';

/** Every migration, in order. Listed here rather than globbed so the build is explicit. */
export const MIGRATIONS = [
  Initial1763700000000,
  Alerts1763800000000,
  AuditTrail1763900000000,
  Recovery1764000000000,
  DemoAccounts1764100000000,
  ProtocolRefinements1764200000000,
  EngineLeases1764200000000,
  Hl7Sources1764214000000,
  RemsAssessments1764300000000,
  SignatureStatement1764512000000,
  TokenVersions1764530000000,
];
