import { Injectable, type OnApplicationBootstrap, type OnApplicationShutdown, type OnModuleInit } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { OPEN_PHASES } from '#contracts';
import {
  MONITORED,
  predoseGate,
  type AlertEvent,
  type Baseline,
  type PredoseBlocker,
  type ProtocolRules,
} from '#vitals';
import { In, Repository } from 'typeorm';
import type { AuditContext } from '../audit/audit-context.js';
import type { AuditEntry } from '../audit/audit.service.js';
import type { AuthUser } from '../auth/auth-user.js';
import { DomainError } from '../common/domain-error.js';
import { logger } from '../common/logger.js';
import { Metrics } from '../common/metrics.js';
import { DomainEvents, type StoredReading } from '../events/domain-events.js';
import { Session } from '../sessions/session.entity.js';
import { AlertStore } from './alert-store.js';
import type { AlertView } from './alert-view.js';
import { EngineRebuilder, type LiveEngine } from './live-engines.js';
import { TickWheel } from './tick-wheel.js';

/** Ticks lag the wall clock a little, so a reading still in transit is not taken for a lost signal. */
const TICK_GRACE_MS = 5_000;
const TICK_EVERY_MS = 1_000;
/** An engine's state is saved at least this often while it changes without raising anything. */
const SAVE_EVERY_MS = 15_000;
/** The sessions are ticked a slice at a time, one slice per turn, so no turn handles them all. */
const TURN_MS = 100;
const FAILED = Symbol('engine failed');

/**
 * Runs one detection engine per open session: feeds it the stored readings, the phase changes, the
 * acknowledgements and a clock tick every second; stores every alert transition and the engine's
 * state; and announces each transition to the session's site. Each session's work runs in order.
 */
@Injectable()
export class AlertsService implements OnModuleInit, OnApplicationBootstrap, OnApplicationShutdown {
  private readonly live = new Map<string, LiveEngine>();
  private readonly loading = new Map<string, Promise<LiveEngine>>();
  /** The live sessions' turns for ticks and state saves (by session id). */
  private readonly wheel = new TickWheel<string>(TICK_EVERY_MS / TURN_MS, SAVE_EVERY_MS / TURN_MS);
  private ticker: NodeJS.Timeout | null = null;

  constructor(
    @InjectRepository(Session) private readonly sessions: Repository<Session>,
    private readonly store: AlertStore,
    private readonly rebuilder: EngineRebuilder,
    private readonly events: DomainEvents,
    private readonly metrics: Metrics,
  ) {}

  /** Detection engines live in this process. */
  get ownedEngines(): number {
    return this.live.size;
  }

  onModuleInit(): void {
    this.events.on('readings.stored', ({ readings }) => this.onReadings(readings));
    this.events.on('session.changed', ({ session }) => {
      void this.work(session.id, (live) => this.changePhase(live, session)).catch(() => undefined);
    });
  }

  /** After a restart, every open session's engine is rebuilt before the service takes readings. */
  async onApplicationBootstrap(): Promise<void> {
    const open = await this.sessions.find({ where: { phase: In([...OPEN_PHASES]) } });
    for (const session of open) await this.engineOf(session.id);
    this.ticker = setInterval(() => this.turn(), TURN_MS);
    this.ticker.unref();
  }

  async onApplicationShutdown(): Promise<void> {
    if (this.ticker) clearInterval(this.ticker);
    await Promise.all(
      [...this.live.values()].map((live) => this.work(live.sessionId, (l) => this.saveState(l)).catch(() => undefined)),
    );
  }

  /** The baseline so far (live during `baseline`), after every reading stored until now. */
  async baselineOf(sessionId: string): Promise<Baseline> {
    return this.work(sessionId, (live) => Promise.resolve(live.engine.baseline));
  }

  predoseBlockers(baseline: Baseline, rules: ProtocolRules): PredoseBlocker[] {
    return predoseGate(baseline, rules);
  }

  async listForSession(sessionId: string): Promise<AlertView[]> {
    return this.store.view(await this.store.forSession(sessionId));
  }

  async openAlertsOf(sessionIds: string[]): Promise<Map<string, AlertView[]>> {
    const views = await this.store.view(await this.store.openFor(sessionIds));
    const bySession = new Map<string, AlertView[]>();
    for (const view of views) bySession.set(view.sessionId, [...(bySession.get(view.sessionId) ?? []), view]);
    return bySession;
  }

  async acknowledge(alertId: string, user: AuthUser, context: AuditContext, note: string | null): Promise<AlertView> {
    const row = await this.store.findById(alertId);
    if (!row || !user.siteIds.includes(row.siteId)) throw DomainError.notFound('alert');
    const session = await this.sessions.findOneBy({ id: row.sessionId });
    if (session?.phase === 'discharged') {
      throw DomainError.recordLocked();
    }
    if (row.state === 'resolved') throw new DomainError('conflict', 'This alert is already resolved');
    if (row.state === 'acknowledged') throw new DomainError('conflict', 'This alert is already acknowledged');
    const saved = await this.work(row.sessionId, async (live) => {
      const events = live.engine.acknowledge(row.engineId, user.id, Date.now(), note);
      // Acknowledging a latched (`cleared`) alert resolves it: that transition is `resolved`.
      const taken = events.some((e) => e.alert.id === row.engineId && e.alert.acknowledgedAtMs === e.atMs);
      if (!taken) return null;
      const audit: AuditEntry = {
        action: 'alert.acknowledge',
        entityType: 'alert',
        entityId: alertId,
        siteId: row.siteId,
        before: { state: row.state },
        after: { state: live.engine.alert(row.engineId)?.state ?? 'resolved', note },
        details: { sessionId: row.sessionId, kind: row.kind, severity: row.severity },
      };
      return this.record(live, events, true, { context, entry: audit });
    });
    if (!saved) throw new DomainError('conflict', 'This alert cannot be acknowledged in its current state');
    const [view] = await this.store.view([(await this.store.findById(alertId))!]);
    return view!;
  }

  private onReadings(readings: StoredReading[]): void {
    const bySession = new Map<string, StoredReading[]>();
    for (const stored of readings) {
      const list = bySession.get(stored.sessionId);
      if (list) list.push(stored);
      else bySession.set(stored.sessionId, [stored]);
    }
    for (const [sessionId, list] of bySession) {
      void this.work(sessionId, async (live) => {
        list.sort((a, b) => a.reading.recordedAtMs - b.reading.recordedAtMs);
        const events: AlertEvent[] = [];
        for (const { reading } of list) {
          if (live.replayed.delete(reading.seq)) continue;
          events.push(...live.engine.addReading(reading));
        }
        live.unsavedSinceMs ??= Date.now();
        if (events.length > 0) await this.record(live, events);
      }).catch(() => undefined);
    }
  }

  private async changePhase(live: LiveEngine, session: Session): Promise<void> {
    const at =
      (session.phase === 'infusing'
        ? session.infusionStartedAt
        : session.phase === 'recovery'
          ? session.infusionEndedAt
          : session.endedAt) ?? new Date();
    const events = live.engine.setPhase(session.phase, at.getTime());
    await this.record(live, events, true);
    if (!OPEN_PHASES.includes(session.phase)) this.forget(session.id);
  }

  /**
   * One turn: ticks a tenth of the sessions (each one once a second) and saves the changed states of
   * a hundred-and-fiftieth of them (each one every 15 s), all in one statement. A session's queue
   * waits for its state's save, so its saves never overtake one another.
   */
  private turn(): void {
    const now = Date.now();
    const { tick, save } = this.wheel.next();
    for (const sessionId of tick) {
      const live = this.live.get(sessionId);
      if (!live) continue;
      const saveTurn = save.has(sessionId);
      if (!MONITORED.includes(live.engine.phase) && !(saveTurn && live.unsavedSinceMs !== null)) continue;
      void this.work(sessionId, async (l) => {
        if (MONITORED.includes(l.engine.phase)) {
          const events = l.engine.tick(now - TICK_GRACE_MS);
          if (events.length > 0) await this.record(l, events);
        }
        if (saveTurn) await this.saveState(l);
      }).catch(() => undefined);
    }
  }

  /**
   * Stores the events (and, with `saveState`, the engine state in the same transaction), then
   * announces each transition. Alerts raised by readings go out without waiting for a state save:
   * a rebuild replays those readings and finds the same alerts.
   */
  private async record(
    live: LiveEngine,
    events: AlertEvent[],
    saveState = false,
    audit?: { context: AuditContext; entry: AuditEntry },
  ): Promise<true> {
    if (events.length === 0 && !saveState) return true;
    const state = saveState ? live.engine.serialize() : null;
    const rows = await this.store.save(live.sessionId, live.siteId, events, state, audit);
    for (const event of events) this.metrics.alertTransition(event.type, event.alert.severity);
    if (saveState) live.unsavedSinceMs = null;
    const views = await this.store.view(rows);
    for (const alert of views) this.events.emit('alert.changed', { siteId: live.siteId, alert });
    return true;
  }

  /** Saves the state, if it changed, with the others being saved (see AlertStore.saveStateBatched). */
  private async saveState(live: LiveEngine): Promise<void> {
    if (live.unsavedSinceMs === null) return;
    try {
      await this.store.saveStateBatched(live.sessionId, live.engine.serialize());
      live.unsavedSinceMs = null;
    } catch {
      // Logged by the store. Still unsaved: it goes with the session's next save turn.
    }
  }

  /**
   * Runs `task` on the session's engine after the work queued before it. An engine that is not live
   * is rebuilt from the database first. If a task fails (the database went away), the engine is
   * dropped and rebuilt from what was stored on its next use: nothing is lost or raised twice. The
   * tasks queued behind the failure run on the rebuilt engine: the failed one may hold alert changes
   * that were never stored, so it must not go on, nor save its state.
   */
  private async work<T>(sessionId: string, task: (live: LiveEngine) => Promise<T>): Promise<T> {
    const live = await this.engineOf(sessionId);
    const run = live.queue.then<T | typeof FAILED>(() => (live.failed ? FAILED : task(live)));
    live.queue = run.catch((error: unknown) => {
      if (!(error instanceof DomainError)) live.failed = true;
    });
    let result: T | typeof FAILED;
    try {
      result = await run;
    } catch (error) {
      if (!(error instanceof DomainError)) {
        logger.warn({ err: error, sessionId }, 'alert processing failed; the engine will be rebuilt from the database');
        if (this.live.get(sessionId) === live) this.forget(sessionId);
      }
      throw error;
    }
    return result === FAILED ? this.work(sessionId, task) : result;
  }

  private engineOf(sessionId: string): Promise<LiveEngine> {
    const known = this.live.get(sessionId);
    if (known) return Promise.resolve(known);
    let loading = this.loading.get(sessionId);
    if (!loading) {
      loading = this.load(sessionId).finally(() => this.loading.delete(sessionId));
      this.loading.set(sessionId, loading);
    }
    return loading;
  }

  private async load(sessionId: string): Promise<LiveEngine> {
    const session = await this.sessions.findOneBy({ id: sessionId });
    if (!session) throw DomainError.notFound('session');
    const { live, events } = await this.rebuilder.rebuild(session);
    if (OPEN_PHASES.includes(session.phase)) events.push(...live.engine.tick(Date.now() - TICK_GRACE_MS));
    await this.record(live, events, true);
    if (OPEN_PHASES.includes(session.phase)) {
      this.live.set(sessionId, live);
      this.wheel.add(sessionId);
    }
    return live;
  }

  private forget(sessionId: string): void {
    this.live.delete(sessionId);
    this.wheel.delete(sessionId);
  }
}
