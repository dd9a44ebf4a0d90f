import {
  AddendumRow,
  DischargeChecklistRow,
  RecoveryObservationRow,
  SignatureRow,
} from '../discharge/discharge.entities.js';
import { AuditChainHead, AuditEvent } from '../audit/audit-event.entity.js';
import { RevokedToken } from '../auth/revoked-token.entity.js';
import { AlertRow } from '../alerts/alert.entity.js';
import { AlertTransition } from '../alerts/alert-transition.entity.js';
import { EngineStateRow } from '../alerts/engine-state.entity.js';
import { EngineLeaseRow } from '../cluster/engine-lease.entity.js';
import { Device } from '../devices/device.entity.js';
import { Hl7MessageRow } from '../hl7/hl7-message.entity.js';
import { Protocol } from '../protocols/protocol.entity.js';
import { ReadingRow } from '../readings/reading.entity.js';
import { Session } from '../sessions/session.entity.js';
import { Site } from '../sites/site.entity.js';
import { User } from '../users/user.entity.js';

export const ENTITIES = [
  Site,
  User,
  Device,
  Protocol,
  Session,
  ReadingRow,
  AlertRow,
  AlertTransition,
  EngineStateRow,
  EngineLeaseRow,
  AuditEvent,
  AuditChainHead,
  RecoveryObservationRow,
  DischargeChecklistRow,
  SignatureRow,
  AddendumRow,
  RevokedToken,
  Hl7MessageRow,
];
