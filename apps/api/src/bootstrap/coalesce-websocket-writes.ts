import type { Socket as NetSocket } from 'node:net';
import type { Server } from 'socket.io';

interface Transport {
  name: string;
  socket?: { _socket?: NetSocket };
  send(packets: unknown[]): void;
}

const patched = new WeakSet<object>();

function coalesce(transport: Transport): void {
  const prototype = Object.getPrototypeOf(transport) as Transport;
  if (transport.name !== 'websocket' || patched.has(prototype)) return;
  patched.add(prototype);
  const send = prototype.send;
  prototype.send = function (this: Transport, packets: unknown[]) {
    const tcp = packets.length > 1 ? this.socket?._socket : undefined;
    if (!tcp || tcp.destroyed) return send.call(this, packets);
    tcp.cork();
    try {
      send.call(this, packets);
    } finally {
      process.nextTick(() => tcp.uncork());
    }
  };
}

/**
 * engine.io writes each packet of a flush as its own WebSocket frame, and each frame becomes its own
 * `writev` system call. A committed batch of readings answers many acknowledgements to the same
 * monitor at once, so the TCP socket is corked for the duration of one flush and the frames leave in
 * one system call. Frames, their order and their content are unchanged. The transport class is taken
 * from a live connection, so the patch always applies to the engine.io copy socket.io uses.
 */
export function coalesceWebSocketWrites(server: Server): void {
  server.engine.on(
    'connection',
    (socket: { transport: Transport; on: (event: 'upgrade', listener: (t: Transport) => void) => void }) => {
      coalesce(socket.transport);
      socket.on('upgrade', coalesce);
    },
  );
}
