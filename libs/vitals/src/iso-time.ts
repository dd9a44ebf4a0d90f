// ISO 8601 date-time in the extended format with an explicit offset (Z or ±hh:mm), as the contract
// requires. The basic format (`20260101T000000Z`), a date alone and a time without an offset are
// refused: JavaScript and PostgreSQL read them differently, or not at all.
const ISO_WITH_OFFSET = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d{1,9})?(Z|[+-]\d{2}:\d{2})$/;
const MAX_LENGTH = 40;
const DAYS_IN_MONTH = [31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31];

/**
 * `Date.parse` rolls impossible dates over (2026-02-30 becomes 2026-03-02, 24:00 the next day): a
 * client sending one has a broken clock, so it is refused rather than stored under another time.
 */
function isCalendarDateTime(iso: string): boolean {
  const [year, month, day, hour] = [iso.slice(0, 4), iso.slice(5, 7), iso.slice(8, 10), iso.slice(11, 13)].map(Number);
  if (month < 1 || month > 12 || day < 1 || hour > 23) return false;
  const leap = year % 4 === 0 && (year % 100 !== 0 || year % 400 === 0);
  return day <= (month === 2 && leap ? 29 : (DAYS_IN_MONTH[month - 1] ?? 0));
}

/** Whether `text` has the shape of an ISO 8601 date-time with an offset (not yet whether it exists). */
export const isIsoDateTimeShape = (text: unknown): text is string =>
  typeof text === 'string' && text.length <= MAX_LENGTH && ISO_WITH_OFFSET.test(text);

/**
 * The one check of a date-time the service accepts, everywhere (device readings, query ranges,
 * clinical times): milliseconds since the epoch, or `null` when it is not a real ISO 8601 date-time
 * with an offset.
 */
export function parseIsoDateTime(text: unknown): number | null {
  if (!isIsoDateTimeShape(text)) return null;
  const ms = Date.parse(text);
  return Number.isFinite(ms) && isCalendarDateTime(text) ? ms : null;
}
