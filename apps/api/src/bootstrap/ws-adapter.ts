import type { INestApplicationContext } from '@nestjs/common';
import { IoAdapter } from '@nestjs/platform-socket.io';
import { createAdapter } from '@socket.io/redis-streams-adapter';
import type { Server, ServerOptions } from 'socket.io';
import { noSniffForSockets } from '../common/security-headers.js';
import type { RedisConnection } from '../cluster/redis-connection.js';
import { logger } from '../common/logger.js';
import {
  checkWebSocketTransport,
  coalesceWebSocketWrites,
  type CoalescingReport,
} from './coalesce-websocket-writes.js';

/**
 * The Redis client as the streams adapter should see it: its publishing commands fail at once while
 * Redis is away (the adapter then still delivers to this instance's own sockets), while the
 * connections it opens for itself (`duplicate`: the stream reader, the subscriber) wait for Redis
 * to come back rather than spin.
 */
function adapterClient(redis: RedisConnection): object {
  const client = redis.client as unknown as Record<string | symbol, unknown>;
  return new Proxy(client, {
    get(target, property) {
      if (property === 'duplicate') return () => redis.duplicate();
      const value = Reflect.get(target, property, target);
      return typeof value === 'function' ? (value as (...args: unknown[]) => unknown).bind(target) : value;
    },
  });
}

/**
 * engine.io keeps the HTTP request each connection began with for the connection's whole life
 * (about 4 KiB of heap each, with its parser state and header arrays). Once a socket has joined its
 * namespace, socket.io has copied what it needs (headers, address, auth) into `socket.handshake`,
 * and nothing here reads the request again: let it go.
 */
function releaseHandshakeRequests(server: Server): void {
  server.on('new_namespace', (namespace) =>
    namespace.on('connection', (socket) => {
      (socket.conn as { request: unknown }).request = null;
    }),
  );
}

/** Said once per process: whether engine.io's WebSocket flushes are corked (see coalesce-websocket-writes.ts). */
function reportCoalescing(result: CoalescingReport): void {
  if (result.applied) logger.info('WebSocket write coalescing applies to engine.io');
  else logger.warn({ reason: result.reason }, 'WebSocket write coalescing not applied: engine.io changed');
}

/** socket.io with limits suited to monitors: 1 MB per message, no per-message compression. */
export class WsAdapter extends IoAdapter {
  private io: Server | null = null;

  /** With `redis`, events for rooms reach the sockets of every instance (see docs/architecture.md). */
  constructor(
    app: INestApplicationContext,
    private readonly redis: RedisConnection | null = null,
  ) {
    super(app);
  }

  /**
   * Shutdown: closes every client's connection, so none (long-polling ones included) holds the server
   * open. Closing the transport, not sending a socket.io disconnect, lets clients reconnect by
   * themselves to the next instance.
   */
  disconnectAll(): void {
    this.io?.engine.close();
  }

  /** Connected clients per namespace (`/devices`, `/ward`), for the metrics. */
  socketCounts(): Record<string, number> {
    const counts: Record<string, number> = {};
    for (const [name, namespace] of this.io?._nsps ?? []) if (name !== '/') counts[name] = namespace.sockets.size;
    return counts;
  }

  /**
   * Nest binds `@SubscribeMessage` handlers per socket with a few RxJS subscriptions, and creates them
   * even for none. The gateways here take their events with `onAny`, so a socket needs none of it.
   */
  override bindMessageHandlers(...args: Parameters<IoAdapter['bindMessageHandlers']>): void {
    if (args[1].length > 0) super.bindMessageHandlers(...args);
  }

  override createIOServer(port: number, options?: ServerOptions) {
    const server = super.createIOServer(port, {
      ...options,
      maxHttpBufferSize: 1_000_000,
      perMessageDeflate: false,
      pingInterval: 10_000,
      pingTimeout: 10_000,
      connectTimeout: 10_000,
    } as ServerOptions) as Server;
    const transport = checkWebSocketTransport();
    if (transport.applied)
      logger.info('WebSocket write coalescing installed (checked at the first WebSocket connection)');
    else logger.warn({ reason: transport.reason }, 'WebSocket write coalescing not applied: engine.io changed');
    coalesceWebSocketWrites(server, reportCoalescing);
    noSniffForSockets(server);
    if (this.redis) {
      server.adapter(
        createAdapter(adapterClient(this.redis), {
          streamName: this.redis.key('socket.io'),
          channelPrefix: this.redis.key('socket.io'),
          sessionKeyPrefix: this.redis.key('socket.io', 'session', ''),
          // About 10 s of a 1,000-chair clinic's vitals: a reader that falls further behind loses events.
          maxLen: 10_000,
        }),
      );
    }
    releaseHandshakeRequests(server);
    // Only /devices and /ward serve clients, each with its own authentication. The main namespace
    // would otherwise connect anyone, without a token.
    server.of('/').use((_socket, next) => next(new Error('unauthorized')));
    this.io = server;
    return server;
  }
}
