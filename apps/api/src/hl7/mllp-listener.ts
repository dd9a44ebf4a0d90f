import { randomUUID } from 'node:crypto';
import net from 'node:net';
import { Inject, Injectable } from '@nestjs/common';
import { type AuditContext, deviceActor } from '../audit/audit-context.js';
import { type AuditEntry, AuditService } from '../audit/audit.service.js';
import { logger } from '../common/logger.js';
import { APP_CONFIG, type AppConfig } from '../config/config.js';
import { DevicesService } from '../devices/devices.service.js';
import { Hl7Intake, type Outcome } from './hl7-intake.js';
import { frame, MllpDecoder } from './mllp-framing.js';

/** Larger than any ORU^R01 of a monitor (a backlog of thousands of observations is some 200 KB): beyond it the sender is not speaking MLLP to us. */
const MAX_FRAME_BYTES = 512 << 10;
/** Bytes outside frames tolerated on one connection before it is closed. */
const MAX_NOISE_BYTES = 64 << 10;
/** Frames received and not yet answered on one connection (a gateway waits for each ACK). */
const MAX_QUEUED_FRAMES = 64;
const IDLE_MS = 10 * 60_000;
const MAX_CONNECTIONS = 2000;

interface Connection {
  id: string;
  ip: string | null;
  socket: net.Socket;
  decoder: MllpDecoder;
  queue: Promise<void>;
  queued: number;
  noise: number;
  /** The registered sources heard on this connection (a gateway may speak for several monitors): device → site. */
  devices: Map<string, string>;
  refusalsAudited: Set<string>;
  messages: number;
}

/**
 * The HL7 v2 MLLP listener (HL7_MLLP_PORT): frames are answered one at a time, in order, each with
 * the acknowledgement of its message. Hostile input costs a bounded amount of memory and is answered
 * with a NAK or a closed connection; it never affects other connections.
 */
@Injectable()
export class MllpListener {
  private server: net.Server | null = null;
  private readonly connections = new Set<Connection>();

  constructor(
    private readonly intake: Hl7Intake,
    private readonly audit: AuditService,
    private readonly devices: DevicesService,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  /** Starts listening when configured; resolves with the port, or `null` when HL7 is off. */
  async start(): Promise<number | null> {
    if (this.config.hl7MllpPort === null) return null;
    const server = net.createServer((socket) => this.accept(socket));
    server.maxConnections = MAX_CONNECTIONS;
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(this.config.hl7MllpPort!, this.config.hl7MllpHost, () => {
        server.off('error', reject);
        resolve();
      });
    });
    server.on('error', (error) => logger.error({ err: error }, 'HL7 MLLP listener error'));
    this.server = server;
    const port = (server.address() as net.AddressInfo).port;
    logger.info({ port, host: this.config.hl7MllpHost }, 'HL7 MLLP listener is listening');
    return port;
  }

  /** Stops taking connections, lets the frames in hand be answered (bounded), then closes the rest. */
  async stop(): Promise<void> {
    const server = this.server;
    if (!server) return;
    this.server = null;
    const closed = new Promise<void>((resolve) => server.close(() => resolve()));
    const pending = Promise.all([...this.connections].map((c) => c.queue));
    await Promise.race([pending, new Promise((resolve) => setTimeout(resolve, 3000))]);
    for (const connection of this.connections) connection.socket.destroy();
    await closed;
  }

  private accept(socket: net.Socket): void {
    socket.setNoDelay(true);
    socket.setTimeout(IDLE_MS);
    const connection: Connection = {
      id: randomUUID(),
      ip: socket.remoteAddress ?? null,
      socket,
      decoder: new MllpDecoder(MAX_FRAME_BYTES),
      queue: Promise.resolve(),
      queued: 0,
      noise: 0,
      devices: new Map(),
      refusalsAudited: new Set(),
      messages: 0,
    };
    this.connections.add(connection);
    socket.on('data', (chunk: Buffer) => this.onData(connection, chunk));
    socket.on('timeout', () => socket.destroy());
    socket.on('error', () => undefined);
    socket.on('close', () => {
      this.connections.delete(connection);
      const cut = connection.decoder.pending;
      if (cut > 0)
        logger.info({ connection: connection.id, bytes: cut }, 'HL7 connection closed in the middle of a frame');
      for (const [deviceId, siteId] of connection.devices) {
        this.record(
          connection,
          {
            action: 'hl7.disconnect',
            entityType: 'device',
            entityId: deviceId,
            siteId,
            details: { messages: connection.messages, unfinishedFrameBytes: cut },
          },
          deviceId,
        );
      }
    });
  }

  private onData(connection: Connection, chunk: Buffer): void {
    for (const event of connection.decoder.push(chunk)) {
      if (event.kind === 'noise') {
        connection.noise += event.bytes;
        if (connection.noise > MAX_NOISE_BYTES) return this.drop(connection, 'too many bytes outside MLLP frames');
      } else if (event.kind === 'oversize') {
        return this.drop(connection, `an MLLP frame larger than ${MAX_FRAME_BYTES} bytes`);
      } else {
        if (++connection.queued > MAX_QUEUED_FRAMES) return this.drop(connection, 'too many unanswered messages');
        const { payload } = event;
        connection.queue = connection.queue.then(() => this.answer(connection, payload));
      }
    }
  }

  private async answer(connection: Connection, payload: Buffer): Promise<void> {
    let outcome: Outcome;
    try {
      outcome = await this.intake.receive(payload);
    } catch (error) {
      // Intake answers every message itself; this is a defect, and the gateway gets no ACK and resends.
      logger.error({ err: error }, 'HL7 message not answered');
      connection.queued--;
      return;
    }
    connection.queued--;
    connection.messages++;
    const { device } = outcome;
    if (device && !connection.devices.has(device.deviceId)) {
      connection.devices.set(device.deviceId, device.siteId);
      this.record(
        connection,
        { action: 'hl7.connect', entityType: 'device', entityId: device.deviceId, siteId: device.siteId },
        device.deviceId,
      );
      this.devices.seen(device.deviceId, true);
    } else if (device) {
      this.devices.seen(device.deviceId);
    }
    if (outcome.refusal) this.recordRefusal(connection, outcome);
    if (!connection.socket.destroyed) connection.socket.write(frame(outcome.ack));
  }

  private drop(connection: Connection, reason: string): void {
    logger.warn({ connection: connection.id, reason }, 'HL7 connection closed');
    this.record(connection, {
      action: 'hl7.refuse',
      entityType: 'hl7_connection',
      entityId: null,
      details: { reason },
    });
    connection.socket.destroy();
  }

  /** Each kind of refusal is audited once per connection: a gateway repeating a bad message does not flood the trail. */
  private recordRefusal(connection: Connection, { refusal, device }: Outcome): void {
    if (!refusal) return;
    const kind = `${refusal.problem.code}:${refusal.source?.application ?? ''}`;
    if (connection.refusalsAudited.has(kind) || connection.refusalsAudited.size > 20) return;
    connection.refusalsAudited.add(kind);
    this.record(
      connection,
      {
        action: 'hl7.refuse',
        entityType: device ? 'device' : 'hl7_source',
        entityId: device?.deviceId ?? null,
        siteId: device?.siteId ?? null,
        details: {
          ack: refusal.problem.ack,
          code: refusal.problem.code,
          message: refusal.problem.message,
          controlId: refusal.controlId?.slice(0, 64) ?? null,
          sendingApplication: refusal.source?.application.slice(0, 100) ?? null,
          sendingFacility: refusal.source?.facility.slice(0, 100) ?? null,
          eui64s: refusal.source?.eui64s.slice(0, 4) ?? [],
          bed: refusal.source?.bed?.slice(0, 100) ?? null,
        },
      },
      device?.deviceId ?? null,
    );
  }

  private record(connection: Connection, entry: AuditEntry, deviceId: string | null = null): void {
    const context: AuditContext = {
      actor: deviceId ? deviceActor(deviceId) : { type: 'anonymous', id: null, name: null, role: null },
      ip: connection.ip,
      correlationId: connection.id,
    };
    void this.audit.recordAlone(context, entry).catch((error: unknown) => {
      logger.warn({ err: error, action: entry.action }, 'could not record an HL7 connection event in the audit trail');
    });
  }
}
