import { Injectable, type OnModuleDestroy, type OnModuleInit } from '@nestjs/common';
import { logger } from '../common/logger.js';
import { type AccessDenied, DomainEvents } from '../events/domain-events.js';
import type { AuditContext } from './audit-context.js';
import { AuditService } from './audit.service.js';

/** Refusals of one user for one kind of target recorded one by one in a minute; the rest are counted. */
export const DENIALS_PER_MINUTE = 5;
const WINDOW_MS = 60_000;

interface Window {
  startedAtMs: number;
  /** The newest refusal beyond the limit, for the summary's context. */
  last: AccessDenied | null;
  notRecorded: number;
  recorded: number;
}

/**
 * Writes `access.denied` audit events for refused access to patient data and to the audit trail
 * (HIPAA 164.308(a)(1)(ii)(D): access attempts are reviewed). Bounded, so a flood of refused requests
 * cannot swamp the trail: per user and kind of target (session, alert, audit, …) at most
 * DENIALS_PER_MINUTE events in a minute; beyond that they are counted, and when the minute ends one
 * `access.denied_summary` event carries the count.
 */
@Injectable()
export class AccessDenials implements OnModuleInit, OnModuleDestroy {
  private readonly windows = new Map<string, Window>();
  private unsubscribe: (() => void) | null = null;
  /** Writes not yet done, awaited at shutdown so that the last summaries are kept. */
  private readonly writing = new Set<Promise<void>>();
  private sweeper: ReturnType<typeof setInterval> | null = null;

  constructor(
    private readonly events: DomainEvents,
    private readonly audit: AuditService,
  ) {}

  onModuleInit(): void {
    this.unsubscribe = this.events.on('access.denied', (denial) => this.onDenied(denial));
    this.sweeper = setInterval(() => this.flush(Date.now()), WINDOW_MS / 4);
    this.sweeper.unref();
  }

  async onModuleDestroy(): Promise<void> {
    this.unsubscribe?.();
    if (this.sweeper) clearInterval(this.sweeper);
    this.flush(Number.POSITIVE_INFINITY);
    await Promise.all(this.writing);
  }

  private onDenied(denial: AccessDenied, nowMs = Date.now()): void {
    const key = `${denial.user.id}\n${denial.targetKind}`;
    let window = this.windows.get(key);
    if (window && nowMs - window.startedAtMs >= WINDOW_MS) {
      this.close(window);
      window = undefined;
    }
    if (!window) {
      window = { startedAtMs: nowMs, last: null, notRecorded: 0, recorded: 0 };
      this.windows.set(key, window);
    }
    if (window.recorded < DENIALS_PER_MINUTE) {
      window.recorded++;
      this.write(denial, 'access.denied', {});
    } else {
      window.notRecorded++;
      window.last = denial;
    }
  }

  /** Ends the windows that are over, writing the summary of those that counted refusals. */
  private flush(nowMs: number): void {
    for (const [key, window] of this.windows) {
      if (nowMs - window.startedAtMs < WINDOW_MS) continue;
      this.windows.delete(key);
      this.close(window);
    }
  }

  private close(window: Window): void {
    if (!window.last || window.notRecorded === 0) return;
    this.write(window.last, 'access.denied_summary', {
      notRecorded: window.notRecorded,
      from: new Date(window.startedAtMs).toISOString(),
      to: new Date(window.startedAtMs + WINDOW_MS).toISOString(),
    });
  }

  private write(denial: AccessDenied, action: string, extra: object): void {
    const context: AuditContext = {
      actor: { type: 'user', id: denial.user.id, name: denial.user.username, role: denial.user.role },
      ip: denial.ip,
      correlationId: denial.correlationId,
    };
    const written = this.audit
      .recordAlone(context, {
        action,
        entityType: denial.targetKind,
        entityId: denial.targetId,
        details: { status: denial.status, method: denial.method, route: denial.route, ...extra },
      })
      .catch((error: unknown) => logger.warn({ err: error, action }, 'could not record a refused access'))
      .finally(() => this.writing.delete(written));
    this.writing.add(written);
  }
}
