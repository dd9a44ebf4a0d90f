import type { AlertSeverity, AlertState } from '#contracts';
import type { ProtocolRules } from './protocol.js';

export type Nausea = 'none' | 'mild' | 'moderate' | 'severe';

/** The newest recorded value of each item (an item nobody assessed is `null`, never a default). */
export interface RecoveryObservation {
  observedAtMs: number;
  moaas: number | null;
  oriented: boolean | null;
  steadyGait: boolean | null;
  nausea: Nausea | null;
  pain: number | null;
}

export interface DischargeChecklistFacts {
  escort: { name: string; relationship: string; phone: string } | null;
  escortPresentAtMs: number | null;
  noDrivingAcknowledged: boolean;
  instructionsGiven: boolean;
}

export interface ReadinessInput {
  rules: ProtocolRules;
  nowMs: number;
  infusionStartedAtMs: number | null;
  infusionEndedAtMs: number | null;
  baseline: { sbp: number | null; dbp: number | null; hr: number | null } | null;
  /** The newest usable (non-zero) value of each, from the stream. */
  latest: { sbp: number | null; dbp: number | null; hr: number | null; spo2: number | null };
  alerts: { state: AlertState; severity: AlertSeverity }[];
  observation: RecoveryObservation | null;
  checklist: DischargeChecklistFacts | null;
}

export const CRITERIA = [
  'min_observation',
  'vitals_near_baseline',
  'spo2_ok',
  'alert_free',
  'sedation_cleared',
  'oriented_and_steady',
  'nausea_controlled',
  'escort',
  'no_driving',
  'instructions_given',
] as const;
export type CriterionCode = (typeof CRITERIA)[number];

export interface Criterion {
  code: CriterionCode;
  met: boolean;
  detail: string;
}

export interface Readiness {
  ready: boolean;
  score: number;
  blockers: CriterionCode[];
  criteria: Criterion[];
}

const pct = (value: number, base: number) => Math.round(((value - base) / base) * 100);

function observation(input: ReadinessInput): Criterion {
  const { rules, nowMs, infusionStartedAtMs, infusionEndedAtMs } = input;
  const { minObservationMinutes, observeFrom } = rules.recovery;
  const from = observeFrom === 'dosing' ? infusionStartedAtMs : infusionEndedAtMs;
  const label = observeFrom === 'dosing' ? 'dosing' : 'the end of the infusion';
  if (from === null)
    return { code: 'min_observation', met: false, detail: `Not started: observation runs from ${label}` };
  const minutes = Math.max(0, Math.floor((nowMs - from) / 60_000));
  return {
    code: 'min_observation',
    met: minutes >= minObservationMinutes,
    detail: `${Math.min(minutes, 9999)} of ${minObservationMinutes} minutes observed since ${label}`,
  };
}

function vitals(input: ReadinessInput): Criterion {
  const band = input.rules.recovery.vitalsBandPct;
  const { baseline, latest } = input;
  if (!baseline) return { code: 'vitals_near_baseline', met: false, detail: 'No baseline to compare with' };
  const off: string[] = [];
  const missing: string[] = [];
  for (const [name, label] of [
    ['sbp', 'SBP'],
    ['dbp', 'DBP'],
    ['hr', 'HR'],
  ] as const) {
    const value = latest[name];
    const base = baseline[name];
    if (value === null || base === null) missing.push(label);
    else if (Math.abs(value - base) > (base * band) / 100) {
      off.push(
        `${label} ${value} is ${Math.abs(pct(value, base))}% ${value > base ? 'above' : 'below'} baseline ${base}`,
      );
    }
  }
  if (missing.length > 0)
    return { code: 'vitals_near_baseline', met: false, detail: `No recent ${missing.join(', ')}` };
  if (off.length > 0) return { code: 'vitals_near_baseline', met: false, detail: off.join('; ') };
  return { code: 'vitals_near_baseline', met: true, detail: `SBP, DBP and HR within ${band}% of baseline` };
}

function spo2(input: ReadinessInput): Criterion {
  const min = input.rules.recovery.minSpo2;
  const value = input.latest.spo2;
  if (value === null) return { code: 'spo2_ok', met: false, detail: 'No recent SpO2' };
  return { code: 'spo2_ok', met: value >= min, detail: `SpO2 ${value}% ${value >= min ? '≥' : '<'} ${min}%` };
}

function alertFree(input: ReadinessInput): Criterion {
  const open = input.alerts.filter((a) => a.state === 'active' || a.state === 'cleared');
  const highUnacknowledged = input.alerts.filter(
    (a) => a.severity === 'high' && (a.state === 'active' || a.state === 'cleared'),
  );
  if (open.length === 0) return { code: 'alert_free', met: true, detail: 'No active or unacknowledged alert' };
  const parts = [`${open.length} alert${open.length > 1 ? 's' : ''} active or latched`];
  if (highUnacknowledged.length > 0) parts.push(`${highUnacknowledged.length} high and unacknowledged`);
  return { code: 'alert_free', met: false, detail: parts.join(', ') };
}

function fromObservation(input: ReadinessInput): Criterion[] {
  const o = input.observation;
  if (!o) {
    const none = 'No recovery observation recorded';
    return [
      { code: 'sedation_cleared', met: false, detail: none },
      { code: 'oriented_and_steady', met: false, detail: none },
      { code: 'nausea_controlled', met: false, detail: none },
    ];
  }
  const steady = [
    o.oriented === null ? 'orientation not assessed' : o.oriented ? 'oriented' : 'not oriented',
    o.steadyGait === null ? 'gait not assessed' : o.steadyGait ? 'steady gait' : 'unsteady gait',
  ].join(', ');
  return [
    {
      code: 'sedation_cleared',
      met: o.moaas === 5,
      detail: o.moaas === null ? 'MOAA/S not assessed' : `MOAA/S ${o.moaas}${o.moaas === 5 ? '' : ' (needs 5)'}`,
    },
    { code: 'oriented_and_steady', met: o.oriented === true && o.steadyGait === true, detail: steady },
    {
      code: 'nausea_controlled',
      met: o.nausea === 'none' || o.nausea === 'mild',
      detail: o.nausea === null ? 'Nausea not assessed' : `Nausea ${o.nausea}`,
    },
  ];
}

function fromChecklist(input: ReadinessInput): Criterion[] {
  const c = input.checklist;
  const escort = !c?.escort
    ? { met: false, detail: 'No escort named' }
    : c.escortPresentAtMs === null
      ? { met: false, detail: `${c.escort.name} (${c.escort.relationship}) named, not yet confirmed present` }
      : { met: true, detail: `${c.escort.name} (${c.escort.relationship}) present` };
  return [
    { code: 'escort', ...escort },
    {
      code: 'no_driving',
      met: !!c?.noDrivingAcknowledged,
      detail: c?.noDrivingAcknowledged
        ? 'Patient acknowledged: no driving until the next day'
        : 'No-driving not acknowledged',
    },
    {
      code: 'instructions_given',
      met: !!c?.instructionsGiven,
      detail: c?.instructionsGiven ? 'Discharge instructions given' : 'Instructions not given',
    },
  ];
}

/**
 * A PADSS-style score (0–10) from the same facts, for display: vital signs (2 within the band, 1
 * within twice the band), ambulation (2 steady), nausea (2 none/mild, 1 moderate), pain (2 at 0–3, 1 at 4–6),
 * and sedation in place of surgical bleeding (2 at MOAA/S 5, 1 at 4).
 */
export function padssScore(input: ReadinessInput): number {
  const band = input.rules.recovery.vitalsBandPct;
  const { baseline, latest } = input;
  let vitalsPoints = 0;
  if (baseline) {
    const worst = (['sbp', 'dbp', 'hr'] as const).reduce((max, name) => {
      const value = latest[name];
      const base = baseline[name];
      return value === null || base === null ? Infinity : Math.max(max, Math.abs(pct(value, base)));
    }, 0);
    vitalsPoints = worst <= band ? 2 : worst <= band * 2 ? 1 : 0;
  }
  const o = input.observation;
  if (!o) return vitalsPoints;
  // An item nobody assessed scores nothing: the score never credits what was not seen.
  const nausea = o.nausea === 'none' || o.nausea === 'mild' ? 2 : o.nausea === 'moderate' ? 1 : 0;
  const pain = o.pain === null ? 0 : o.pain <= 3 ? 2 : o.pain <= 6 ? 1 : 0;
  const sedation = o.moaas === 5 ? 2 : o.moaas === 4 ? 1 : 0;
  return vitalsPoints + (o.steadyGait === true ? 2 : 0) + nausea + pain + sedation;
}

/** Every discharge criterion with its code, whether it is met and why, the score, and `ready`. Pure. */
export function dischargeReadiness(input: ReadinessInput): Readiness {
  const criteria = [
    observation(input),
    vitals(input),
    spo2(input),
    alertFree(input),
    ...fromObservation(input),
    ...fromChecklist(input),
  ];
  const blockers = criteria.filter((c) => !c.met).map((c) => c.code);
  return { ready: blockers.length === 0, score: padssScore(input), blockers, criteria };
}
