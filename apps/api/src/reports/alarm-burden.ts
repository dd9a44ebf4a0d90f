/**
 * The alarm-burden report (pure): what the engine's rules asked of the nurses, next to what a plain
 * threshold monitor would have asked on the same stored readings. The service gathers one row per
 * session (the threshold counts are summed in SQL) and the alerts; everything here is arithmetic.
 */
import type { AlarmBurdenReport } from '#contracts';

export const CLINICAL_KINDS = ['bp_rise', 'hr_rise', 'spo2_low', 'hr_low'] as const;
export type ThresholdRule = (typeof CLINICAL_KINDS)[number];

export interface BurdenSession {
  id: string;
  infusionStartedAt: Date;
  /** Monitored samples (infusing and recovery) and, per rule, the samples beyond its medium limit. */
  samples: number;
  threshold: Record<ThresholdRule, number>;
}

export interface BurdenAlert {
  sessionId: string;
  kind: string;
  severity: string;
  openedAt: Date;
  acknowledgedAt: Date | null;
  escalatedAt: Date | null;
}

/** The report as the API answers it (libs/contracts), here computed with the rules' own keys. */
export type AlarmBurden = AlarmBurdenReport & { thresholdMonitor: { byRule: Record<ThresholdRule, number> } };

/** Linear interpolation between closest ranks (the usual "type 7" percentile). */
export function percentile(sorted: number[], p: number): number | null {
  if (sorted.length === 0) return null;
  const rank = (sorted.length - 1) * p;
  const lo = Math.floor(rank);
  const hi = Math.ceil(rank);
  return sorted[lo]! + (sorted[hi]! - sorted[lo]!) * (rank - lo);
}

const round = (n: number | null, digits = 1) => (n === null ? null : Math.round(n * 10 ** digits) / 10 ** digits);

export function alarmBurden(sessions: BurdenSession[], alerts: BurdenAlert[]): AlarmBurden {
  const byKind: Record<string, Record<string, number>> = {};
  for (const a of alerts) {
    const k = (byKind[a.kind] ??= { total: 0 });
    k[a.severity] = (k[a.severity] ?? 0) + 1;
    k.total! += 1;
  }
  const clinical = alerts.filter((a) => (CLINICAL_KINDS as readonly string[]).includes(a.kind)).length;
  const ackSeconds = alerts
    .filter((a) => a.acknowledgedAt)
    .map((a) => (a.acknowledgedAt!.getTime() - a.openedAt.getTime()) / 1000)
    .sort((x, y) => x - y);
  const high = alerts.filter((a) => a.severity === 'high');
  const highWithin2Min = high.filter(
    (a) => a.acknowledgedAt && a.acknowledgedAt.getTime() - a.openedAt.getTime() <= 120_000,
  ).length;
  const byRule = Object.fromEntries(CLINICAL_KINDS.map((k) => [k, 0])) as Record<ThresholdRule, number>;
  let samples = 0;
  for (const s of sessions) {
    samples += s.samples;
    for (const k of CLINICAL_KINDS) byRule[k] += s.threshold[k];
  }
  const alarms = CLINICAL_KINDS.reduce((sum, k) => sum + byRule[k], 0);
  const days = new Map<string, { sessions: number; alerts: number; thresholdAlarms: number }>();
  const dayOf = new Map<string, string>();
  for (const s of sessions) {
    const date = s.infusionStartedAt.toISOString().slice(0, 10);
    dayOf.set(s.id, date);
    const day = days.get(date) ?? { sessions: 0, alerts: 0, thresholdAlarms: 0 };
    day.sessions += 1;
    day.thresholdAlarms += CLINICAL_KINDS.reduce((sum, k) => sum + s.threshold[k], 0);
    days.set(date, day);
  }
  for (const a of alerts) {
    const day = days.get(dayOf.get(a.sessionId) ?? '');
    if (day) day.alerts += 1;
  }
  const n = sessions.length;
  return {
    sessions: n,
    alerts: { total: alerts.length, clinical, perSession: n ? round(alerts.length / n, 2) : null, byKind },
    escalations: alerts.filter((a) => a.escalatedAt).length,
    acknowledgement: {
      acknowledged: ackSeconds.length,
      medianSeconds: round(percentile(ackSeconds, 0.5)),
      p90Seconds: round(percentile(ackSeconds, 0.9)),
      high: high.length,
      highWithin2Min,
      shareHighWithin2Min: high.length ? round(highWithin2Min / high.length, 3) : null,
    },
    thresholdMonitor: { samples, alarms, perSession: n ? round(alarms / n, 1) : null, byRule },
    ratio: clinical ? round(alarms / clinical, 2) : null,
    perDay: [...days].sort(([a], [b]) => a.localeCompare(b)).map(([date, d]) => ({ date, ...d })),
  };
}
