import type { VitalsEvent } from '#contracts';
import type { StoredReading } from '../events/domain-events.js';

export function vitalsEvent({ sessionId, reading }: StoredReading): VitalsEvent {
  return {
    sessionId,
    seq: reading.seq,
    recordedAt: new Date(reading.recordedAtMs).toISOString(),
    hr: reading.hr,
    sbp: reading.sbp,
    dbp: reading.dbp,
    map: reading.map,
    spo2: reading.spo2,
    rr: reading.rr,
    temp: reading.temp,
  };
}
