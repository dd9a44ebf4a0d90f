import { DEFAULT_IV_RULES } from '../protocol.js';
import { toContractAlert } from './contract.js';
import { DetectionEngine } from './engine.js';
import { at, brief as briefAll, feed, infusingEngine, reading } from './spec-support.js';
import type { AlertEvent } from './types.js';

// SpO2 scenarios at 1 Hz: < 90 for 15 s opens high, < 92 medium, ≥ 92 for 30 s ends the episode.
const low = { hr: 80, spo2: 88 };
const mid = { hr: 80, spo2: 91 };
const ok = { hr: 80, spo2: 97 };
// Ticks far ahead also find signal_lost (no readings): these tests look at spo2_low only.
const brief = (events: AlertEvent[]) => briefAll(events.filter((e) => e.alert.kind === 'spo2_low'));
const spo2Alerts = (engine: DetectionEngine) => engine.openAlerts().filter((a) => a.kind === 'spo2_low');
const spo2 = (events: AlertEvent[]) => events.filter((e) => e.alert.kind === 'spo2_low');

/** An engine with a high spo2_low alert opened at 15 s; returns its id. */
function withHighAlert() {
  const engine = infusingEngine();
  const id = feed(engine, 0, 15, low)[0]!.alert.id;
  return { engine, id };
}

describe('latching and acknowledgement', () => {
  it('a high alert whose condition ends unacknowledged is cleared, stays, and resolves when acknowledged', () => {
    const { engine, id } = withHighAlert();
    const cleared = feed(engine, 16, 46, ok);
    expect(brief(cleared)).toEqual(['cleared spo2_low high cleared @46']);
    expect(cleared[0]!.alert).toMatchObject({ clearedAtMs: at(46), endedAtMs: at(16), durationMs: 1000 });
    expect(engine.openAlerts().map((a) => a.id)).toEqual([id]);
    const resolved = engine.acknowledge(id, 'nurse-1', at(50), 'probe re-seated');
    expect(brief(resolved)).toEqual(['resolved spo2_low high resolved @50']);
    expect(resolved[0]!.alert).toMatchObject({
      acknowledgedBy: 'nurse-1',
      acknowledgedNote: 'probe re-seated',
      resolvedAtMs: at(50),
    });
    expect(engine.openAlerts()).toEqual([]);
  });

  it('an acknowledged high alert resolves by itself when the condition ends', () => {
    const { engine, id } = withHighAlert();
    expect(brief(engine.acknowledge(id, 'nurse-1', at(20)))).toEqual(['acknowledged spo2_low high acknowledged @20']);
    expect(brief(feed(engine, 21, 51, ok))).toEqual(['resolved spo2_low high resolved @51']);
  });

  it('medium alerts resolve by themselves, acknowledged or not', () => {
    const engine = infusingEngine();
    feed(engine, 0, 15, mid);
    expect(brief(feed(engine, 16, 46, ok))).toEqual(['resolved spo2_low medium resolved @46']);
    const other = infusingEngine();
    const id = feed(other, 0, 15, mid)[0]!.alert.id;
    other.acknowledge(id, 'nurse-2', at(16));
    expect(brief(feed(other, 16, 46, ok))).toEqual(['resolved spo2_low medium resolved @46']);
  });

  it('acknowledging twice, an unknown id or a resolved alert changes nothing', () => {
    const { engine, id } = withHighAlert();
    engine.acknowledge(id, 'nurse-1', at(20));
    expect(engine.acknowledge(id, 'nurse-2', at(21))).toEqual([]);
    expect(engine.acknowledge('spo2_low:1', 'nurse-2', at(22))).toEqual([]);
    feed(engine, 23, 60, ok);
    expect(engine.acknowledge(id, 'nurse-2', at(61))).toEqual([]);
  });

  it('an acknowledged medium alert that worsens to high is active again and needs a new acknowledgement', () => {
    const engine = infusingEngine();
    const id = feed(engine, 0, 15, mid)[0]!.alert.id;
    engine.acknowledge(id, 'nurse-1', at(16));
    const upgraded = feed(engine, 17, 32, low);
    expect(brief(upgraded)).toEqual(['peak spo2_low medium acknowledged @17', 'upgraded spo2_low high active @32']);
    expect(upgraded[1]!.alert).toMatchObject({ acknowledgedAtMs: null, acknowledgedBy: null, highSinceMs: at(32) });
    expect(brief(feed(engine, 33, 153, low).filter((e) => e.type === 'escalated'))).toEqual([
      'escalated spo2_low high active @152',
    ]);
  });
});

describe('escalation: a high alert not acknowledged within 120 s', () => {
  it('escalates once, stamped at 120 s after it became high', () => {
    const { engine } = withHighAlert();
    expect(spo2(engine.tick(at(135)))).toEqual([]);
    const events = spo2(engine.tick(at(135) + 1));
    expect(brief(events)).toEqual(['escalated spo2_low high active @135']);
    expect(events[0]!.alert.escalatedAtMs).toBe(at(135));
    expect(spo2(engine.tick(at(1000)))).toEqual([]);
  });

  it('an acknowledgement at exactly 120 s is in time', () => {
    const { engine, id } = withHighAlert();
    expect(brief(engine.acknowledge(id, 'nurse-1', at(135)))).toEqual(['acknowledged spo2_low high acknowledged @135']);
    expect(spo2(engine.tick(at(200)))).toEqual([]);
  });

  it('escalates a cleared (latched) alert too, but never a medium one', () => {
    const { engine } = withHighAlert();
    feed(engine, 16, 46, ok);
    expect(brief(engine.tick(at(136)))).toEqual(['escalated spo2_low high cleared @135']);
    const medium = infusingEngine();
    feed(medium, 0, 15, mid);
    expect(spo2(medium.tick(at(1000)))).toEqual([]);
  });
});

describe('reminders: an acknowledged alert still present reminds every 3 minutes', () => {
  it('reminds at 180 s after acknowledgement, then every 180 s, until the condition ends', () => {
    const { engine, id } = withHighAlert();
    engine.acknowledge(id, 'nurse-1', at(20));
    expect(spo2(engine.tick(at(200)))).toEqual([]);
    expect(brief(engine.tick(at(200) + 1))).toEqual(['reminded spo2_low high acknowledged @200']);
    const two = spo2(engine.tick(at(561)));
    expect(brief(two)).toEqual([
      'reminded spo2_low high acknowledged @380',
      'reminded spo2_low high acknowledged @560',
    ]);
    expect(two[1]!.alert).toMatchObject({ reminders: 3, remindedAtMs: at(560) });
    feed(engine, 561, 600, ok);
    expect(spo2(engine.tick(at(5000)))).toEqual([]);
  });
});

describe('time and phases', () => {
  it('ignores late readings (older than the newest processed): they open nothing in the past', () => {
    const engine = infusingEngine();
    feed(engine, 100, 100, ok);
    expect(feed(engine, 50, 99, low)).toEqual([]);
    expect(spo2Alerts(engine)).toEqual([]);
  });

  it('phases only move forward; after discharge nothing escalates', () => {
    const { engine } = withHighAlert();
    expect(engine.setPhase('baseline', at(20))).toEqual([]);
    expect(engine.phase).toBe('infusing');
    engine.setPhase('recovery', at(30));
    engine.setPhase('discharged', at(40));
    expect(engine.tick(at(10_000))).toEqual([]);
    expect(engine.addReading(reading(10_001, low))).toEqual([]);
  });

  it('freezes the baseline when infusion starts', () => {
    const engine = DetectionEngine.create(DEFAULT_IV_RULES);
    feed(engine, 0, 59, { hr: 70, spo2: 97 });
    expect(engine.baseline.hr).toBeNull();
    feed(engine, 60, 60, { hr: 70, spo2: 97, sbp: 120, dbp: 80 });
    feed(engine, 61, 61, { hr: 70, sbp: 124, dbp: 76 });
    expect(engine.baseline).toMatchObject({ sbp: 122, dbp: 78, hr: 70, spo2: 97, cuffReadings: 2 });
    engine.setPhase('infusing', at(62));
    feed(engine, 62, 400, { hr: 75, spo2: 96, sbp: 130, dbp: 85 }, 30);
    expect(engine.baseline).toMatchObject({ sbp: 122, dbp: 78, hr: 70, spo2: 97 });
  });
});

describe('restart safety', () => {
  it('serialize → JSON → restore continues exactly as the original engine', () => {
    const script = (engine: DetectionEngine, from: number, to: number) => [
      ...feed(engine, from, to, { hr: 80, spo2: 91, sbp: 150, dbp: 70 }, 5),
      ...engine.tick(at(to + 200)),
    ];
    const original = infusingEngine();
    const first = script(original, 0, 100);
    const restored = DetectionEngine.restore(JSON.parse(JSON.stringify(original.serialize())));
    expect(script(restored, 400, 700)).toEqual(script(original, 400, 700));
    expect(first.length).toBeGreaterThan(0);
  });
});

describe('toContractAlert', () => {
  it('maps an engine alert to the contract, with ISO times and the service’s ids', () => {
    const { engine, id } = withHighAlert();
    const [event] = engine.acknowledge(id, 'u-1', at(20), 'seen');
    const alert = toContractAlert(event!.alert, {
      id: '00000000-0000-4000-8000-000000000001',
      sessionId: '00000000-0000-4000-8000-000000000002',
      acknowledgedBy: { id: 'u-1', displayName: 'Nurse One' },
    });
    expect(alert).toEqual({
      id: '00000000-0000-4000-8000-000000000001',
      sessionId: '00000000-0000-4000-8000-000000000002',
      kind: 'spo2_low',
      severity: 'high',
      state: 'acknowledged',
      openedAt: '2026-01-05T09:00:15.000Z',
      lastChangedAt: '2026-01-05T09:00:20.000Z',
      baseline: { sbp: 100, dbp: 60, hr: 90, spo2: 98 },
      trigger: { spo2: 88, limit: 90 },
      peak: { spo2: 88 },
      acknowledgedBy: { id: 'u-1', displayName: 'Nurse One' },
      acknowledgedAt: '2026-01-05T09:00:20.000Z',
      escalatedAt: null,
      clearedAt: null,
      resolvedAt: null,
      message: 'SpO2 88 < 90 for 15 s',
    });
  });
});
