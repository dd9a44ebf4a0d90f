import { type OnGatewayConnection, type OnGatewayInit, WebSocketGateway } from '@nestjs/websockets';
import type { OnModuleDestroy } from '@nestjs/common';
import { OPEN_PHASES, type DeviceClientEvents, type DeviceServerEvents } from '#contracts';
import type { Namespace, Socket } from 'socket.io';
import { type AuditContext, deviceActor } from '../audit/audit-context.js';
import { type AuditEntry, AuditService } from '../audit/audit.service.js';
import { logger } from '../common/logger.js';
import { argumentsOf, handshakeRefusal, refusal } from '../common/socket-answers.js';
import { DevicesService } from '../devices/devices.service.js';
import { DomainEvents } from '../events/domain-events.js';
import { IngestService } from './ingest.service.js';
import { SessionBindings } from './session-bindings.js';

type DeviceSocket = Socket<DeviceClientEvents, DeviceServerEvents, object, { deviceId: string; siteId: string }>;

const deviceRoom = (deviceId: string) => `device:${deviceId}`;

/** `/devices`: monitors authenticate in the handshake, then send readings with acknowledgements. */
@WebSocketGateway({ namespace: '/devices' })
export class DevicesGateway implements OnGatewayInit, OnGatewayConnection, OnModuleDestroy {
  private namespace: Namespace<DeviceClientEvents, DeviceServerEvents>;
  private readonly unsubscribe: (() => void)[] = [];

  constructor(
    private readonly devices: DevicesService,
    private readonly ingest: IngestService,
    private readonly bindings: SessionBindings,
    private readonly events: DomainEvents,
    private readonly audit: AuditService,
  ) {}

  afterInit(namespace: Namespace<DeviceClientEvents, DeviceServerEvents>): void {
    this.namespace = namespace;
    namespace.use((socket, next) => {
      this.devices.authenticate((socket.handshake.auth as { token?: unknown } | undefined)?.token).then(
        (device) => {
          if (!device) return next(handshakeRefusal('unauthorized'));
          socket.data = { deviceId: device.id, siteId: device.siteId };
          next();
        },
        () => next(handshakeRefusal('unavailable')),
      );
    });
    this.unsubscribe.push(
      this.events.on('device.revoked', ({ deviceId }) => namespace.in(deviceRoom(deviceId)).disconnectSockets(true)),
      this.events.on('session.changed', ({ session, previousDeviceId }) => {
        if (previousDeviceId && previousDeviceId !== session.deviceId) {
          namespace.to(deviceRoom(previousDeviceId)).emit('session', { sessionId: null, phase: null });
        }
        const open = OPEN_PHASES.includes(session.phase);
        namespace
          .to(deviceRoom(session.deviceId))
          .emit(
            'session',
            open ? { sessionId: session.id, phase: session.phase } : { sessionId: null, phase: session.phase },
          );
      }),
    );
  }

  async handleConnection(socket: DeviceSocket): Promise<void> {
    const { deviceId } = socket.data;
    // Devices are not trusted to send what the contract says: every event with an acknowledgement
    // callback gets an answer, whatever its name and however many payloads it carries.
    (socket as unknown as Socket).onAny((...received: unknown[]) => {
      // A packet with an acknowledgement id and no data arrives as the callback alone.
      const [event, ...args] = typeof received[0] === 'function' ? [undefined, ...received] : received;
      const { payloads, ack } = argumentsOf(args);
      this.devices.seen(deviceId);
      if (event === 'reading') {
        if (payloads.length !== 1)
          return ack?.({ seq: null, ...refusal('validation_failed', 'send one reading per event', 'reading') });
        void this.ingest.ingest(deviceId, payloads[0]).then((result) => ack?.(result));
      } else if (event === 'readings') {
        if (payloads.length !== 1)
          return ack?.(refusal('validation_failed', 'send one array of readings per event', 'readings'));
        void this.ingest.ingestBatch(deviceId, payloads[0]).then((result) => ack?.(result));
      } else {
        ack?.(
          refusal(
            'validation_failed',
            `unknown event "${String(event).slice(0, 40)}"; devices send reading or readings`,
            'event',
          ),
        );
      }
    });
    await socket.join(deviceRoom(deviceId));
    const context: AuditContext = {
      actor: deviceActor(deviceId),
      ip: socket.handshake.address,
      correlationId: socket.id,
    };
    const about = { entityType: 'device', entityId: deviceId, siteId: socket.data.siteId };
    this.recordConnection(context, { action: 'device.connect', ...about });
    socket.on('disconnect', (reason) => {
      this.devices.seen(deviceId, true);
      this.recordConnection(context, { action: 'device.disconnect', ...about, details: { reason } });
    });
    try {
      const [lastSeq, binding] = await Promise.all([this.ingest.lastSeq(deviceId), this.bindings.of(deviceId)]);
      socket.emit('resume', { lastSeq, sessionId: binding?.sessionId ?? null });
      this.devices.seen(deviceId, true);
    } catch (error) {
      // Without `resume` the device cannot know what to resend: let it reconnect and ask again.
      logger.warn({ err: error, deviceId }, 'could not send resume; disconnecting the device');
      socket.disconnect(true);
    }
  }

  /** Connections are audited when the database can take it; a connection is never refused for it. */
  private recordConnection(context: AuditContext, entry: AuditEntry): void {
    void this.audit.recordAlone(context, entry).catch((error: unknown) => {
      logger.warn({ err: error, action: entry.action }, 'could not record a device connection in the audit trail');
    });
  }

  onModuleDestroy(): void {
    for (const off of this.unsubscribe) off();
  }
}
