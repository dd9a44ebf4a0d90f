import type { Socket } from 'socket.io-client';
import { openSocket, percentile } from './support.js';

export interface LoadResult {
  acknowledged: number;
  refused: Record<string, number>;
  seconds: number;
  perSecond: number;
  latencyMs: { p50: number; p99: number };
}

async function connectAll(url: string, tokens: string[]): Promise<Socket[]> {
  const sockets: Socket[] = [];
  for (let i = 0; i < tokens.length; i += 50) {
    sockets.push(...(await Promise.all(tokens.slice(i, i + 50).map((token) => openSocket(url, '/devices', token)))));
  }
  return sockets;
}

/**
 * Each device keeps `inFlight` readings outstanding: a new one goes out as soon as one is
 * acknowledged. Counts positive acknowledgements during the measured window (after a warm-up).
 */
export async function runLoad(
  url: string,
  tokens: string[],
  options: { inFlight: number; warmupS: number; durationS: number; seqStart?: number },
): Promise<LoadResult> {
  const sockets = await connectAll(url, tokens);
  // Dated from 4 minutes back, 1 ms apart: within the 5 minutes a reading may precede its session.
  const base = Date.now() - 240_000;
  let measuring = false;
  let running = true;
  let acknowledged = 0;
  const refused: Record<string, number> = {};
  const latencies: number[] = [];

  sockets.forEach((socket) => {
    let n = 0;
    let outstanding = 0;
    const pump = () => {
      while (running && outstanding < options.inFlight) {
        outstanding++;
        n++;
        const seq = (options.seqStart ?? 0) + n;
        const sentAt = performance.now();
        const reading = { seq, recordedAt: new Date(base + n).toISOString(), hr: 70 + (n % 10), spo2: 97 };
        socket.emit('reading', reading, (ack: { ok: boolean; error?: { code: string } }) => {
          outstanding--;
          if (measuring) {
            if (ack.ok) {
              acknowledged++;
              if (latencies.length < 2_000_000) latencies.push(performance.now() - sentAt);
            } else {
              refused[ack.error!.code] = (refused[ack.error!.code] ?? 0) + 1;
            }
          }
          pump();
        });
      }
    };
    pump();
  });

  await new Promise((r) => setTimeout(r, options.warmupS * 1000));
  measuring = true;
  const started = performance.now();
  await new Promise((r) => setTimeout(r, options.durationS * 1000));
  measuring = false;
  const seconds = (performance.now() - started) / 1000;
  running = false;
  await new Promise((r) => setTimeout(r, 500));
  for (const socket of sockets) socket.disconnect();
  latencies.sort((a, b) => a - b);
  return {
    acknowledged,
    refused,
    seconds,
    perSecond: acknowledged / seconds,
    latencyMs: { p50: percentile(latencies, 50), p99: percentile(latencies, 99) },
  };
}
