import type { Alert, SessionSummary, VitalsEvent } from '#contracts';
import { mostUrgent, alertHeadline, isSounding } from './alarm-level';
import { boardFromSnapshot, openAlerts, withAlert, withHistory, withSession, withVitals } from './board';
import { trendOf } from './vital-track';

const T0 = Date.parse('2026-01-05T09:00:00Z');
const at = (seconds: number) => new Date(T0 + seconds * 1000).toISOString();

function vitals(seconds: number, values: Partial<VitalsEvent> = {}): VitalsEvent {
  return {
    sessionId: 's1',
    seq: seconds,
    recordedAt: at(seconds),
    hr: 72,
    sbp: null,
    dbp: null,
    map: null,
    spo2: 98,
    rr: null,
    temp: null,
    ...values,
  };
}

function summary(values: Partial<SessionSummary> = {}): SessionSummary {
  return {
    id: 's1',
    siteId: 'site',
    patientRef: 'MRN-1',
    chair: 'Chair 1',
    deviceId: 'd1',
    protocolId: 'p1',
    phase: 'infusing',
    createdAt: at(-600),
    infusionStartedAt: at(-60),
    infusionEndedAt: null,
    endedAt: null,
    latestVitals: vitals(0),
    openAlerts: [],
    ...values,
  };
}

function alert(values: Partial<Alert> = {}): Alert {
  return {
    id: 'a1',
    sessionId: 's1',
    kind: 'bp_rise',
    severity: 'high',
    state: 'active',
    openedAt: at(10),
    lastChangedAt: at(10),
    baseline: null,
    trigger: null,
    peak: null,
    message: 'SBP 190 ≥ 180',
    ...values,
  };
}

describe('the ward board', () => {
  it('is rebuilt from a snapshot and follows vitals, with a trend against a minute before', () => {
    let board = boardFromSnapshot([summary()]);
    expect(board.get('s1')!.vitals.hr.latest).toEqual({ value: 72, at: T0 });
    for (let s = 1; s <= 70; s++) board = withVitals(board, vitals(s, { hr: s < 60 ? 72 : 90 }));
    const hr = board.get('s1')!.vitals.hr;
    expect(hr.latest!.value).toBe(90);
    expect(trendOf(hr, 'hr')).toBe('rising');
    expect(trendOf(board.get('s1')!.vitals.spo2, 'spo2')).toBe('steady');
  });

  it('keeps the last cuff reading and compares BP with the previous one, however long ago', () => {
    let board = boardFromSnapshot([summary()]);
    board = withHistory(board, 's1', [vitals(-400, { sbp: 150, dbp: 90 }), vitals(-1)]);
    board = withVitals(board, vitals(1));
    expect(board.get('s1')!.vitals.sbp.latest).toEqual({ value: 150, at: T0 - 400_000 });
    board = withVitals(board, vitals(2, { sbp: 128, dbp: 80 }));
    expect(trendOf(board.get('s1')!.vitals.sbp, 'sbp')).toBe('falling');
  });

  it('takes no trend from a 0 ("no signal")', () => {
    let board = boardFromSnapshot([summary()]);
    board = withVitals(board, vitals(70, { hr: 0 }));
    expect(trendOf(board.get('s1')!.vitals.hr, 'hr')).toBeNull();
  });

  it('drops a session when it closes and ignores events of sessions it does not show', () => {
    let board = boardFromSnapshot([summary()]);
    expect(withVitals(board, { ...vitals(1), sessionId: 'other' })).toBe(board);
    board = withSession(board, summary({ phase: 'aborted' }));
    expect(board.size).toBe(0);
  });

  it('lets the newest state of an alert win, and never brings back a resolved one', () => {
    let board = boardFromSnapshot([summary()]);
    board = withAlert(board, alert());
    expect(openAlerts(board.get('s1')!).map((a) => a.state)).toEqual(['active']);
    board = withAlert(board, alert({ state: 'resolved', lastChangedAt: at(40) }));
    // A session summary made before the alert resolved arrives late.
    board = withSession(board, summary({ openAlerts: [alert({ state: 'acknowledged', lastChangedAt: at(20) })] }));
    expect(openAlerts(board.get('s1')!)).toEqual([]);
  });
});

describe('alarm levels', () => {
  it('sounds for a high alert until it is acknowledged, latched ones included', () => {
    expect(isSounding(alert())).toBe(true);
    expect(isSounding(alert({ state: 'cleared' }))).toBe(true);
    expect(isSounding(alert({ state: 'acknowledged' }))).toBe(false);
    expect(isSounding(alert({ severity: 'medium' }))).toBe(false);
  });

  it('leads a tile with the most urgent alert and says it in words', () => {
    const medium = alert({ id: 'm', severity: 'medium', message: 'HR 120 > 100 for 15 s' });
    const acknowledgedHigh = alert({ id: 'h', state: 'acknowledged' });
    expect(mostUrgent([acknowledgedHigh, medium])!.id).toBe('h');
    expect(mostUrgent([medium, alert({ id: 'x' })])!.id).toBe('x');
    expect(alertHeadline(alert())).toBe('HIGH · SBP 190 ≥ 180');
  });
});
