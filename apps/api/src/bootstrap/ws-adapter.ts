import { IoAdapter } from '@nestjs/platform-socket.io';
import type { Server, ServerOptions } from 'socket.io';
import { coalesceWebSocketWrites } from './coalesce-websocket-writes.js';

/** socket.io with limits suited to monitors: 1 MB per message, no per-message compression. */
export class WsAdapter extends IoAdapter {
  override createIOServer(port: number, options?: ServerOptions) {
    const server = super.createIOServer(port, {
      ...options,
      maxHttpBufferSize: 1_000_000,
      perMessageDeflate: false,
      pingInterval: 10_000,
      pingTimeout: 10_000,
      connectTimeout: 10_000,
    } as ServerOptions) as Server;
    coalesceWebSocketWrites(server);
    return server;
  }
}
