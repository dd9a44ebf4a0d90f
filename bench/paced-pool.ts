/**
 * The paced load generator: devices that each send one reading a second, as monitors do, spread
 * over worker threads (bench/paced-worker.ts) so the client's own event loop does not set the
 * latency it measures. Each device sends at its own phase within the second (golden-ratio spacing:
 * any number of devices is spread evenly), with recordedAt = now and consecutive seq.
 *
 * Readings are timed from emit to acknowledgement in measurement windows: `measure()` opens one,
 * `collect()` closes it, waits for its readings' acknowledgements, and merges the workers' results,
 * with each worker's event-loop delay so the client's share of the latency is visible.
 */
import os from 'node:os';
import { Worker } from 'node:worker_threads';
import type { Command, DeviceSpec, WorkerWindow } from './paced-worker.js';
import { percentile } from './support.js';

export type { DeviceSpec } from './paced-worker.js';

export interface WindowResult {
  seconds: number;
  sent: number;
  acked: number;
  refused: Record<string, number>;
  unacked: number;
  disconnects: number;
  latencyMs: { p50: number; p99: number; max: number };
  /** The worst worker's event-loop delay in the window (p99 and max), ms. */
  clientLagMs: { p99: number; max: number };
  /** The latest any reading went out against its schedule, ms. */
  sendLateMaxMs: number;
}

/** The count of problems in a window: refusals, readings never acknowledged, connections lost. */
export const problems = (w: WindowResult) =>
  Object.values(w.refused).reduce((a, b) => a + b, 0) + w.unacked + w.disconnects;

export class PacedPool {
  private nextId = 0;
  private readonly waiting = new Map<number, { resolve: (v: unknown) => void; reject: (e: Error) => void }>();
  private openedAt = 0;

  private constructor(private readonly workers: Worker[]) {
    for (const worker of workers) {
      worker.on('message', ({ id, ok, result, error }: { id: number; ok: boolean; result: unknown; error: string }) => {
        const waiter = this.waiting.get(id);
        this.waiting.delete(id);
        if (ok) waiter?.resolve(result);
        else waiter?.reject(new Error(error));
      });
      worker.on('error', (error) => {
        for (const waiter of this.waiting.values()) waiter.reject(error);
        this.waiting.clear();
      });
    }
  }

  /** `count` worker threads (default: one per core). */
  static start(count = os.availableParallelism()): PacedPool {
    return new PacedPool(
      Array.from({ length: count }, () => new Worker(new URL('./paced-worker.js', import.meta.url))),
    );
  }

  get size(): number {
    return this.workers.length;
  }

  private call<T>(worker: Worker, command: Command): Promise<T> {
    const id = this.nextId++;
    return new Promise<T>((resolve, reject) => {
      this.waiting.set(id, { resolve: resolve as (v: unknown) => void, reject });
      worker.postMessage({ id, command });
    });
  }

  private all<T>(command: Command): Promise<T[]> {
    return Promise.all(this.workers.map((worker) => this.call<T>(worker, command)));
  }

  /** Connects the devices to `url`'s `/devices` (each waits for `resume`); they start paused. */
  async connect(group: string, url: string, devices: DeviceSpec[]): Promise<{ connected: number; failures: string[] }> {
    const shares = this.workers.map((_, w) => devices.filter((d) => d.index % this.workers.length === w));
    const results = await Promise.all(
      this.workers.map((worker, w) =>
        this.call<{ connected: number; failures: string[] }>(worker, {
          type: 'connect',
          group,
          url,
          devices: shares[w]!,
        }),
      ),
    );
    return {
      connected: results.reduce((n, r) => n + r.connected, 0),
      failures: results.flatMap((r) => r.failures),
    };
  }

  /**
   * Sends each device added since the last backfill its past `seconds` seconds in one `readings` batch;
   * readings refused as `unavailable` are sent again later, as a monitor would (`resent` counts them).
   */
  async backfill(group: string, seconds: number): Promise<{ refused: number; resent: number }> {
    const results = await this.all<{ refused: number; resent: number }>({ type: 'backfill', group, seconds });
    return {
      refused: results.reduce((n, r) => n + r.refused, 0),
      resent: results.reduce((n, r) => n + r.resent, 0),
    };
  }

  /** (Re)starts the group's 1 Hz sending, devices added since included. */
  async start(group: string): Promise<void> {
    await this.all({ type: 'start', group });
  }

  async pause(group: string): Promise<void> {
    await this.all({ type: 'pause', group });
  }

  async close(group: string): Promise<void> {
    await this.all({ type: 'close', group });
  }

  /** Opens a measurement window: readings emitted from now on are timed. */
  async measure(): Promise<void> {
    await this.all({ type: 'measure' });
    this.openedAt = performance.now();
  }

  /**
   * Closes the window, waits up to `graceMs` for its readings' acknowledgements and merges the
   * workers' results. With `next`, a new window opens at once (consecutive intervals of a soak).
   */
  async collect(graceMs = 5_000, next = false): Promise<WindowResult> {
    const closedAt = performance.now();
    const parts = await this.all<WorkerWindow>({ type: 'collect', graceMs, next });
    const seconds = (closedAt - this.openedAt) / 1000;
    if (next) this.openedAt = closedAt;
    const latencies = new Float64Array(parts.reduce((n, p) => n + p.latencies.length, 0));
    let offset = 0;
    for (const part of parts) {
      latencies.set(part.latencies, offset);
      offset += part.latencies.length;
    }
    latencies.sort();
    const refused: Record<string, number> = {};
    for (const part of parts)
      for (const [code, n] of Object.entries(part.refused)) refused[code] = (refused[code] ?? 0) + n;
    const sum = (pick: (p: WorkerWindow) => number) => parts.reduce((n, p) => n + pick(p), 0);
    const worst = (pick: (p: WorkerWindow) => number) => Math.max(...parts.map(pick));
    return {
      seconds,
      sent: sum((p) => p.sent),
      acked: sum((p) => p.acked),
      refused,
      unacked: sum((p) => p.unacked),
      disconnects: sum((p) => p.disconnects),
      latencyMs: {
        p50: percentile(latencies, 50),
        p99: percentile(latencies, 99),
        max: latencies.length ? latencies[latencies.length - 1]! : NaN,
      },
      clientLagMs: { p99: worst((p) => p.lagP99Ms), max: worst((p) => p.lagMaxMs) },
      sendLateMaxMs: worst((p) => p.sendLateMaxMs),
    };
  }

  async terminate(): Promise<void> {
    await Promise.all(this.workers.map((worker) => worker.terminate()));
  }
}
