/**
 * The baseline of the ingest benchmark: a bare socket.io server (same version and options as the
 * service, no Nest, no validation, no database) that acknowledges every reading at once.
 */
import { createServer } from 'node:http';
import { Server } from 'socket.io';

const server = createServer();
const io = new Server(server, { perMessageDeflate: false, maxHttpBufferSize: 1_000_000 });
io.of('/devices').on('connection', (socket) => {
  socket.emit('resume', { lastSeq: null, sessionId: null });
  socket.on('reading', (reading: { seq: number }, ack: (result: unknown) => void) => {
    ack({ ok: true, seq: reading.seq, duplicate: false });
  });
});
server.listen(0, '127.0.0.1', () => {
  const address = server.address();
  process.stdout.write(`LISTENING ${typeof address === 'object' && address ? address.port : 0}\n`);
});
process.on('SIGTERM', () => {
  void io.close();
  process.exit(0);
});
