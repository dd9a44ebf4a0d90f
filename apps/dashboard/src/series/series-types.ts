import type { PatientSeries } from '#contracts';

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
