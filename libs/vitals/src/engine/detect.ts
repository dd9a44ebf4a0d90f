import type { AlertKind } from '#contracts';
import type { ValidReading } from '../reading.js';
import { endEpisode, openAlert, updatePeak, upgrade } from './alerts.js';
import { belowFinding, bpFinding, cuffImplausibility, hitFor, hrRiseFinding, present, type Finding } from './rules.js';
import { cuffDueMs, stepSensors } from './sensors.js';
import { gapDueMs, stepSignal } from './signal.js';
import { episodeOf, type EngineState } from './state.js';
import { stepCuff, stepPersist, type PersistState, type Verdict } from './trackers.js';
import type { AlertEvent, AlertValues, BaselineValues } from './types.js';

const baselineValues = (state: EngineState): BaselineValues | null =>
  state.baseline && {
    sbp: state.baseline.sbp,
    dbp: state.baseline.dbp,
    hr: state.baseline.hr,
    spo2: state.baseline.spo2,
  };

/** Worst values so far: the highest for rises, the lowest for lows. Null when nothing got worse. */
function worsePeak(previous: AlertValues | null, sample: AlertValues, direction: 'max' | 'min'): AlertValues | null {
  const next: AlertValues = { ...previous };
  let worse = false;
  for (const [key, value] of Object.entries(sample)) {
    if (typeof value !== 'number') continue;
    const old = next[key];
    if (typeof old !== 'number' || (direction === 'max' ? value > old : value < old)) {
      next[key] = value;
      worse = true;
    }
  }
  return worse ? next : null;
}

/** Applies one tracker verdict to the kind's episode: open, upgrade, new peak, end. */
function settle(
  state: EngineState,
  kind: AlertKind,
  atMs: number,
  verdict: Verdict,
  finding: Finding,
  sample: AlertValues,
  direction: 'max' | 'min',
  suffix: string,
  events: AlertEvent[],
): void {
  const open = episodeOf(state, kind);
  if (!open) {
    if (verdict.met === 0) return;
    const hit = hitFor(finding, verdict.met);
    const severity = verdict.met === 2 ? 'high' : 'medium';
    const opened = openAlert(kind, severity, atMs, baselineValues(state), hit.values, hit.text + suffix, sample);
    state.alerts.push(opened.open);
    events.push(opened.event);
    return;
  }
  // Only samples beyond the medium limit count towards the peak of a rise or a low.
  const peak = finding.level >= 1 ? worsePeak(open.alert.peak, sample, direction) : null;
  if (verdict.met === 2 && open.alert.severity !== 'high') {
    const hit = hitFor(finding, 2);
    events.push(upgrade(open, atMs, hit.values, hit.text + suffix, peak ?? open.alert.peak));
  } else if (peak) {
    events.push(updatePeak(open, atMs, peak));
  }
  if (verdict.endedAtMs !== null) events.push(endEpisode(open, atMs, verdict.endedAtMs));
}

/** One reading in `infusing` or `recovery`, through every rule, in a fixed order. */
export function detectReading(state: EngineState, r: ValidReading): AlertEvent[] {
  const events: AlertEvent[] = [];
  const { rules } = state;
  const t = r.recordedAtMs;
  const clearMs = rules.episode.clearSeconds * 1000;
  const base = baselineValues(state);
  const continuous = (
    kind: AlertKind,
    tracker: PersistState,
    finding: Finding,
    persistSeconds: number,
    sample: AlertValues,
    direction: 'max' | 'min',
  ) => {
    const verdict = stepPersist(tracker, t, finding.level, persistSeconds * 1000, clearMs, !!episodeOf(state, kind));
    settle(state, kind, t, verdict, finding, sample, direction, ` for ${persistSeconds} s`, events);
  };

  const bp = bpFinding(r.sbp, r.dbp, base, rules.bpRise);
  if (bp) {
    const overdue = episodeOf(state, 'bp_overdue');
    if (overdue) events.push(endEpisode(overdue, t, t));
    const verdict = stepCuff(state.cuff, t, bp.level, rules.bpRise.confirmReadings, !!episodeOf(state, 'bp_rise'));
    const sample = { sbp: present(r.sbp), dbp: present(r.dbp) };
    // An implausible reading that meets a tier is held: it cannot open, upgrade, peak or end an episode
    // on its own. The next cuff reading confirms it when it also meets a tier, plausible or not (two
    // consecutive readings beyond the limit are not one artefact; isolated systolic hypertension gives
    // pulse pressures over 100 on real surges). It then settles at its own tier, with the held reading
    // in the peak when that tier is at least the held one. Otherwise the held reading is dropped.
    const implausible = rules.bpRise.bpPlausibility === true && cuffImplausibility(r.sbp, r.dbp, r.map) !== null;
    const held = state.cuff.held ?? null;
    const confirms = held !== null && bp.level >= 1;
    state.cuff.held = implausible && bp.level >= 1 ? { level: bp.level, sample } : null;
    if (!implausible || confirms) {
      const worst =
        confirms && bp.level >= held.level ? (worsePeak(held.sample, sample, 'max') ?? held.sample) : sample;
      settle(state, 'bp_rise', t, verdict, bp, worst, 'max', '', events);
    }
  }
  const hr = present(r.hr);
  if (hr !== null) {
    continuous(
      'hr_rise',
      state.hrRise,
      hrRiseFinding(hr, base?.hr ?? null, rules.hrRise),
      rules.hrRise.persistSeconds,
      { hr },
      'max',
    );
    continuous(
      'hr_low',
      state.hrLow,
      belowFinding('HR', 'hr', hr, rules.hrLow),
      rules.hrLow.persistSeconds,
      { hr },
      'min',
    );
  }
  const spo2 = present(r.spo2);
  if (spo2 !== null) {
    const finding = belowFinding('SpO2', 'spo2', spo2, rules.spo2Low);
    continuous('spo2_low', state.spo2Low, finding, rules.spo2Low.persistSeconds, { spo2 }, 'min');
  }
  if (state.phase === 'infusing') detectSignalLoss(state, r, events);
  detectSensorLoss(state, r, events);
  return events;
}

const SENSOR_TEXT = {
  hr_signal_lost: (s: number) => `No heart rate for ${s} s while SpO2 arrives (check the ECG leads)`,
  spo2_signal_lost: (s: number) => `No SpO2 for ${s} s while heart rate arrives (check the probe)`,
};

function detectSensorLoss(state: EngineState, r: ValidReading, events: AlertEvent[]): void {
  const verdicts = stepSensors(state.sensors, r, state.rules, (kind) => !!episodeOf(state, kind));
  for (const { kind, lost, endedAtMs } of verdicts) {
    const open = episodeOf(state, kind);
    if (!open && lost) {
      const seconds = state.rules.signalLost.sensorSeconds!;
      const trigger = { reason: 'no_signal', seconds };
      const opened = openAlert(
        kind,
        'medium',
        r.recordedAtMs,
        baselineValues(state),
        trigger,
        SENSOR_TEXT[kind](seconds),
        null,
      );
      state.alerts.push(opened.open);
      events.push(opened.event);
    }
    if (open && endedAtMs !== null) events.push(endEpisode(open, r.recordedAtMs, endedAtMs));
  }
}

/** bp_overdue, checked whenever the clock moves while infusing (see sensors.ts). */
export function detectCuffOverdue(state: EngineState, events: AlertEvent[]): void {
  const due = cuffDueMs(state.sensors, state.rules);
  if (due === null || state.clockMs === null || state.clockMs <= due) return;
  if (episodeOf(state, 'bp_overdue')) return;
  const minutes = state.rules.signalLost.cuffIntervalMinutes!;
  const trigger = { reason: 'no_cuff_reading', minutes: 2 * minutes };
  const message = `No cuff reading for ${2 * minutes} min (cuff every ${minutes} min)`;
  const opened = openAlert('bp_overdue', 'medium', due, baselineValues(state), trigger, message, null);
  state.alerts.push(opened.open);
  events.push(opened.event);
}

function detectSignalLoss(state: EngineState, r: ValidReading, events: AlertEvent[]): void {
  const open = episodeOf(state, 'signal_lost');
  const { met, endedAtMs } = stepSignal(state.signal, r, state.rules, !!open);
  if (!open && met) {
    const seconds = state.rules.signalLost.zeroSeconds;
    const trigger = { reason: met, hr: 0, spo2: 0, seconds };
    const opened = openAlert(
      'signal_lost',
      'medium',
      r.recordedAtMs,
      baselineValues(state),
      trigger,
      `HR 0 and SpO2 0 for ${seconds} s (no signal)`,
      null,
    );
    state.alerts.push(opened.open);
    events.push(opened.event);
  }
  if (open && endedAtMs !== null) events.push(endEpisode(open, r.recordedAtMs, endedAtMs));
}

/** The gap clause of signal_lost, checked whenever the clock moves (see signal.ts). */
export function detectGap(state: EngineState, events: AlertEvent[]): void {
  const due = gapDueMs(state.signal, state.rules.signalLost);
  if (due === null || state.clockMs === null || state.clockMs <= due) return;
  state.signal.goodSinceMs = null;
  if (episodeOf(state, 'signal_lost')) return;
  const seconds = state.rules.signalLost.noReadingSeconds;
  const trigger = { reason: 'no_reading', seconds };
  const opened = openAlert(
    'signal_lost',
    'medium',
    due,
    baselineValues(state),
    trigger,
    `No reading for ${seconds} s`,
    null,
  );
  state.alerts.push(opened.open);
  events.push(opened.event);
}
