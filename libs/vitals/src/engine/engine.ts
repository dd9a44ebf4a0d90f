import type { AlertKind, Phase } from '#contracts';
import type { ProtocolRules } from '../protocol.js';
import type { ValidReading } from '../reading.js';
import { acknowledge as acknowledgeAlert, copyAlert, dueTimers, endEpisode } from './alerts.js';
import { addBaselineReading, baselineOf } from './baseline.js';
import { detectCuffOverdue, detectGap, detectReading } from './detect.js';
import { emptySensors, noteSensors } from './sensors.js';
import { noteReading } from './signal.js';
import { episodeOf, initialState, MONITORED, PHASE_ORDER, type EngineSnapshot, type EngineState } from './state.js';
import type { AlertEvent, AlertSnapshot, Baseline, BaselineValues, EngineInput } from './types.js';

/**
 * The detection engine of one session: pure, synchronous and deterministic. Its only inputs are
 * readings (by `recordedAt`), phase changes, acknowledgements and ticks, all with explicit times in
 * epoch ms on one clock; its only output is the list of alert transitions each call caused. Replaying
 * the same inputs in the same order into a fresh engine gives the same events, ids included.
 *
 * Time-driven events (escalation, reminders, signal_lost's gap) are stamped with the moment they fell
 * due, not with the time of the call that noticed them, so how often the service ticks does not
 * change what is recorded — only how soon it is seen. Any input first moves the clock (`tick`).
 */
export class DetectionEngine {
  private constructor(private readonly state: EngineState) {}

  /** A fresh engine for a session in phase `baseline`. */
  static create(rules: ProtocolRules): DetectionEngine {
    return new DetectionEngine(initialState(rules));
  }

  /** An engine that continues exactly where `serialize()` left off. */
  static restore(snapshot: EngineSnapshot): DetectionEngine {
    if (snapshot?.version !== 1) throw new Error('unknown engine snapshot version');
    const state = structuredClone(snapshot);
    // Snapshots taken before the per-parameter rules existed: their protocols lack those rules anyway.
    state.sensors ??= emptySensors();
    return new DetectionEngine(state);
  }

  /** The whole state as JSON-safe data (bounded in size; see EngineState). */
  serialize(): EngineSnapshot {
    return structuredClone(this.state);
  }

  get phase(): Phase {
    return this.state.phase;
  }

  /** The frozen baseline once the session left `baseline`; until then the baseline so far. */
  get baseline(): Baseline {
    const { baseline, baselineData, rules } = this.state;
    return baseline ?? baselineOf(baselineData!, rules);
  }

  /** Alerts not yet resolved (active, acknowledged, cleared), in the order they opened. */
  openAlerts(): AlertSnapshot[] {
    return this.state.alerts.map((o) => copyAlert(o.alert));
  }

  alert(id: string): AlertSnapshot | undefined {
    const open = this.state.alerts.find((o) => o.alert.id === id);
    return open && copyAlert(open.alert);
  }

  /**
   * One validated reading. A reading older than the newest one processed is late: it opens nothing
   * in the past and returns no events (in `baseline` it still counts towards the baseline medians).
   */
  addReading(reading: ValidReading): AlertEvent[] {
    const s = this.state;
    const late = s.newestReadingMs !== null && reading.recordedAtMs < s.newestReadingMs;
    if (s.phase === 'baseline') addBaselineReading(s.baselineData!, reading);
    if (late) return [];
    s.newestReadingMs = reading.recordedAtMs;
    const events = this.advance(reading.recordedAtMs);
    noteReading(s.signal, reading);
    noteSensors(s.sensors, reading);
    if (MONITORED.includes(s.phase)) events.push(...detectReading(s, reading));
    return this.done(events);
  }

  /**
   * A phase change at `atMs`. Leaving `baseline` freezes the baseline; entering `infusing` starts the
   * no-reading clock; leaving `infusing` ends a signal_lost episode (the rule no longer applies).
   * Phases only move forward; anything else is ignored and returns no events.
   */
  setPhase(phase: Phase, atMs: number, knownBaseline?: BaselineValues): AlertEvent[] {
    const s = this.state;
    if (PHASE_ORDER[phase] <= PHASE_ORDER[s.phase]) return [];
    const events = this.advance(atMs);
    if (s.phase === 'baseline') {
      // A baseline known from elsewhere (replaying a recording without its seated readings) replaces the medians.
      const measured = baselineOf(s.baselineData!, s.rules);
      s.baseline = knownBaseline ? { ...measured, ...knownBaseline } : measured;
      s.baselineData = null;
    }
    // Technical rules end with the phases they apply to: signal_lost and bp_overdue with `infusing`,
    // the per-parameter ones with monitoring.
    const ending: AlertKind[] = [
      ...(s.phase === 'infusing' ? (['signal_lost', 'bp_overdue'] as const) : []),
      ...(!MONITORED.includes(phase) ? (['hr_signal_lost', 'spo2_signal_lost'] as const) : []),
    ];
    for (const kind of ending) {
      const open = episodeOf(s, kind);
      if (open) events.push(endEpisode(open, atMs, atMs));
    }
    if (s.phase === 'infusing') {
      s.signal = { ...s.signal, infusingSinceMs: null, zeroSinceMs: null, goodSinceMs: null };
      s.sensors.infusingSinceMs = null;
    }
    if (phase === 'infusing') {
      s.signal = { ...s.signal, infusingSinceMs: atMs, zeroSinceMs: null, goodSinceMs: null };
      s.sensors.infusingSinceMs = atMs;
      s.sensors.monitoringSinceMs = atMs;
    }
    if (!MONITORED.includes(phase)) s.sensors.monitoringSinceMs = null;
    s.phase = phase;
    return this.done(events);
  }

  /**
   * A staff acknowledgement. `active` → `acknowledged` (reminders every 3 min while the condition
   * lasts); `cleared` → `resolved`. Anything else (unknown, already acknowledged, resolved) → no events.
   */
  acknowledge(alertId: string, actorId: string, atMs: number, note: string | null = null): AlertEvent[] {
    const events = this.advance(atMs);
    const open = this.state.alerts.find((o) => o.alert.id === alertId);
    const event = open && acknowledgeAlert(open, atMs, actorId, note, this.state.rules);
    if (event) events.push(event);
    return this.done(events);
  }

  /** Moves the clock: escalations, reminders and signal_lost's gap that fell due before `nowMs`. */
  tick(nowMs: number): AlertEvent[] {
    return this.done(this.advance(nowMs));
  }

  /** Any input, as stored by the service (see replaySession). */
  apply(input: EngineInput): AlertEvent[] {
    switch (input.type) {
      case 'reading':
        return this.addReading(input.reading);
      case 'phase':
        return this.setPhase(input.phase, input.atMs);
      case 'acknowledge':
        return this.acknowledge(input.alertId, input.actorId, input.atMs, input.note ?? null);
      case 'tick':
        return this.tick(input.atMs);
    }
  }

  private advance(atMs: number): AlertEvent[] {
    const s = this.state;
    s.clockMs = s.clockMs === null ? atMs : Math.max(s.clockMs, atMs);
    // After discharge or abort nothing escalates or reminds: the session's record is closed.
    if (!MONITORED.includes(s.phase)) return [];
    const events: AlertEvent[] = [];
    if (s.phase === 'infusing') {
      detectGap(s, events);
      detectCuffOverdue(s, events);
    }
    for (const open of s.alerts) events.push(...dueTimers(open, s.clockMs, s.rules));
    // Several alerts may have fallen due in one step: report them in time order (stable sort).
    return events.sort((a, b) => a.atMs - b.atMs);
  }

  private done(events: AlertEvent[]): AlertEvent[] {
    this.state.alerts = this.state.alerts.filter((o) => o.alert.state !== 'resolved');
    return events;
  }
}

/**
 * Rebuilds an engine from a session's stored inputs, e.g. after a restart: its readings and staff
 * actions in the order the service processed them, then a final tick at the current time. Returns
 * every event the inputs cause; the service keeps the ones it has not stored yet (ids and times are
 * identical to the first run).
 */
export function replaySession(
  rules: ProtocolRules,
  inputs: Iterable<EngineInput>,
): { engine: DetectionEngine; events: AlertEvent[] } {
  const engine = DetectionEngine.create(rules);
  const events: AlertEvent[] = [];
  for (const input of inputs) events.push(...engine.apply(input));
  return { engine, events };
}
