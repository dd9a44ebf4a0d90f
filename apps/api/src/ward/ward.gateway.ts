import { Inject, type OnModuleDestroy } from '@nestjs/common';
import { type OnGatewayConnection, type OnGatewayInit, WebSocketGateway } from '@nestjs/websockets';
import type { WardClientEvents, WardServerEvents, WardSignOutReason } from '#contracts';
import type { Namespace, Socket } from 'socket.io';
import { userActor } from '../audit/audit-context.js';
import { AuditService } from '../audit/audit.service.js';
import { AuthService } from '../auth/auth.service.js';
import type { Credential } from '../identity/auth-user.js';
import { UserDirectory } from '../auth/user-directory.js';
import { ClusterSignals } from '../cluster/cluster-signals.js';
import { logger } from '../common/logger.js';
import { argumentsOf, handshakeRefusal, refusal } from '../common/socket-answers.js';
import { APP_CONFIG, type AppConfig } from '../config/config.js';
import { clientAddress } from '../config/trust-proxy.js';
import { DomainEvents } from '../events/domain-events.js';
import { ANY_USER, type UserChange, UserChanges } from '../events/user-changes.js';
import { vitalsEvent } from '../readings/vitals-event.js';
import { SIGN_OUT_MESSAGES, verdictOf } from './ward-access.js';
import { WardService } from './ward.service.js';

type WardSocket = Socket<WardClientEvents, WardServerEvents, object, { credential: Credential; ip: string | null }>;

export const siteRoom = (siteId: string) => `site:${siteId}`;

/**
 * `/ward`: the nurses' live view. Staff tokens only; each socket hears its own sites and nothing else,
 * for as long as its user's access lasts: every published change of the user (UserChanges) re-checks
 * their open sockets at once — a deactivation, a new password, a sign-out closes them, a change of
 * sites moves them to the new sites' rooms with a fresh snapshot — and a socket closes when its token
 * expires.
 */
@WebSocketGateway({ namespace: '/ward' })
export class WardGateway implements OnGatewayInit, OnGatewayConnection, OnModuleDestroy {
  private readonly unsubscribe: (() => void)[] = [];
  /** The open sockets of each user on this instance. */
  private readonly byUser = new Map<string, Set<WardSocket>>();

  constructor(
    private readonly auth: AuthService,
    private readonly directory: UserDirectory,
    private readonly ward: WardService,
    private readonly events: DomainEvents,
    private readonly userChanges: UserChanges,
    private readonly audit: AuditService,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    private readonly signals: ClusterSignals,
  ) {}

  afterInit(namespace: Namespace<WardClientEvents, WardServerEvents>): void {
    // Events sent while Redis was away never reached the screens on the other instances: every
    // screen here starts again from a fresh snapshot.
    this.signals.onRestored(() => {
      for (const socket of namespace.sockets.values()) void this.sendSnapshot(socket as WardSocket);
    });
    namespace.use((socket, next) => {
      const token = (socket.handshake.auth as { token?: unknown } | undefined)?.token;
      this.auth.verify(typeof token === 'string' ? token : undefined).then(
        (credential) => {
          if (!credential) return next(handshakeRefusal('unauthorized'));
          socket.data = { credential, ip: clientAddress(socket.request, this.config.trustProxy) };
          next();
        },
        () => next(handshakeRefusal('unavailable')),
      );
    });
    this.unsubscribe.push(
      this.events.on('readings.stored', ({ siteId, readings }) => {
        // Encoding an event costs even when nobody listens; most of the time no screen is open. With
        // several instances the screens may be on another one: the adapter carries it there.
        if (!this.signals.enabled && !namespace.adapter.rooms.get(siteRoom(siteId))?.size) return;
        const room = namespace.to(siteRoom(siteId));
        for (const stored of readings) room.emit('vitals', vitalsEvent(stored));
      }),
      this.events.on('alert.changed', ({ siteId, alert }) => namespace.to(siteRoom(siteId)).emit('alert', alert)),
      this.events.on('session.changed', ({ session }) => {
        void this.ward.summaryOf(session).then(
          (summary) => namespace.to(siteRoom(session.siteId)).emit('session', summary),
          (error: unknown) => logger.warn({ err: error }, 'could not announce a session change'),
        );
      }),
      this.userChanges.subscribe((change) => this.recheck(change)),
    );
  }

  async handleConnection(socket: WardSocket): Promise<void> {
    const { credential } = socket.data;
    // The ward namespace only speaks to clients; an event from one that asks for an answer gets a refusal.
    (socket as unknown as Socket).onAny((...received: unknown[]) => {
      argumentsOf(received).ack?.(
        refusal('validation_failed', 'the ward namespace takes no events from clients', 'event'),
      );
    });
    this.track(socket);
    // A change published while the handshake was being checked is not missed.
    const now = await this.directory.find(credential.user.id).catch(() => undefined);
    if (now === undefined) return void socket.disconnect(true);
    const verdict = verdictOf(credential, { userId: credential.user.id, reasons: ['updated'] }, now);
    if ('signOut' in verdict) return this.signOut(socket, verdict.signOut);
    socket.data.credential = { ...credential, user: now!.user };
    await socket.join(now!.user.siteIds.map(siteRoom));
    await this.sendSnapshot(socket);
  }

  onModuleDestroy(): void {
    for (const off of this.unsubscribe) off();
  }

  /** Keeps the socket findable by its user, and closes it when its token expires. */
  private track(socket: WardSocket): void {
    const userId = socket.data.credential.user.id;
    const sockets = this.byUser.get(userId) ?? new Set();
    sockets.add(socket);
    this.byUser.set(userId, sockets);
    const expiry = setTimeout(
      () => this.signOut(socket, 'token_expired'),
      Math.max(0, socket.data.credential.expiresAtMs - Date.now()),
    );
    socket.once('disconnect', () => {
      clearTimeout(expiry);
      sockets.delete(socket);
      if (sockets.size === 0 && this.byUser.get(userId) === sockets) this.byUser.delete(userId);
    });
  }

  private recheck(change: UserChange): void {
    if (change.userId === ANY_USER) {
      for (const userId of [...this.byUser.keys()]) this.recheck({ userId, reasons: ['updated'] });
      return;
    }
    const sockets = this.byUser.get(change.userId);
    if (!sockets?.size) return;
    const open = [...sockets];
    // Signing out one token concerns only that token's sockets: no need to read the user again.
    if (change.reasons.every((reason) => reason === 'token_revoked')) {
      for (const socket of open)
        if (socket.data.credential.jti === change.token?.jti) this.signOut(socket, 'signed_out');
      return;
    }
    this.directory
      .fresh(change.userId)
      .then(
        async (now) => {
          for (const socket of open) {
            if (!socket.connected) continue;
            const verdict = verdictOf(socket.data.credential, change, now);
            if ('signOut' in verdict) {
              this.signOut(socket, verdict.signOut);
              continue;
            }
            const before = socket.data.credential.user.siteIds;
            socket.data.credential = { ...socket.data.credential, user: now!.user };
            if (verdict.sitesChanged) await this.moveRooms(socket, before, now!.user.siteIds);
          }
        },
        (error: unknown) => {
          // Access cannot be confirmed: close rather than keep streaming; the screens reconnect.
          logger.warn({ err: error }, 'could not re-check ward sockets after a user change; closing them');
          for (const socket of open) socket.disconnect(true);
        },
      )
      .catch((error: unknown) => logger.warn({ err: error }, 'could not move a ward socket to its new sites'));
  }

  private async moveRooms(socket: WardSocket, before: string[], after: string[]): Promise<void> {
    for (const siteId of before) if (!after.includes(siteId)) await socket.leave(siteRoom(siteId));
    await socket.join(after.map(siteRoom));
    await this.sendSnapshot(socket);
  }

  private signOut(socket: WardSocket, reason: WardSignOutReason): void {
    if (!socket.connected) return;
    socket.emit('signed_out', { reason, message: SIGN_OUT_MESSAGES[reason] });
    socket.disconnect(true);
  }

  private async sendSnapshot(socket: WardSocket): Promise<void> {
    const { user } = socket.data.credential;
    try {
      const sessions = await this.ward.snapshot(user.siteIds);
      // The snapshot shows patients' sessions: a read, audited like a REST read.
      await this.audit.recordAlone(
        { actor: userActor(user), ip: socket.data.ip, correlationId: socket.id },
        {
          action: 'ward.snapshot',
          entityType: 'session',
          details: { siteIds: user.siteIds, sessionIds: sessions.map((s) => s.id) },
        },
      );
      socket.emit('snapshot', { sessions });
    } catch (error) {
      logger.warn({ err: error }, 'could not send a ward snapshot; disconnecting');
      socket.disconnect(true);
    }
  }
}
