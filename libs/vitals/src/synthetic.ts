import type { Phase } from '#contracts';
import type { EngineInput } from './engine/types.js';
import type { ValidReading } from './reading.js';

/**
 * Synthetic IV ketamine sessions for tests, demos and benchmarks. Deterministic: the same seed gives
 * the same session. The shape follows the published sizes in CLINICAL.md: a transient rise peaking
 * about +16/+11 mmHg and HR +4..+8 at the end of a 40-minute infusion, back to baseline 60–90 min
 * later. `severe` is the rare (~1%) severe case: SBP peaking at or above 180.
 */

/** mulberry32: a small, fast, seedable PRNG returning numbers in [0, 1). */
export function mulberry32(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

export interface SyntheticOptions {
  seed: number;
  severe?: boolean;
  /** Seconds between HR/SpO2 samples: 1 as a monitor sends them, 5 for speed. */
  intervalSeconds?: number;
  startMs?: number;
  baselineMinutes?: number;
  infusionMinutes?: number;
  /** Observation after the infusion; default 60–90 min, drawn from the seed. */
  recoveryMinutes?: number;
  /** Rare single-sample glitches (probe off for one sample, one spurious HR value). Default true. */
  artefacts?: boolean;
}

export interface SyntheticSession {
  readings: ValidReading[];
  phases: { phase: Phase; atMs: number }[];
  /** Readings and phase changes merged in time order (a phase change before readings at its time). */
  inputs: EngineInput[];
  /** The patient's true resting values and the true peak rise, before measurement noise. */
  patient: { sbp: number; dbp: number; hr: number; spo2: number };
  rise: { sbp: number; dbp: number; hr: number };
}

const clamp = (x: number, lo: number, hi: number) => Math.min(hi, Math.max(lo, x));

/** A seeded source of uniform and normal draws. */
export interface Draws {
  uniform: (lo: number, hi: number) => number;
  gauss: (mean: number, sd: number) => number;
}

export function draws(random: () => number): Draws {
  return {
    uniform: (lo, hi) => lo + (hi - lo) * random(),
    gauss: (mean, sd) => mean + sd * Math.sqrt(-2 * Math.log(1 - random())) * Math.cos(2 * Math.PI * random()),
  };
}

/** A patient's true resting values and the peak of their ketamine rise (before measurement noise). */
export function drawPatient({ uniform, gauss }: Draws, severe: boolean): Pick<SyntheticSession, 'patient' | 'rise'> {
  // Resting values of a patient who passes the pre-dose gate (≤ 140/90).
  const sbp = clamp(gauss(124, 8), 104, 136);
  const dbp = clamp(gauss(76, 5), 62, Math.min(84, sbp - 30));
  const hr = clamp(gauss(72, 8), 56, 94);
  const spo2 = uniform(96, 99);
  // Typical rises stay below the severe lines (+40%, 180/110) even with cuff noise and a baseline
  // measured a little low; the severe case goes clearly beyond 180 for several cuff readings.
  const rise = severe
    ? { sbp: (uniform(184, 205) - sbp) / 0.95, dbp: clamp(gauss(30, 5), 20, 40), hr: uniform(12, 25) }
    : {
        sbp: clamp(gauss(16, 5), 4, Math.min(26, 0.4 * sbp - 18, 180 - 8 - sbp)),
        dbp: clamp(gauss(11, 3.5), 2, Math.min(17, 0.4 * dbp - 14, 110 - 7 - dbp)),
        hr: uniform(4, 8),
      };
  return { patient: { sbp, dbp, hr, spo2 }, rise };
}

/**
 * The share of the peak rise present `minutes` after the infusion started (0 before it): rising to
 * 1 at its end, then decaying to about 1% by the end of the observation.
 */
export function riseEffect(minutes: number, infusionMinutes: number, recoveryMinutes: number): number {
  if (minutes <= 0) return 0;
  if (minutes <= infusionMinutes) return 1 - (1 - minutes / infusionMinutes) ** 2;
  const tau = recoveryMinutes / 4.5; // e^-4.5 ≈ 1%: back to baseline by the end of the observation
  return Math.exp(-(minutes - infusionMinutes) / tau);
}

export function syntheticSession(options: SyntheticOptions): SyntheticSession {
  const random = mulberry32(options.seed);
  const draw = draws(random);
  const { uniform, gauss } = draw;
  const interval = options.intervalSeconds ?? 1;
  const start = options.startMs ?? Date.UTC(2026, 0, 5, 9, 0, 0);
  const baselineMin = options.baselineMinutes ?? 10;
  const infusionMin = options.infusionMinutes ?? 40;
  const recoveryMin = options.recoveryMinutes ?? Math.round(uniform(60, 90));
  const { patient, rise } = drawPatient(draw, options.severe ?? false);
  const { sbp, dbp, hr, spo2 } = patient;
  const effect = (minutes: number) => riseEffect(minutes - baselineMin, infusionMin, recoveryMin);

  const endSeconds = (baselineMin + infusionMin + recoveryMin) * 60;
  const phi = 0.95 ** interval; // beat-to-beat HR wander: AR(1), stationary SD 2/min
  let hrNoise = 0;
  let spo2Noise = 0;
  let nextCuff = 30;
  const readings: ValidReading[] = [];
  for (let t = 0; t <= endSeconds; t += interval) {
    const e = effect(t / 60);
    hrNoise = phi * hrNoise + gauss(0, 2 * Math.sqrt(1 - phi * phi));
    spo2Noise = 0.9 * spo2Noise + gauss(0, 0.6 * Math.sqrt(1 - 0.81));
    const reading: ValidReading = {
      seq: readings.length,
      recordedAtMs: start + t * 1000,
      hr: Math.round(hr + rise.hr * e + clamp(hrNoise, -6, 6)),
      sbp: null,
      dbp: null,
      map: null,
      spo2: Math.min(100, Math.round(spo2 + clamp(spo2Noise, -3, 1.5))),
      rr: Math.round(clamp(gauss(14, 1.5), 8, 22)),
      temp: null,
    };
    if (t >= nextCuff) {
      const s = Math.round(sbp + rise.sbp * e + clamp(gauss(0, 3), -6, 6));
      const d = Math.round(dbp + rise.dbp * e + clamp(gauss(0, 2), -5, 5));
      Object.assign(reading, { sbp: s, dbp: d, map: Math.round(d + (s - d) / 3) });
      nextCuff = t + Math.round(uniform(180, 300) / interval) * interval;
    }
    if ((options.artefacts ?? true) && random() < interval / 3000) {
      if (random() < 0.5) Object.assign(reading, { hr: 0, spo2: 0 });
      else reading.hr = Math.round(reading.hr! * 1.6);
    }
    readings.push(reading);
  }

  const at = (minutes: number) => start + minutes * 60_000;
  const phases: SyntheticSession['phases'] = [
    { phase: 'infusing', atMs: at(baselineMin) },
    { phase: 'recovery', atMs: at(baselineMin + infusionMin) },
    { phase: 'discharged', atMs: start + endSeconds * 1000 },
  ];
  return { readings, phases, inputs: mergeInputs(readings, phases), patient: { sbp, dbp, hr, spo2 }, rise };
}

/** Readings and phase changes as one input stream, in time order; a phase change goes first at a tie. */
export function mergeInputs(
  readings: readonly ValidReading[],
  phases: readonly { phase: Phase; atMs: number }[],
): EngineInput[] {
  const inputs: EngineInput[] = [];
  let p = 0;
  for (const reading of readings) {
    while (p < phases.length && phases[p]!.atMs <= reading.recordedAtMs)
      inputs.push({ type: 'phase', ...phases[p++]! });
    inputs.push({ type: 'reading', reading });
  }
  while (p < phases.length) inputs.push({ type: 'phase', ...phases[p++]! });
  return inputs;
}
