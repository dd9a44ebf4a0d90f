import type { Socket as NetSocket } from 'node:net';
import { transports } from 'engine.io';
import type { Server } from 'socket.io';

interface Transport {
  name: string;
  socket?: { _socket?: NetSocket | null };
  send(packets: unknown[]): void;
}

/** Whether the patch holds for the engine.io in use, and if not, why (for the log and the tests). */
export interface CoalescingReport {
  applied: boolean;
  reason?: string;
}

const patched = new WeakSet<object>();

/**
 * The patch reaches the TCP socket through `ws`'s private `_socket` field of the transport's
 * WebSocket. An upgrade of engine.io or ws that renames it would leave every flush uncorked (the
 * frames still go out, one system call each): this says so instead of failing silently.
 */
function tcpSocketOf(transport: Transport): NetSocket | undefined {
  const tcp = transport.socket?._socket;
  return tcp && typeof tcp.cork === 'function' && typeof tcp.uncork === 'function' ? tcp : undefined;
}

/** Patches the transport's class once; returns whether this transport's flushes are now corked. */
export function coalesce(transport: Transport): CoalescingReport {
  if (transport.name !== 'websocket') return { applied: false, reason: `transport ${transport.name}` };
  if (!tcpSocketOf(transport)) {
    return { applied: false, reason: 'the WebSocket transport has no TCP socket at socket._socket' };
  }
  const prototype = Object.getPrototypeOf(transport) as Transport;
  if (patched.has(prototype)) return { applied: true };
  const send = prototype.send;
  if (typeof send !== 'function') return { applied: false, reason: 'the WebSocket transport has no send()' };
  patched.add(prototype);
  prototype.send = function (this: Transport, packets: unknown[]) {
    const tcp = packets.length > 1 ? tcpSocketOf(this) : undefined;
    if (!tcp || tcp.destroyed) return send.call(this, packets);
    tcp.cork();
    try {
      send.call(this, packets);
    } finally {
      process.nextTick(() => tcp.uncork());
    }
  };
  return { applied: true };
}

/**
 * What can be checked before any client connects: engine.io still has a WebSocket transport whose
 * class sends a flush's packets with `send(packets)`. The private field is checked at the first
 * WebSocket connection.
 */
export function checkWebSocketTransport(): CoalescingReport {
  const websocket = (transports as Record<string, { prototype?: { send?: unknown } } | undefined>).websocket;
  if (typeof websocket?.prototype?.send !== 'function') {
    return { applied: false, reason: "engine.io's WebSocket transport has no send() on its prototype" };
  }
  return { applied: true };
}

/**
 * engine.io writes each packet of a flush as its own WebSocket frame, and each frame becomes its own
 * `writev` system call. A committed batch of readings answers many acknowledgements to the same
 * monitor at once, so the TCP socket is corked for the duration of one flush and the frames leave in
 * one system call. Frames, their order and their content are unchanged. The transport class is taken
 * from a live connection, so the patch always applies to the engine.io copy socket.io uses.
 *
 * `report` is called once, at the first WebSocket connection: whether the patch applied, and if not
 * why (the service logs it; a test fails on it).
 */
export function coalesceWebSocketWrites(server: Server, report?: (result: CoalescingReport) => void): void {
  let reported = false;
  const apply = (transport: Transport): void => {
    if (transport.name !== 'websocket') return;
    const result = coalesce(transport);
    if (!reported) {
      reported = true;
      report?.(result);
    }
  };
  server.engine.on(
    'connection',
    (socket: { transport: Transport; on: (event: 'upgrade', listener: (t: Transport) => void) => void }) => {
      apply(socket.transport);
      socket.on('upgrade', apply);
    },
  );
}
