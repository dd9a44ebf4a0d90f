import { Initial1763700000000 } from './1763700000000-initial.js';
import { Alerts1763800000000 } from './1763800000000-alerts.js';
import { AuditTrail1763900000000 } from './1763900000000-audit-trail.js';
import { Recovery1764000000000 } from './1764000000000-recovery.js';
import { DemoAccounts1764100000000 } from './1764100000000-demo-accounts.js';
import { EngineLeases1764200000000 } from './1764200000000-engine-leases.js';

/** Every migration, in order. Listed here rather than globbed so the build is explicit. */
export const MIGRATIONS = [
  Initial1763700000000,
  Alerts1763800000000,
  AuditTrail1763900000000,
  Recovery1764000000000,
  DemoAccounts1764100000000,
  EngineLeases1764200000000,
];
