import type { ProtocolView, SessionRecord as SessionRecordOf } from '#contracts';

/** The parts of a protocol's rules the chart draws; the whole set is in libs/vitals (`ProtocolRules`). */
export interface ChartRules {
  bpRise: { mediumPct: number; highSbp: number };
  hrRise: { mediumPct: number; mediumMin: number; highMin: number };
  spo2Low: { medium: number; high: number };
  hrLow: { medium: number; high: number };
}

/** `GET /sessions/:id` (libs/contracts), its protocol's rules read as far as the chart draws them. */
export type SessionRecord = SessionRecordOf<ChartRules>;

/** `GET /protocols` (libs/contracts), the rules read as far as the chart draws them. */
export type ProtocolRecord = ProtocolView<ChartRules>;
