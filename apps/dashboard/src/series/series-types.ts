/** GET /patients/:patientRef/series, as the dashboard reads it. */
export interface SeriesPeak {
  value: number;
  rise: number | null;
  risePct: number | null;
  minutesAfterStart: number | null;
}

export interface SeriesInfusion {
  sessionId: string;
  infusion: number;
  phase: string;
  protocol: string;
  date: string;
  dose: { mgPerKg: number; mg: number; weightKg: number };
  baseline: { sbp: number | null; dbp: number | null; hr: number | null; spo2: number | null } | null;
  peak: { sbp: SeriesPeak | null; dbp: SeriesPeak | null; hr: SeriesPeak | null };
  alerts: Record<string, Record<string, number>>;
  highBpRise: boolean;
  recoveryMinutes: number | null;
  overrides: { kind: string; reason: string }[];
}

export interface SeriesNote {
  infusion: number;
  firstThree: boolean;
  previousHighBpRise: number[];
  message: string;
}

export interface PatientSeries {
  siteId: string;
  patientRef: string;
  infusions: SeriesInfusion[];
  nextNote: SeriesNote | null;
}

export const seriesPath = (siteId: string, patientRef: string) =>
  `/patients/${encodeURIComponent(patientRef)}/series?siteId=${siteId}`;

/**
 * The note for one session of the series: one of the first three infusions, or an earlier one had a
 * high bp_rise. A session not yet dosed is the next infusion.
 */
export function noteForSession(series: PatientSeries, sessionId: string): string | null {
  const index = series.infusions.findIndex((i) => i.sessionId === sessionId);
  if (index < 0) return series.nextNote?.message ?? null;
  const infusion = index + 1;
  const highs = series.infusions
    .slice(0, index)
    .filter((i) => i.highBpRise)
    .map((i) => i.infusion);
  const parts: string[] = [];
  if (infusion <= 3)
    parts.push(`Infusion ${infusion} of this patient: severe BP rises are most frequent in the first three infusions`);
  if (highs.length > 0)
    parts.push(`a high BP rise in infusion ${highs.join(', ')} of this patient: watch the BP closely`);
  if (parts.length === 0) return null;
  const message = parts.join('; ');
  return `${message[0]!.toUpperCase()}${message.slice(1)}.`;
}
