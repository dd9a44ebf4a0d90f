import type { Alert, SessionSummary, VitalsEvent } from '#contracts';

/** REST shapes the dashboard reads beyond the socket contract (docs/api.md, "Sessions" and "Alerts"). */
export interface Baseline {
  sbp: number | null;
  dbp: number | null;
  hr: number | null;
  spo2: number | null;
}

export interface SessionRecord extends Omit<SessionSummary, 'latestVitals' | 'openAlerts'> {
  weightKg: number;
  plannedDoseMgPerKg: number;
  seriesNumber: number;
  infusionOverrideReason: string | null;
  abortReason: string | null;
  /** Frozen at infusion start; `null` before. */
  baseline: Baseline | null;
}

export interface AlertRecord extends Alert {
  acknowledgementNote: string | null;
  endedAt: string | null;
  durationSeconds: number | null;
}

export interface ReadingsPage {
  total: number;
  downsampled: boolean;
  readings: VitalsEvent[];
}

/** The parts of a protocol's rules the chart draws; the whole set is in libs/vitals (`ProtocolRules`). */
export interface ChartRules {
  bpRise: { mediumPct: number; highSbp: number };
  hrRise: { mediumPct: number; mediumMin: number; highMin: number };
  spo2Low: { medium: number; high: number };
  hrLow: { medium: number; high: number };
}

export interface ProtocolRecord {
  id: string;
  key: string;
  version: number;
  name: string;
  route: string;
  rules: ChartRules;
  createdAt: string;
}
