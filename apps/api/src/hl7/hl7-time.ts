const DTM = /^(\d{4})(\d{2})(\d{2})(\d{2})(\d{2})(?:(\d{2})(?:\.(\d{1,4}))?)?([+-]\d{4})?$/;

/**
 * An HL7 v2 DTM (`YYYYMMDDHHMM[SS[.S…]][±ZZZZ]`) as epoch milliseconds, or `null` when it is not one or
 * is less precise than a minute (a vital sign needs its time). Without an offset the time is the
 * gateway's local time, which we take to be this service's time zone (TZ), as HL7 v2 leaves it.
 */
export function parseDtm(text: string): number | null {
  const m = DTM.exec(text.trim());
  if (!m) return null;
  const [year, month, day, hour, minute] = [m[1], m[2], m[3], m[4], m[5]].map(Number) as [
    number,
    number,
    number,
    number,
    number,
  ];
  const second = m[6] ? Number(m[6]) : 0;
  const ms = m[7] ? Math.round(Number(`0.${m[7]}`) * 1000) : 0;
  if (month < 1 || month > 12 || day < 1 || day > 31 || hour > 23 || minute > 59 || second > 59) return null;
  let at: number;
  if (m[8]) {
    const sign = m[8].startsWith('-') ? -1 : 1;
    const offsetH = Number(m[8].slice(1, 3));
    const offsetM = Number(m[8].slice(3, 5));
    if (offsetH > 14 || offsetM > 59) return null;
    at = Date.UTC(year, month - 1, day, hour, minute, second, ms) - sign * (offsetH * 60 + offsetM) * 60_000;
  } else {
    at = new Date(year, month - 1, day, hour, minute, second, ms).getTime();
  }
  // Rejects 31 February and the like, which Date would roll over into March.
  const check = new Date(Date.UTC(year, month - 1, day));
  if (check.getUTCMonth() !== month - 1 || check.getUTCDate() !== day) return null;
  return at;
}

/** Now as an HL7 DTM in UTC, for the acknowledgements' MSH-7. */
export function formatDtm(ms: number): string {
  const iso = new Date(ms).toISOString(); // 2026-11-30T21:45:00.123Z
  return `${iso.slice(0, 4)}${iso.slice(5, 7)}${iso.slice(8, 10)}${iso.slice(11, 13)}${iso.slice(14, 16)}${iso.slice(17, 19)}+0000`;
}
