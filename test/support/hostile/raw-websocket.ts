import { randomBytes } from 'node:crypto';
import net from 'node:net';

// A raw WebSocket client on net: frames and packets no socket.io client would send. (The hostile-input suite: suite.ts.)

export interface FrameOptions {
  fin?: boolean;
  rsv?: number;
  masked?: boolean;
  /** The length written in the header, whatever the payload's real length. */
  declaredLength?: number;
}

/** Sends an HTTP request on a fresh TCP connection; resolves with the response status (0 if closed without one). */
export function httpUpgrade(port: number, request: string): Promise<{ tcp: net.Socket; status: number; rest: Buffer }> {
  return new Promise((resolve) => {
    const tcp = net.connect(port, '127.0.0.1');
    let received = Buffer.alloc(0);
    const done = (status: number, rest = Buffer.alloc(0)) => {
      tcp.removeAllListeners('data');
      clearTimeout(timer);
      resolve({ tcp, status, rest });
    };
    const timer = setTimeout(() => done(-1), 5_000);
    tcp.on('error', () => undefined);
    tcp.on('close', () => done(0));
    tcp.on('data', (chunk: Buffer) => {
      received = Buffer.concat([received, chunk]);
      const end = received.indexOf('\r\n\r\n');
      if (end < 0) return;
      const status = Number(/^HTTP\/1\.1 (\d{3})/.exec(received.subarray(0, end).toString('latin1'))?.[1] ?? 0);
      done(status, received.subarray(end + 4));
    });
    tcp.write(request);
  });
}

export const upgradeRequest = (path: string, headers: Record<string, string> = {}) => {
  const all: Record<string, string> = {
    Host: '127.0.0.1',
    Upgrade: 'websocket',
    Connection: 'Upgrade',
    'Sec-WebSocket-Key': randomBytes(16).toString('base64'),
    'Sec-WebSocket-Version': '13',
    ...headers,
  };
  const lines = Object.entries(all)
    .filter(([, v]) => v !== '')
    .map(([k, v]) => `${k}: ${v}`);
  return `GET ${path} HTTP/1.1\r\n${lines.join('\r\n')}\r\n\r\n`;
};

/**
 * A WebSocket client written on a TCP socket, so the suite can send what no library sends:
 * unmasked frames, reserved opcodes and bits, invalid UTF-8, lengths that lie. It speaks just enough
 * engine.io to answer the server's pings, and answers a close frame as a client must.
 */
export class RawWebSocket {
  private buffered = Buffer.alloc(0);
  private readonly inbox: (string | Buffer)[] = [];
  private readonly waiting = new Set<() => void>();
  /** The code of the server's close frame, once one came (1005: none given). */
  closeCode: number | null = null;
  private tcpClosed = false;

  private constructor(private readonly tcp: net.Socket) {
    tcp.on('data', (chunk: Buffer) => this.onData(chunk));
    tcp.on('close', () => {
      this.tcpClosed = true;
      this.notify();
    });
  }

  /** Opens an engine.io WebSocket connection and waits for the server's open packet. */
  static async open(port: number): Promise<RawWebSocket> {
    const { tcp, status, rest } = await httpUpgrade(port, upgradeRequest('/socket.io/?EIO=4&transport=websocket'));
    if (status !== 101) throw new Error(`WebSocket upgrade answered ${status}`);
    const ws = new RawWebSocket(tcp);
    if (rest.length) ws.onData(rest);
    if (!(await ws.receive((m) => typeof m === 'string' && m.startsWith('0{'), 5_000))) {
      ws.destroy();
      throw new Error('no engine.io open packet');
    }
    return ws;
  }

  get closed(): boolean {
    return this.tcpClosed || this.closeCode !== null;
  }

  /** Connects to a namespace; resolves with the server's answer (`40…` connected, `44…` refused) or null. */
  async join(namespace: string, auth: unknown): Promise<string | null> {
    this.text(`40${namespace},${JSON.stringify(auth)}`);
    const answer = await this.receive(
      (m) => typeof m === 'string' && (m.startsWith(`40${namespace},`) || m.startsWith(`44${namespace},`)),
      5_000,
    );
    return typeof answer === 'string' ? answer : null;
  }

  text(data: string | Buffer): void {
    this.frame(0x1, data);
  }

  binary(data: Buffer): void {
    this.frame(0x2, data);
  }

  frame(opcode: number, data: string | Buffer, options: FrameOptions = {}): void {
    const payload = typeof data === 'string' ? Buffer.from(data) : data;
    const length = options.declaredLength ?? payload.length;
    let header: Buffer;
    if (length < 126) {
      header = Buffer.alloc(2);
      header[1] = length;
    } else if (length < 65_536) {
      header = Buffer.alloc(4);
      header[1] = 126;
      header.writeUInt16BE(length, 2);
    } else {
      header = Buffer.alloc(10);
      header[1] = 127;
      header.writeBigUInt64BE(BigInt(length), 2);
    }
    header[0] = (options.fin === false ? 0 : 0x80) | ((options.rsv ?? 0) << 4) | opcode;
    if (options.masked === false) {
      this.write(Buffer.concat([header, payload]));
      return;
    }
    header[1] = header[1]! | 0x80;
    const mask = randomBytes(4);
    const masked = Buffer.from(payload);
    for (let i = 0; i < masked.length; i++) masked[i] = masked[i]! ^ mask[i % 4]!;
    this.write(Buffer.concat([header, mask, masked]));
  }

  write(bytes: Buffer): void {
    if (!this.tcp.destroyed) this.tcp.write(bytes);
  }

  /** The first message that matches (earlier ones are dropped), or null once closed or after `timeoutMs`. */
  receive(match: (message: string | Buffer) => boolean, timeoutMs: number): Promise<string | Buffer | null> {
    return new Promise((resolve) => {
      const check = () => {
        while (this.inbox.length) {
          const message = this.inbox.shift()!;
          if (match(message)) return finish(message);
        }
        if (this.closed) finish(null);
      };
      const finish = (value: string | Buffer | null) => {
        clearTimeout(timer);
        this.waiting.delete(check);
        resolve(value);
      };
      const timer = setTimeout(() => finish(null), timeoutMs);
      this.waiting.add(check);
      check();
    });
  }

  /** True once the server has closed the connection (close frame or TCP), false after `timeoutMs`. */
  async closedWithin(timeoutMs: number): Promise<boolean> {
    const deadline = Date.now() + timeoutMs;
    while (!this.closed && Date.now() < deadline) {
      await new Promise<void>((resolve) => {
        const wake = () => {
          this.waiting.delete(wake);
          resolve();
        };
        this.waiting.add(wake);
        setTimeout(wake, 50);
      });
    }
    return this.closed;
  }

  destroy(): void {
    this.tcp.destroy();
  }

  private notify(): void {
    for (const wake of [...this.waiting]) wake();
  }

  private onData(chunk: Buffer): void {
    this.buffered = Buffer.concat([this.buffered, chunk]);
    for (;;) {
      if (this.buffered.length < 2) break;
      const opcode = this.buffered[0]! & 0x0f;
      let length = this.buffered[1]! & 0x7f;
      let offset = 2;
      if (length === 126) {
        if (this.buffered.length < 4) break;
        length = this.buffered.readUInt16BE(2);
        offset = 4;
      } else if (length === 127) {
        if (this.buffered.length < 10) break;
        length = Number(this.buffered.readBigUInt64BE(2));
        offset = 10;
      }
      if (this.buffered.length < offset + length) break;
      const payload = this.buffered.subarray(offset, offset + length);
      this.buffered = this.buffered.subarray(offset + length);
      if (opcode === 0x8) {
        this.closeCode = payload.length >= 2 ? payload.readUInt16BE(0) : 1005;
        const reply = Buffer.alloc(2);
        reply.writeUInt16BE(1000);
        this.frame(0x8, reply);
        this.tcp.end();
      } else if (opcode === 0x1) {
        const text = payload.toString('utf8');
        if (text === '2') this.text('3');
        else this.inbox.push(text);
      } else if (opcode === 0x2) {
        this.inbox.push(Buffer.from(payload));
      }
      this.notify();
    }
  }
}
