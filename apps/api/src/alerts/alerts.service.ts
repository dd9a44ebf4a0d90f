import { Injectable, type OnApplicationBootstrap, type OnApplicationShutdown, type OnModuleInit } from '@nestjs/common';
import { OPEN_PHASES } from '#contracts';
import {
  MONITORED,
  predoseGate,
  type AlertEvent,
  type Baseline,
  type PredoseBlocker,
  type ProtocolRules,
} from '#vitals';
import type { AuditContext } from '../audit/audit-context.js';
import type { AuditEntry } from '../audit/audit.service.js';
import type { AuthUser } from '../identity/auth-user.js';
import { ClusterSignals } from '../cluster/cluster-signals.js';
import { EngineLeases, LeaseLostError, NotOwnerError } from '../cluster/engine-leases.js';
import { Batcher } from '../common/batcher.js';
import { DomainError } from '../common/domain-error.js';
import { logger } from '../common/logger.js';
import { Metrics } from '../common/metrics.js';
import { DomainEvents, type StoredReading } from '../events/domain-events.js';
import type { SessionState } from '../events/session-state.js';
import type { SessionBaselines } from '../sessions/session-baselines.js';
import { SessionsRepository } from '../sessions/sessions.repository.js';
import { AlertStore } from './alert-store.js';
import type { AlertView } from './alert-view.js';
import { EngineRebuilder } from './engine-rebuilder.js';
import { afterCursor, type LiveEngine } from './live-engines.js';
import { TickWheel } from './tick-wheel.js';

/** Ticks lag the wall clock a little, so a reading still in transit is not taken for a lost signal. */
const TICK_GRACE_MS = 5_000;
const TICK_EVERY_MS = 1_000;
/** An engine's state is saved at least this often while it changes without raising anything. */
const SAVE_EVERY_MS = 15_000;
/** The sessions are ticked a slice at a time, one slice per turn, so no turn handles them all. */
const TURN_MS = 100;
const FAILED = Symbol('engine failed');
/** Lapsed leases taken over at once, at most: each takeover rebuilds an engine from the database. */
const TAKEOVERS_AT_ONCE = 8;

interface AcknowledgeRequest {
  alertId: string;
  user: AuthUser;
  context: AuditContext;
  note: string | null;
}

/**
 * Runs one detection engine per open session: feeds it the stored readings, the phase changes, the
 * acknowledgements and a clock tick every second; stores every alert transition and the engine's
 * state; and announces each transition to the session's site. Each session's work runs in order.
 *
 * With several instances (REDIS_URL), each engine runs on the instance holding the session's lease
 * (EngineLeases). Readings may be committed by any instance: the owner, woken by a signal carrying
 * the session id, reads the committed rows after its cursor, the same way a rebuild does, so a
 * takeover is a rebuild. Acknowledgements made elsewhere are sent to the owner.
 */
@Injectable()
export class AlertsService implements SessionBaselines, OnModuleInit, OnApplicationBootstrap, OnApplicationShutdown {
  private readonly live = new Map<string, LiveEngine>();
  private readonly loading = new Map<string, Promise<LiveEngine>>();
  /** The live sessions' turns for ticks and state saves (by session id). */
  private readonly wheel = new TickWheel<string>(TICK_EVERY_MS / TURN_MS, SAVE_EVERY_MS / TURN_MS);
  private ticker: NodeJS.Timeout | null = null;
  private leaseTimer: NodeJS.Timeout | null = null;
  private stopping = false;
  private keeping = false;
  /** A round of takeovers runs apart from the renewals, which it must never hold up. */
  private takingOver = false;
  /** Sessions woken by new readings, read from the database together (several instances only). */
  private readonly wakes = new Batcher<string, void>((ids) => this.catchUp(ids), {
    delayMs: 2,
    maxBatch: 2_000,
    maxConcurrent: 2,
  });

  constructor(
    private readonly sessions: SessionsRepository,
    private readonly store: AlertStore,
    private readonly rebuilder: EngineRebuilder,
    private readonly events: DomainEvents,
    private readonly leases: EngineLeases,
    private readonly signals: ClusterSignals,
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
    if (!this.leases.enabled) return;
    this.signals.on('readings', ({ sessionIds }) => this.wake(sessionIds.filter((id) => this.live.has(id))));
    this.signals.on('session', ({ sessionId }) => {
      if (this.live.has(sessionId)) void this.refreshPhase(sessionId);
    });
    // Wake-ups sent while Redis was away are lost: every engine here reads what it missed.
    this.signals.onRestored(() => this.wake([...this.live.keys()]));
    this.signals.answer('alert.acknowledge', (body) => {
      const { alertId, user, context, note } = body as AcknowledgeRequest;
      return this.acknowledgeHere(alertId, user, context, note);
    });
  }

  /**
   * After a restart, every open session's engine is rebuilt before the service takes readings. With
   * several instances, only those no other instance runs; the others are taken over when they lapse.
   */
  async onApplicationBootstrap(): Promise<void> {
    if (this.leases.enabled) {
      await this.takeOverLapsed();
      this.leaseTimer = setInterval(() => void this.keepLeases(), Math.max(250, this.leases.leaseMs / 4));
      this.leaseTimer.unref();
    } else {
      const open = await this.sessions.open();
      for (const session of open) await this.engineOf(session.id);
    }
    this.ticker = setInterval(() => this.turn(), TURN_MS);
    this.ticker.unref();
  }

  async onApplicationShutdown(): Promise<void> {
    this.stopping = true;
    if (this.ticker) clearInterval(this.ticker);
    if (this.leaseTimer) clearInterval(this.leaseTimer);
    await Promise.all(
      [...this.live.values()].map((live) => this.work(live.sessionId, (l) => this.saveState(l)).catch(() => undefined)),
    );
    // Let the other instances take over at once rather than after the lease.
    await this.leases.release(this.held()).catch(() => undefined);
  }

  /** The baseline so far (live during `baseline`), after every reading stored until now. */
  async baselineOf(sessionId: string): Promise<Baseline> {
    try {
      return await this.work(sessionId, (live) => Promise.resolve(live.engine.baseline));
    } catch (error) {
      if (!(error instanceof NotOwnerError)) throw error;
      // Run elsewhere: the same engine, rebuilt here from what is stored, read and thrown away.
      const session = await this.sessions.byId(sessionId);
      if (!session) throw DomainError.notFound('session');
      return (await this.rebuilder.rebuild(session)).live.engine.baseline;
    }
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
    if (this.leases.enabled) {
      const row = await this.store.findById(alertId);
      if (!row || !user.siteIds.includes(row.siteId)) throw DomainError.notFound('alert');
      const owner = this.live.has(row.sessionId) ? null : await this.leases.holder(row.sessionId);
      if (owner && owner !== this.leases.owner) {
        const request: AcknowledgeRequest = { alertId, user, context, note };
        return this.signals.request<AlertView>(owner, { kind: 'alert.acknowledge', body: request });
      }
    }
    return this.acknowledgeHere(alertId, user, context, note);
  }

  /** On the instance that runs (or may take) the session's engine. */
  private async acknowledgeHere(
    alertId: string,
    user: AuthUser,
    context: AuditContext,
    note: string | null,
  ): Promise<AlertView> {
    const row = await this.store.findById(alertId);
    if (!row) throw DomainError.notFound('alert');
    if (!user.siteIds.includes(row.siteId)) throw DomainError.notVisible('alert', alertId);
    // An alert stays acknowledgeable after discharge or abort: the acknowledgement is its own audited
    // act, the signed record keeps what was signed, and an alarm no one can ever answer helps no one.
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
    }).catch((error: unknown) => {
      if (error instanceof NotOwnerError || error instanceof LeaseLostError) {
        throw new DomainError('unavailable', 'The alert is being taken over by another instance; try again');
      }
      throw error;
    });
    if (!saved) throw new DomainError('conflict', 'This alert cannot be acknowledged in its current state');
    const [view] = await this.store.view([(await this.store.findById(alertId))!]);
    return view!;
  }

  private onReadings(readings: StoredReading[]): void {
    if (this.leases.enabled) {
      // Several instances: the owner reads the committed rows, wherever they were written.
      const ids = [...new Set(readings.map((r) => r.sessionId))];
      this.wake(ids.filter((id) => this.live.has(id)));
      const elsewhere = ids.filter((id) => !this.live.has(id));
      if (elsewhere.length > 0) this.signals.publish({ type: 'readings', sessionIds: elsewhere });
      return;
    }
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

  private async changePhase(live: LiveEngine, session: SessionState): Promise<void> {
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
    const rows = await this.store.save(live.sessionId, live.siteId, live.epoch, events, state, audit);
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
      await this.store.saveStateBatched(live.sessionId, live.engine.serialize(), live.epoch);
      live.unsavedSinceMs = null;
    } catch (error) {
      // Taken over: this engine stops here. Otherwise logged by the store, and still unsaved: it goes
      // with the session's next save turn.
      if (error instanceof LeaseLostError) this.lost(live);
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
      if (error instanceof LeaseLostError) {
        this.lost(live);
      } else if (!(error instanceof DomainError)) {
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
    let epoch: number | null = null;
    if (this.leases.enabled) {
      if (this.stopping) throw new NotOwnerError(sessionId);
      epoch = await this.leases.acquire(sessionId);
      if (epoch === null) throw new NotOwnerError(sessionId);
    }
    const session = await this.sessions.byId(sessionId);
    if (!session) throw DomainError.notFound('session');
    const { live, events } = await this.rebuilder.rebuild(session, epoch);
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

  /** Another instance took the session over: this engine stops, without saving anything. */
  private lost(live: LiveEngine): void {
    live.failed = true;
    if (this.live.get(live.sessionId) !== live) return;
    logger.warn({ sessionId: live.sessionId, epoch: live.epoch }, 'engine lease taken over by another instance');
    this.forget(live.sessionId);
  }

  private held(): Map<string, number> {
    const held = new Map<string, number>();
    for (const live of this.live.values()) if (live.epoch !== null) held.set(live.sessionId, live.epoch);
    return held;
  }

  private wake(sessionIds: string[]): void {
    for (const id of sessionIds) void this.wakes.add(id).catch(() => undefined);
  }

  /** Reads the readings committed after each woken engine's cursor (one statement) and feeds them in order. */
  private async catchUp(ids: string[]): Promise<void[]> {
    const cursors = new Map<string, LiveEngine['cursor']>();
    for (const id of ids) {
      const live = this.live.get(id);
      if (live) cursors.set(id, live.cursor);
    }
    const done = ids.map(() => undefined);
    if (cursors.size === 0) return done;
    let found: Awaited<ReturnType<EngineRebuilder['readingsAfter']>>;
    try {
      found = await this.rebuilder.readingsAfter(cursors);
    } catch (error) {
      // The next wake-up or the lease round reads them.
      logger.warn({ err: error, sessions: cursors.size }, 'could not read new readings for the detection engines');
      return done;
    }
    for (const [sessionId, readings] of found) {
      void this.work(sessionId, async (live) => {
        const events: AlertEvent[] = [];
        for (const reading of readings) {
          // Another read may have fed it already (two reads of one session can overlap).
          if (afterCursor(live.cursor, reading) <= 0) continue;
          live.cursor = { ms: reading.recordedAtMs, seq: reading.seq };
          events.push(...live.engine.addReading(reading));
        }
        live.unsavedSinceMs ??= Date.now();
        if (events.length > 0) await this.record(live, events);
      }).catch(() => undefined);
    }
    return done;
  }

  /** A session changed on another instance: this engine takes the phase from the database. */
  private async refreshPhase(sessionId: string): Promise<void> {
    try {
      const session = await this.sessions.byId(sessionId);
      if (session) await this.work(sessionId, (live) => this.changePhase(live, session));
    } catch {
      // The next lease round compares the phases again.
    }
  }

  /**
   * Every quarter of the lease: renews the leases of the engines here (an engine whose lease was
   * taken over stops), applies phase changes whose signal was lost, reads the readings of every
   * engine here while Redis is away, and takes over the sessions whose lease lapsed.
   */
  private async keepLeases(): Promise<void> {
    // A slow round (a busy database) is not overlapped by the next one, which would only add to it.
    if (this.stopping || this.keeping) return;
    this.keeping = true;
    try {
      const held = this.held();
      const kept = await this.leases.renew(held);
      for (const [sessionId, epoch] of held) {
        const live = this.live.get(sessionId);
        if (!live || live.epoch !== epoch) continue;
        const phase = kept.get(sessionId);
        if (phase === undefined) this.lost(live);
        else if (phase !== live.engine.phase) void this.refreshPhase(sessionId);
      }
      if (!this.signals.flowing) this.wake([...this.live.keys()]);
      // Not awaited: rebuilding many orphaned engines can take longer than a lease, and the leases
      // held here must still be renewed meanwhile, or they would lapse and move to another instance.
      if (!this.takingOver) {
        this.takingOver = true;
        void this.takeOverLapsed()
          .catch((error: unknown) => logger.warn({ err: error }, 'could not take over lapsed engines; trying again'))
          .finally(() => (this.takingOver = false));
      }
    } catch (error) {
      logger.warn({ err: error }, 'could not renew the engine leases; trying again');
    } finally {
      this.keeping = false;
    }
  }

  /** Takes over (rebuilds here) the open sessions whose engine no instance runs. */
  private async takeOverLapsed(): Promise<void> {
    const orphans = (await this.leases.orphans()).filter((id) => !this.live.has(id) && !this.loading.has(id));
    if (orphans.length === 0) return;
    const startedAt = Date.now();
    const before = this.live.size;
    const next = () => orphans.pop();
    const taker = async () => {
      for (let id = next(); id !== undefined; id = next()) {
        await this.engineOf(id).catch((error: unknown) => {
          if (!(error instanceof NotOwnerError)) logger.warn({ err: error, sessionId: id }, 'could not take over');
        });
      }
    };
    await Promise.all(Array.from({ length: TAKEOVERS_AT_ONCE }, taker));
    const taken = this.live.size - before;
    if (taken > 0) logger.info({ sessions: taken, ms: Date.now() - startedAt }, 'took over detection engines');
  }
}
