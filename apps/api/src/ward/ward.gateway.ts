import type { OnModuleDestroy } from '@nestjs/common';
import { type OnGatewayConnection, type OnGatewayInit, WebSocketGateway } from '@nestjs/websockets';
import type { WardClientEvents, WardServerEvents } from '#contracts';
import type { Namespace, Socket } from 'socket.io';
import type { AuthUser } from '../auth/auth-user.js';
import { userActor } from '../audit/audit-context.js';
import { AuditService } from '../audit/audit.service.js';
import { AuthService } from '../auth/auth.service.js';
import { ClusterSignals } from '../cluster/cluster-signals.js';
import { logger } from '../common/logger.js';
import { argumentsOf, refusal } from '../common/socket-answers.js';
import { DomainEvents } from '../events/domain-events.js';
import { vitalsEvent } from '../readings/vitals-event.js';
import { WardService } from './ward.service.js';

type WardSocket = Socket<WardClientEvents, WardServerEvents, object, { user: AuthUser }>;

export const siteRoom = (siteId: string) => `site:${siteId}`;

/** `/ward`: the nurses' live view. Staff tokens only; each socket hears its own sites and nothing else. */
@WebSocketGateway({ namespace: '/ward' })
export class WardGateway implements OnGatewayInit, OnGatewayConnection, OnModuleDestroy {
  private readonly unsubscribe: (() => void)[] = [];

  constructor(
    private readonly auth: AuthService,
    private readonly ward: WardService,
    private readonly events: DomainEvents,
    private readonly audit: AuditService,
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
      this.auth.authenticate(typeof token === 'string' ? token : undefined).then(
        (user) => {
          if (!user) return next(new Error('unauthorized'));
          socket.data = { user };
          next();
        },
        () => next(new Error('unavailable')),
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
    );
  }

  async handleConnection(socket: WardSocket): Promise<void> {
    const { user } = socket.data;
    // The ward namespace only speaks to clients; an event from one that asks for an answer gets a refusal.
    (socket as unknown as Socket).onAny((...received: unknown[]) => {
      argumentsOf(received).ack?.(refusal('event', 'the ward namespace takes no events from clients'));
    });
    await socket.join(user.siteIds.map(siteRoom));
    await this.sendSnapshot(socket);
  }

  private async sendSnapshot(socket: WardSocket): Promise<void> {
    const { user } = socket.data;
    try {
      const sessions = await this.ward.snapshot(user.siteIds);
      // The snapshot shows patients' sessions: a read, audited like a REST read.
      await this.audit.recordAlone(
        { actor: userActor(user), ip: socket.handshake.address, correlationId: socket.id },
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

  onModuleDestroy(): void {
    for (const off of this.unsubscribe) off();
  }
}
