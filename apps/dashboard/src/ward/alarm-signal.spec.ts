import type { Alert, SessionSummary } from '#contracts';
import { boardAlarms, conditionOf, flashHz, priorityOf, toneFor } from './alarm-signal';
import { alarmText, roundNumbers } from './alarm-text';
import { boardFromSnapshot } from './board';
import { boardColumns } from './board-layout';
import { freshness } from './freshness';

const T0 = Date.parse('2026-01-05T09:00:00Z');
const at = (seconds: number) => new Date(T0 + seconds * 1000).toISOString();

function alert(values: Partial<Alert> = {}): Alert {
  return {
    id: 'a1',
    sessionId: 's1',
    kind: 'bp_rise',
    severity: 'high',
    state: 'active',
    openedAt: at(10),
    lastChangedAt: at(10),
    baseline: { sbp: 126, dbp: 80, hr: 70, spo2: 98 },
    trigger: { sbp: 166, dbp: 90, measure: 'sbp', limit: 152.6 },
    peak: { sbp: 210, dbp: 101 },
    message: 'SBP 166 > 152.6 (baseline 126 +20%)',
    ...values,
  };
}

function session(id: string, chair: string, alerts: Alert[]): SessionSummary {
  return {
    id,
    siteId: 'site',
    patientRef: `MRN-${id}`,
    chair,
    deviceId: `d-${id}`,
    protocolId: 'p1',
    phase: 'infusing',
    createdAt: at(-600),
    infusionStartedAt: at(-60),
    infusionEndedAt: null,
    endedAt: null,
    latestVitals: null,
    openAlerts: alerts.map((a) => ({ ...a, sessionId: id })),
  } as SessionSummary;
}

describe('alarm signals', () => {
  it('tells high, medium and technical alarms apart, and flashes only a present, unacknowledged one', () => {
    expect(priorityOf(alert())).toBe('high');
    expect(priorityOf(alert({ severity: 'medium' }))).toBe('medium');
    expect(priorityOf(alert({ kind: 'signal_lost', severity: 'medium' }))).toBe('technical');
    expect(flashHz(alert())).toBe(2);
    expect(flashHz(alert({ severity: 'medium' }))).toBe(0.7);
    expect(flashHz(alert({ kind: 'signal_lost', severity: 'medium' }))).toBe(0);
    expect(conditionOf(alert({ state: 'cleared' }))).toBe('latched');
    expect(flashHz(alert({ state: 'cleared' }))).toBe(0);
    expect(flashHz(alert({ state: 'acknowledged' }))).toBe(0);
  });

  it('lists the ward high before medium before technical, present before latched before acknowledged', () => {
    const board = boardFromSnapshot([
      session('s1', 'Chair 1', [alert({ id: 't', kind: 'signal_lost', severity: 'medium' })]),
      session('s2', 'Chair 2', [alert({ id: 'm', severity: 'medium' })]),
      session('s3', 'Chair 3', [alert({ id: 'l', state: 'cleared' })]),
      session('s4', 'Chair 4', [alert({ id: 'k', state: 'acknowledged' })]),
      session('s5', 'Chair 5', [alert({ id: 'h', openedAt: at(30) })]),
    ]);
    const alarms = boardAlarms(board);
    expect(alarms.map((a) => a.alert.id)).toEqual(['h', 'l', 'k', 'm', 't']);
    expect(toneFor(alarms)).toBe('high');
    expect(toneFor(alarms.filter((a) => a.alert.id !== 'h'))).toBe('medium');
    expect(toneFor(alarms.filter((a) => ['t', 'l'].includes(a.alert.id)))).toBe('technical');
    expect(toneFor(alarms.filter((a) => ['l', 'k'].includes(a.alert.id)))).toBe('latched');
    expect(toneFor(alarms.filter((a) => a.alert.id === 'k'))).toBeNull();
  });

  it('quotes the value now, the worst value and a whole-number limit', () => {
    expect(alarmText(alert(), () => 201)).toBe('SBP 201 · worst 210 · limit > 153');
    expect(alarmText(alert({ message: 'SBP 190 ≥ 180', trigger: { measure: 'sbp', limit: 180 } }), () => null)).toBe(
      'SBP — · worst 210 · limit ≥ 180',
    );
    const low = alert({ kind: 'spo2_low', severity: 'medium', trigger: { spo2: 91, limit: 92 }, peak: { spo2: 88 } });
    expect(alarmText(low, (v) => (v === 'spo2' ? 90 : null))).toBe('SpO2 90 · worst 88 · limit < 92');
    const lost = alert({
      kind: 'signal_lost',
      trigger: { reason: 'no_reading', seconds: 60 },
      message: 'No reading for 60 s',
    });
    expect(alarmText(lost, () => 1)).toBe('No reading for 60 s');
    expect(roundNumbers('HR 121 > 100.8 (baseline 84 +20%)')).toBe('HR 121 > 101 (baseline 84 +20%)');
  });

  it('dims a value after its interval and drops it at the limit of the contract', () => {
    expect(freshness(5_000, 'continuous')).toBe('fresh');
    expect(freshness(20_000, 'continuous')).toBe('stale');
    expect(freshness(61_000, 'continuous')).toBe('gone');
    expect(freshness(4 * 60_000, 'cuff')).toBe('fresh');
    expect(freshness(8 * 60_000, 'cuff')).toBe('stale');
    expect(freshness(11 * 60_000, 'cuff')).toBe('gone');
    expect(freshness(null, 'cuff')).toBe('gone');
  });

  it('fills the screen with the fewest columns that keep tiles large', () => {
    // Eight chairs on a wall display: a block across the screen, not a strip along the top.
    expect(boardColumns(8, 1900, 900, 230)).toBeLessThanOrEqual(4);
    expect(boardColumns(16, 1000, 560, 230)).toBe(4);
    expect(boardColumns(1, 1900, 900, 230)).toBe(1);
    expect(boardColumns(24, 1000, 400, 230)).toBe(4);
  });
});
