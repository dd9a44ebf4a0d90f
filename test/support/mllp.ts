import { readFileSync } from 'node:fs';
import net from 'node:net';
import path from 'node:path';
import { formatDtm } from '../../apps/api/src/hl7/hl7-time';
import { frame, MllpDecoder } from '../../apps/api/src/hl7/mllp-framing';
import type { RunningApp } from './app';
import { ROOT } from './processes';

/** The MLLP port the service printed (it is started with HL7_MLLP_PORT=0). */
export function mllpPortOf(app: RunningApp): number {
  const match = /MLLP (\d+)/.exec(app.output());
  if (!match) throw new Error('the service did not report an MLLP port');
  return Number(match[1]);
}

/** A public sample from test/fixtures/hl7, its segments joined by CR as on the wire. */
export function sample(name: string): string {
  return readFileSync(path.join(ROOT, 'test/fixtures/hl7', name), 'utf8')
    .trim()
    .split('\n')
    .join('\r');
}

/** Every timestamp of the message moved to `ms` (UTC), so that a years-old sample is a current reading. */
export function retime(message: string, ms: number): string {
  return message.replace(/\b(19|20)\d{12}(\.\d+)?([+-]\d{4})?(?!\d)/g, formatDtm(ms));
}

export const withControlId = (message: string, id: string) =>
  message.replace(/^(MSH(?:\|[^|\r]*){8}\|)[^|\r]*/, `$1${id}`);

/** A raw TCP client that writes MLLP frames (or any bytes) and reads the frames that come back. */
export class RawMllp {
  private readonly decoder = new MllpDecoder(1 << 22);
  private readonly frames: string[] = [];
  private waiting: (() => void) | null = null;
  readonly closed: Promise<void>;

  private constructor(readonly socket: net.Socket) {
    socket.on('data', (chunk: Buffer) => {
      for (const event of this.decoder.push(chunk))
        if (event.kind === 'frame') this.frames.push(event.payload.toString('utf8'));
      this.waiting?.();
    });
    socket.on('error', () => undefined);
    this.closed = new Promise((resolve) =>
      socket.on('close', () => {
        this.waiting?.();
        resolve();
      }),
    );
  }

  static connect(port: number): Promise<RawMllp> {
    return new Promise((resolve, reject) => {
      const socket = net.connect({ host: '127.0.0.1', port }, () => resolve(new RawMllp(socket)));
      socket.once('error', reject);
    });
  }

  write(bytes: Buffer | string): void {
    this.socket.write(typeof bytes === 'string' ? frame(bytes) : bytes);
  }

  /** The next acknowledgement, or `null` if the connection closes first. */
  async next(timeoutMs = 20_000): Promise<string | null> {
    const deadline = Date.now() + timeoutMs;
    while (this.frames.length === 0) {
      if (this.socket.destroyed) return null;
      if (Date.now() > deadline) throw new Error('no acknowledgement in time');
      await new Promise<void>((resolve) => {
        this.waiting = resolve;
        setTimeout(resolve, 200);
      });
    }
    return this.frames.shift()!;
  }

  async send(message: string): Promise<string> {
    this.write(message);
    const ack = await this.next();
    if (ack === null) throw new Error('connection closed without an acknowledgement');
    return ack;
  }

  close(): void {
    this.socket.end();
  }
}

/** MSA-1 and, when there is one, ERR-3's code and ERR-5's first component. */
export function ackSummary(ack: string): { code: string; hl7Error?: string; error?: string; controlId: string } {
  const segments = ack.split('\r').map((s) => s.split('|'));
  const msa = segments.find((s) => s[0] === 'MSA') ?? [];
  const err = segments.find((s) => s[0] === 'ERR');
  return {
    code: msa[1] ?? '',
    controlId: msa[2] ?? '',
    ...(err ? { hl7Error: err[3]?.split('^')[0], error: err[5]?.split('^')[0] } : {}),
  };
}
