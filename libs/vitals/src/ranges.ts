import type { Measurement } from '#contracts';

/** Accepted range of each measurement (inclusive), as in the device protocol. */
export const MEASUREMENT_RANGES: Record<Measurement, { min: number; max: number; unit: string }> = {
  hr: { min: 0, max: 300, unit: '/min' },
  sbp: { min: 0, max: 300, unit: 'mmHg' },
  dbp: { min: 0, max: 250, unit: 'mmHg' },
  map: { min: 0, max: 250, unit: 'mmHg' },
  spo2: { min: 0, max: 100, unit: '%' },
  rr: { min: 0, max: 100, unit: '/min' },
  temp: { min: 25, max: 45, unit: '°C' },
};

/** How far ahead of the server's clock a device's `recordedAt` may be. */
export const MAX_CLOCK_AHEAD_MS = 5 * 60 * 1000;
