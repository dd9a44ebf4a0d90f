import { draws, drawPatient, mulberry32, riseEffect, type Draws, type SyntheticSession } from '#vitals';
import type { Measurements } from './device.js';

const clamp = (x: number, lo: number, hi: number) => Math.min(hi, Math.max(lo, x));

export interface PatientOptions {
  seed: number;
  severe: boolean;
  infusionMinutes?: number;
  recoveryMinutes?: number;
  /** Zeros, single spikes and probe-off spells, as a real monitor sends them. Default true. */
  artefacts?: boolean;
}

/**
 * A simulated patient streamed live: the same physiology as the synthetic sessions of the detection
 * tests (libs/vitals/src/synthetic.ts: resting values, a transient rise peaking at the end of the
 * infusion, decay over the observation), sampled at whatever simulated interval the chair runs at.
 * Measurement noise is an AR(1) process per signal, so a time-compressed run still looks like a
 * monitor and not like white noise.
 */
export class SimulatedPatient {
  readonly patient: SyntheticSession['patient'];
  readonly rise: SyntheticSession['rise'];
  readonly infusionMinutes: number;
  readonly recoveryMinutes: number;
  private readonly draw: Draws;
  private readonly artefacts: boolean;
  private hrNoise = 0;
  private spo2Noise = 0;
  /** Seconds of probe-off left (HR and SpO2 read 0, as monitors send "no signal"). */
  private probeOff = 0;

  constructor(options: PatientOptions) {
    this.draw = draws(mulberry32(options.seed));
    this.infusionMinutes = options.infusionMinutes ?? 40;
    this.recoveryMinutes = options.recoveryMinutes ?? Math.round(this.draw.uniform(60, 90));
    ({ patient: this.patient, rise: this.rise } = drawPatient(this.draw, options.severe));
    this.artefacts = options.artefacts ?? true;
  }

  /** The share of the peak rise present at `minutes` after the infusion started (`null`: not started). */
  effect(minutes: number | null): number {
    return minutes === null ? 0 : riseEffect(minutes, this.infusionMinutes, this.recoveryMinutes);
  }

  /**
   * The monitor's continuous values (HR, SpO2, RR) `stepSeconds` of simulated time after the last
   * sample, `realSeconds` after it on the wall clock (artefacts last real seconds, like a probe that
   * slipped off), plus a cuff reading when `cuff` is set.
   */
  sample(minutes: number | null, stepSeconds: number, realSeconds: number, cuff: boolean): Measurements {
    const { gauss, uniform } = this.draw;
    const e = this.effect(minutes);
    const phi = 0.95 ** stepSeconds; // beat-to-beat HR wander: stationary SD 2/min
    this.hrNoise = phi * this.hrNoise + gauss(0, 2 * Math.sqrt(1 - phi * phi));
    const psi = 0.9 ** Math.min(stepSeconds, 30);
    this.spo2Noise = psi * this.spo2Noise + gauss(0, 0.6 * Math.sqrt(1 - psi * psi));
    const values: Measurements = {
      hr: Math.round(this.patient.hr + this.rise.hr * e + clamp(this.hrNoise, -6, 6)),
      spo2: Math.min(100, Math.round(this.patient.spo2 + clamp(this.spo2Noise, -3, 1.5))),
      rr: Math.round(clamp(gauss(14, 1.5), 8, 22)),
    };
    if (cuff) {
      const sbp = Math.round(this.patient.sbp + this.rise.sbp * e + clamp(gauss(0, 3), -6, 6));
      const dbp = Math.round(this.patient.dbp + this.rise.dbp * e + clamp(gauss(0, 2), -5, 5));
      Object.assign(values, { sbp, dbp, map: Math.round(dbp + (sbp - dbp) / 3) });
    }
    if (!this.artefacts) return values;
    if (this.probeOff > 0) {
      this.probeOff -= realSeconds;
      return { ...values, hr: 0, spo2: 0 };
    }
    const chance = uniform(0, 1);
    // Per real second: a single zero or spike about every 5 minutes, a probe-off spell about every 20.
    if (chance < realSeconds / 1200) {
      this.probeOff = Math.round(uniform(4, 25));
      return { ...values, hr: 0, spo2: 0 };
    }
    if (chance < realSeconds / 600) return { ...values, hr: 0, spo2: 0 };
    if (chance < realSeconds / 300) return { ...values, hr: Math.round(values.hr! * 1.6) };
    return values;
  }
}
