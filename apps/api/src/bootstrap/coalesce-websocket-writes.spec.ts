import { createServer, type Server as HttpServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Socket as NetSocket } from 'node:net';
import { Server } from 'socket.io';
import { io, type Socket } from 'socket.io-client';
import {
  checkWebSocketTransport,
  coalesce,
  coalesceWebSocketWrites,
  type CoalescingReport,
} from './coalesce-websocket-writes.js';

/**
 * The patch reaches into engine.io and ws through a private field. These run the socket.io, engine.io
 * and ws of node_modules, so an upgrade that breaks the patch fails here rather than quietly
 * sending one system call per frame again.
 */
describe('coalesceWebSocketWrites', () => {
  let http: HttpServer;
  let server: Server;
  let client: Socket | undefined;

  beforeEach(async () => {
    http = createServer();
    server = new Server(http, { transports: ['websocket'], perMessageDeflate: false });
    await new Promise<void>((resolve) => http.listen(0, '127.0.0.1', resolve));
  });

  afterEach(async () => {
    client?.close();
    client = undefined;
    await new Promise<void>((resolve) => void server.close(() => resolve()));
  });

  function connect(): Socket {
    const { port } = http.address() as AddressInfo;
    client = io(`http://127.0.0.1:${port}`, { transports: ['websocket'], reconnection: false, forceNew: true });
    return client;
  }

  it("finds engine.io's WebSocket transport before any connection", () => {
    expect(checkWebSocketTransport()).toEqual({ applied: true });
  });

  it('reports once, at the first WebSocket connection, that the patch applied', async () => {
    const reports: CoalescingReport[] = [];
    coalesceWebSocketWrites(server, (result) => reports.push(result));
    const connected = new Promise<void>((resolve) => server.on('connection', () => resolve()));
    connect();
    await connected;
    expect(reports).toEqual([{ applied: true }]);
    const second = new Promise<void>((resolve) => server.on('connection', () => resolve()));
    const first = client;
    client = undefined;
    connect();
    await second;
    first?.close();
    expect(reports).toHaveLength(1);
  });

  it('sends a flush of several packets in a write or two, unchanged and in order', async () => {
    coalesceWebSocketWrites(server);
    // Each write reaching the TCP socket is one system call: `_writev` for corked frames, `_write` for one.
    const writev = jest.spyOn(NetSocket.prototype as unknown as { _writev: () => void }, '_writev');
    const write = jest.spyOn(NetSocket.prototype as unknown as { _write: () => void }, '_write');
    try {
      const joined = new Promise<import('socket.io').Socket>((resolve) => server.on('connection', resolve));
      const socket = connect();
      const serverSocket = await joined;
      const received: number[] = [];
      const all = new Promise<void>((resolve) =>
        socket.on('n', (n: number) => {
          received.push(n);
          if (received.length === 20) resolve();
        }),
      );
      writev.mockClear();
      write.mockClear();
      // Emitted in one tick: engine.io buffers them and flushes them together.
      for (let n = 0; n < 20; n++) serverSocket.emit('n', n);
      await all;
      expect(received).toEqual(Array.from({ length: 20 }, (_, n) => n));
      // The first packet leaves alone (the transport was idle); the other 19 wait and leave together.
      // Without the patch, each of the 20 frames is its own write.
      // (The client sends nothing meanwhile, so every write counted is the server's.)
      expect(writev.mock.calls.length + write.mock.calls.length).toBeLessThanOrEqual(3);
    } finally {
      writev.mockRestore();
      write.mockRestore();
    }
  });

  it('says why when the WebSocket has no TCP socket where the patch looks for it', () => {
    const transport = { name: 'websocket', socket: {}, send: () => undefined };
    expect(coalesce(transport)).toEqual({
      applied: false,
      reason: 'the WebSocket transport has no TCP socket at socket._socket',
    });
  });
});
