import { OPEN_PHASES, type Phase } from '#contracts';
import type { CsvSample } from '#vitals';
import { mulberry32 } from '#vitals';
import type { Measurements, SimulatedDevice } from './device.js';
import { SimulatedPatient } from './patient.js';
import { type Rest, RestError } from './rest.js';

export interface ChairOptions {
  name: string;
  siteId: string;
  protocolId: string;
  deviceId: string;
  device: SimulatedDevice;
  /** Staff who run the sessions: a clinician can also override a pre-dose gate and sign discharge off. */
  staff: Rest;
  staffPassword: string;
  /** Simulated seconds per real second (30: a 40-minute infusion takes 80 s). */
  speed: number;
  seed: number;
  /** Chance that a patient has the rare severe rise (SBP ≥ 180). */
  severeRate: number;
  baselineMinutes?: number;
  /**
   * Seconds to wait after the observation ends before the simulator records the recovery
   * observations and checklist and signs the discharge off itself (`null`: leave it to the staff).
   */
  autoDischargeAfterSeconds: number | null;
  /** Replay this recording (one patient) instead of the model. */
  recording?: { samples: CsvSample[]; infusionStartSeconds: number | null };
  /** A longer baseline for the first patient, so a clinic's chairs fall into different phases. */
  firstBaselineExtraSeconds?: number;
  log: (message: string) => void;
}

class Ended extends Error {}

/** Seconds of baseline data before an infusion start is tried: the gate's 60 s and a margin. */
const BASELINE_GATE_SECONDS = 65;

/**
 * One chair of a clinic, patient after patient: creates the session (as staff do), streams the
 * patient's vitals through the chair's device, starts the infusion when the baseline is in, ends
 * it after the infusion time, observes the recovery, and (optionally) discharges. A patient ends
 * early when staff discharge or abort the session.
 */
export class SimulatedChair {
  private stopped = false;
  private wake: (() => void) | null = null;
  private patients = 0;

  constructor(private readonly options: ChairOptions) {
    options.device.on('session', () => this.wake?.());
  }

  stop(): void {
    this.stopped = true;
    this.wake?.();
  }

  async run(): Promise<void> {
    const { options } = this;
    while (!this.stopped) {
      try {
        await this.onePatient();
      } catch (error) {
        if (this.stopped) return;
        options.log(`${options.name}: ${error instanceof Error ? error.message : String(error)}; next patient`);
      }
      if (options.recording) return;
      await this.sleep(10_000, () => false);
    }
  }

  private async onePatient(): Promise<void> {
    const { options } = this;
    const index = ++this.patients;
    const random = mulberry32(options.seed * 1_000_003 + index);
    const severe = random() < options.severeRate;
    const patientRef = `SIM-${options.name.replace(/\W+/g, '').toUpperCase()}-${String(index).padStart(3, '0')}`;
    const session = await this.openSession(patientRef);
    options.log(`${options.name}: ${patientRef} in baseline${severe ? ' (severe rise)' : ''}`);
    const open = () => !this.stopped && options.device.sessionId === session.id;
    const streaming = options.recording
      ? this.replay(session.id, open)
      : this.model(session.id, new SimulatedPatient({ seed: Math.floor(random() * 2 ** 31), severe }), open);
    try {
      await streaming;
    } catch (error) {
      if (!(error instanceof Ended)) throw error;
      options.log(`${options.name}: ${patientRef} ${this.stopped ? 'stopped' : 'closed by staff'}`);
    }
  }

  /** Streams the model: 1 reading per real second, a cuff every 3–5 simulated minutes. */
  private async model(sessionId: string, patient: SimulatedPatient, open: () => boolean): Promise<void> {
    const { options } = this;
    const speed = options.speed;
    let infusionStartedAt: number | null = null;
    let nextCuff = 0;
    const random = mulberry32(options.seed);
    const cuffInterval = () => Math.max(2, (180 + random() * 120) / speed) * 1000;
    // The baseline: its simulated minutes, and at least the 60 s of data the gate asks for, which it
    // measures on the readings' own times. Time compressed, that minute would be most of the run:
    // the monitor went on before the session was opened, and what it took in that time (up to
    // BASELINE_GATE_SECONDS, with two cuff readings) goes out at once; the service takes readings up
    // to 5 minutes older than their session.
    const extra = this.patients === 1 ? (options.firstBaselineExtraSeconds ?? 0) : 0;
    const baselineSeconds = ((options.baselineMinutes ?? 10) * 60) / speed + extra;
    const taken = speed > 1 ? Math.max(0, Math.ceil(BASELINE_GATE_SECONDS - baselineSeconds)) : 0;
    if (taken > 0) {
      const now = Date.now();
      options.device.sendTaken(
        Array.from({ length: taken }, (_, i) => ({
          measurements: patient.sample(null, speed, 1, i === 0 || i === Math.floor(taken / 2)),
          recordedAt: new Date(now - (taken - i) * 1000),
        })),
      );
      nextCuff = now + cuffInterval();
    }
    const timer = setInterval(() => {
      if (!open()) return;
      const now = Date.now();
      const minutes = infusionStartedAt === null ? null : ((now - infusionStartedAt) / 60_000) * speed;
      const cuff = now >= nextCuff;
      if (cuff) nextCuff = now + cuffInterval();
      options.device.send(patient.sample(minutes, speed, 1, cuff));
    }, 1000);
    try {
      await this.wait(Math.max(baselineSeconds, BASELINE_GATE_SECONDS - taken), open);
      infusionStartedAt = await this.startInfusion(sessionId, open);
      options.log(`${options.name}: infusion started`);
      await this.wait((patient.infusionMinutes * 60) / speed, open);
      await options.staff.post(`/sessions/${sessionId}/infusion-end`);
      options.log(`${options.name}: infusion ended, recovery`);
      await this.wait((patient.recoveryMinutes * 60) / speed, open);
      await this.discharge(sessionId, open);
    } finally {
      clearInterval(timer);
    }
  }

  /** Replays a recording at `speed`: a sample recorded at t s goes out t / speed s after the start. */
  private async replay(sessionId: string, open: () => boolean): Promise<void> {
    const { options } = this;
    const { samples, infusionStartSeconds } = options.recording!;
    const first = samples[0]?.tSeconds ?? 0;
    const started = Date.now();
    let infusing = false;
    for (const sample of samples) {
      const t = sample.tSeconds - first;
      await this.sleep(started + (t / options.speed) * 1000 - Date.now(), () => !open());
      if (!open()) throw new Ended();
      const values: Measurements = {};
      for (const key of ['hr', 'sbp', 'dbp', 'map', 'spo2', 'rr'] as const)
        if (sample[key] !== null) values[key] = sample[key];
      if (Object.keys(values).length > 0) options.device.send(values);
      const due =
        infusionStartSeconds === null ? t >= BASELINE_GATE_SECONDS * options.speed : t >= infusionStartSeconds;
      if (!infusing && due) infusing = await this.tryInfusionStart(sessionId);
    }
    options.log(`${options.name}: recording replayed (${samples.length} samples)`);
    if (infusing) {
      await options.staff.post(`/sessions/${sessionId}/infusion-end`);
      await this.discharge(sessionId, open);
    }
  }

  private async openSession(patientRef: string): Promise<{ id: string }> {
    const { options } = this;
    const body = {
      siteId: options.siteId,
      patientRef,
      chair: options.name,
      deviceId: options.deviceId,
      protocolId: options.protocolId,
      weightKg: 60 + Math.round(mulberry32(options.seed + this.patients)() * 40),
      plannedDoseMgPerKg: 0.5,
      seriesNumber: 1 + (this.patients % 6),
      consent: { obtainedAt: new Date(Date.now() - 15 * 60_000).toISOString(), witnessedBy: 'Simulator' },
    };
    const create = async () => {
      const session = await options.staff.post<{ id: string }>('/sessions', body);
      options.device.sessionId = session.id;
      return session;
    };
    try {
      return await create();
    } catch (error) {
      if (!(error instanceof RestError) || error.status !== 409) throw error;
    }
    // A session left open on this chair (the simulator stopped mid-patient): end it, start afresh.
    const open = await options.staff.get<{ id: string; deviceId: string | null; phase: Phase }[]>(
      `/sessions?siteId=${options.siteId}`,
    );
    for (const stale of open.filter((s) => s.deviceId === options.deviceId && OPEN_PHASES.includes(s.phase))) {
      await options.staff.post(`/sessions/${stale.id}/abort`, { reason: 'Simulated patient: the simulator restarted' });
    }
    return create();
  }

  /** Starts the infusion once the baseline is in; returns the time it started. */
  private async startInfusion(sessionId: string, open: () => boolean): Promise<number> {
    while (!(await this.tryInfusionStart(sessionId))) await this.wait(5, open);
    return Date.now();
  }

  private async tryInfusionStart(sessionId: string): Promise<boolean> {
    const { options } = this;
    try {
      await options.staff.post(`/sessions/${sessionId}/infusion-start`);
      return true;
    } catch (error) {
      if (!(error instanceof RestError) || error.status !== 422) throw error;
      if (error.blockers.includes('baseline_missing')) return false;
      // Pre-dose BP above the line: the simulated clinician overrides, as the protocol allows.
      await options.staff.post(`/sessions/${sessionId}/infusion-start`, {
        overrideReason: `Simulated patient: ${error.message}`,
      });
      return true;
    }
  }

  /** Recovery observations, the escort checklist and the clinician's sign-off, unless staff got there first. */
  private async discharge(sessionId: string, open: () => boolean): Promise<void> {
    const { options } = this;
    if (options.autoDischargeAfterSeconds === null) {
      await this.wait(Infinity, open); // until staff discharge the patient
      return;
    }
    await this.wait(options.autoDischargeAfterSeconds, open);
    const { staff } = options;
    await staff.post(`/sessions/${sessionId}/recovery-observations`, {
      observedAt: new Date().toISOString(),
      moaas: 5,
      oriented: true,
      steadyGait: true,
      nausea: 'none',
      pain: 1,
      notes: 'Simulated patient',
    });
    await staff.put(`/sessions/${sessionId}/discharge-checklist`, {
      escort: { name: 'Sam Escort', relationship: 'partner', phone: '+44 20 7946 0000' },
      escortPresentAt: new Date().toISOString(),
      noDrivingAcknowledged: true,
      instructionsGiven: true,
      belongingsReturned: true,
    });
    // A high alert still waiting refuses the signature: the simulated nurse answers it first, as a real one would.
    const alerts = await staff.get<{ id: string; severity: string; state: string }[]>(`/sessions/${sessionId}/alerts`);
    for (const alert of alerts.filter(
      (a) => a.severity === 'high' && (a.state === 'active' || a.state === 'cleared'),
    )) {
      // Refused only when someone acknowledged it in between: nothing left to do.
      await staff
        .post(`/alerts/${alert.id}/acknowledge`, { note: 'Simulated acknowledgement before discharge' })
        .catch(() => undefined);
    }
    const readiness = await staff.get<{ ready: boolean; blockers: string[] }>(
      `/sessions/${sessionId}/discharge-readiness`,
    );
    await staff.post(`/sessions/${sessionId}/discharge-signoff`, {
      password: options.staffPassword,
      meaning: readiness.ready ? 'discharge_approved' : 'discharge_approved_override',
      ...(readiness.ready
        ? {}
        : {
            overrideReason: `Simulated patient, time compressed ${options.speed}×: ${readiness.blockers.join(', ')} not met on the real clock`,
          }),
    });
    options.log(`${options.name}: discharged`);
  }

  /** Waits `seconds` of real time; throws `Ended` if the session closes or the chair stops. */
  private async wait(seconds: number, open: () => boolean): Promise<void> {
    await this.sleep(seconds * 1000, () => !open());
    if (!open()) throw new Ended();
  }

  private sleep(ms: number, interrupted: () => boolean): Promise<void> {
    return new Promise((resolve) => {
      if (ms <= 0 || this.stopped || interrupted()) return resolve();
      const done = () => {
        if (timer) clearTimeout(timer);
        this.wake = null;
        resolve();
      };
      const timer = Number.isFinite(ms) ? setTimeout(done, ms) : null;
      this.wake = () => {
        if (this.stopped || interrupted()) done();
      };
    });
  }
}
