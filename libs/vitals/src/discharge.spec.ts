import { dischargeReadiness, padssScore, type ReadinessInput } from './discharge.js';
import { DEFAULT_INTRANASAL_RULES, DEFAULT_IV_RULES } from './protocol.js';

const END = Date.UTC(2026, 0, 5, 10, 0, 0);
const min = (m: number) => m * 60_000;

function ready(): ReadinessInput {
  return {
    rules: DEFAULT_IV_RULES,
    nowMs: END + min(61),
    infusionStartedAtMs: END - min(40),
    infusionEndedAtMs: END,
    baseline: { sbp: 122, dbp: 78, hr: 70 },
    latest: { sbp: 130, dbp: 80, hr: 74, spo2: 97 },
    alerts: [{ state: 'resolved', severity: 'high' }],
    observation: { observedAtMs: END + min(55), moaas: 5, oriented: true, steadyGait: true, nausea: 'mild', pain: 2 },
    checklist: {
      escort: { name: 'Ann Lee', relationship: 'sister', phone: '+44 7700 900123' },
      escortPresentAtMs: END + min(58),
      noDrivingAcknowledged: true,
      instructionsGiven: true,
    },
  };
}

const criterion = (input: ReadinessInput, code: string) =>
  dischargeReadiness(input).criteria.find((c) => c.code === code)!;

describe('dischargeReadiness', () => {
  it('is ready when every criterion is met, with a full score', () => {
    expect(dischargeReadiness(ready())).toMatchObject({ ready: true, blockers: [], score: 10 });
    expect(dischargeReadiness(ready()).criteria.map((c) => c.code)).toEqual([
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
    ]);
  });

  it('meets no criterion and scores nothing for an item nobody assessed', () => {
    const input: ReadinessInput = {
      ...ready(),
      observation: {
        observedAtMs: END + min(55),
        moaas: null,
        oriented: true,
        steadyGait: null,
        nausea: null,
        pain: null,
      },
    };
    expect(criterion(input, 'sedation_cleared')).toMatchObject({ met: false, detail: 'MOAA/S not assessed' });
    expect(criterion(input, 'oriented_and_steady')).toMatchObject({
      met: false,
      detail: 'oriented, gait not assessed',
    });
    expect(criterion(input, 'nausea_controlled')).toMatchObject({ met: false, detail: 'Nausea not assessed' });
    expect(padssScore(input)).toBe(2);
  });

  it('counts observation minutes from the end of an IV infusion, and from dosing for intranasal', () => {
    expect(criterion({ ...ready(), nowMs: END + min(42) }, 'min_observation')).toEqual({
      code: 'min_observation',
      met: false,
      detail: '42 of 60 minutes observed since the end of the infusion',
    });
    expect(criterion({ ...ready(), nowMs: END + min(60) }, 'min_observation').met).toBe(true);
    const nasal = { ...ready(), rules: DEFAULT_INTRANASAL_RULES, nowMs: END + min(79) };
    expect(criterion(nasal, 'min_observation')).toMatchObject({
      met: false,
      detail: '119 of 120 minutes observed since dosing',
    });
    expect(criterion({ ...nasal, nowMs: END + min(80) }, 'min_observation').met).toBe(true);
    expect(criterion({ ...ready(), infusionEndedAtMs: null }, 'min_observation').met).toBe(false);
  });

  it('compares the latest SBP, DBP and HR with the baseline, 20% either way', () => {
    expect(criterion({ ...ready(), latest: { ...ready().latest, sbp: 151 } }, 'vitals_near_baseline')).toEqual({
      code: 'vitals_near_baseline',
      met: false,
      detail: 'SBP 151 is 24% above baseline 122',
    });
    expect(criterion({ ...ready(), latest: { ...ready().latest, hr: 84 } }, 'vitals_near_baseline').met).toBe(true);
    expect(criterion({ ...ready(), latest: { ...ready().latest, hr: 55 } }, 'vitals_near_baseline').detail).toBe(
      'HR 55 is 21% below baseline 70',
    );
    expect(criterion({ ...ready(), latest: { ...ready().latest, dbp: null } }, 'vitals_near_baseline').detail).toBe(
      'No recent DBP',
    );
    expect(criterion({ ...ready(), baseline: null }, 'vitals_near_baseline').met).toBe(false);
  });

  it('needs SpO2 ≥ 92', () => {
    expect(criterion({ ...ready(), latest: { ...ready().latest, spo2: 92 } }, 'spo2_ok').met).toBe(true);
    expect(criterion({ ...ready(), latest: { ...ready().latest, spo2: 91 } }, 'spo2_ok')).toMatchObject({
      met: false,
      detail: 'SpO2 91% < 92%',
    });
  });

  it('is blocked by an active alert or a latched unacknowledged high alert, not by acknowledged or resolved ones', () => {
    expect(criterion({ ...ready(), alerts: [{ state: 'active', severity: 'medium' }] }, 'alert_free').met).toBe(false);
    expect(criterion({ ...ready(), alerts: [{ state: 'cleared', severity: 'high' }] }, 'alert_free')).toMatchObject({
      met: false,
      detail: '1 alert active or latched, 1 high and unacknowledged',
    });
    expect(criterion({ ...ready(), alerts: [{ state: 'acknowledged', severity: 'high' }] }, 'alert_free').met).toBe(
      true,
    );
  });

  it('reads sedation, orientation, gait and nausea from the latest observation', () => {
    const o = ready().observation!;
    expect(criterion({ ...ready(), observation: { ...o, moaas: 4 } }, 'sedation_cleared')).toMatchObject({
      met: false,
      detail: 'MOAA/S 4 (needs 5)',
    });
    expect(criterion({ ...ready(), observation: { ...o, steadyGait: false } }, 'oriented_and_steady').met).toBe(false);
    expect(criterion({ ...ready(), observation: { ...o, oriented: false } }, 'oriented_and_steady').met).toBe(false);
    expect(criterion({ ...ready(), observation: { ...o, nausea: 'moderate' } }, 'nausea_controlled').met).toBe(false);
    expect(criterion({ ...ready(), observation: { ...o, nausea: 'severe' } }, 'nausea_controlled').met).toBe(false);
    expect(dischargeReadiness({ ...ready(), observation: null }).blockers).toEqual([
      'sedation_cleared',
      'oriented_and_steady',
      'nausea_controlled',
    ]);
  });

  it('needs an escort named and confirmed present, no driving acknowledged, instructions given', () => {
    const c = ready().checklist!;
    expect(criterion({ ...ready(), checklist: { ...c, escortPresentAtMs: null } }, 'escort')).toMatchObject({
      met: false,
      detail: 'Ann Lee (sister) named, not yet confirmed present',
    });
    expect(criterion({ ...ready(), checklist: { ...c, escort: null } }, 'escort').met).toBe(false);
    expect(dischargeReadiness({ ...ready(), checklist: null }).blockers).toEqual([
      'escort',
      'no_driving',
      'instructions_given',
    ]);
  });
});

describe('padssScore', () => {
  it('scores each item 0–2', () => {
    const o = ready().observation!;
    expect(
      padssScore({ ...ready(), observation: { ...o, pain: 5, nausea: 'moderate', moaas: 4, steadyGait: false } }),
    ).toBe(2 + 0 + 1 + 1 + 1);
    expect(padssScore({ ...ready(), latest: { ...ready().latest, sbp: 160 } })).toBe(9);
    expect(padssScore({ ...ready(), latest: { ...ready().latest, sbp: 180 } })).toBe(8);
    expect(padssScore({ ...ready(), observation: null })).toBe(2);
  });
});
