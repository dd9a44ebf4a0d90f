/**
 * One worker thread of the paced load generator (bench/paced-pool.ts). It holds a share of the
 * device connections and sends each device's reading once a second at the device's own phase
 * within the second, timing each acknowledgement from the emit. Devices are grouped by target
 * (e.g. `service` and `bare`) so one group can pause while another runs.
 */
import { monitorEventLoopDelay } from 'node:perf_hooks';
import { parentPort } from 'node:worker_threads';
import { io, type Socket } from 'socket.io-client';
import { resendDelayMs } from '#contracts';

export interface DeviceSpec {
  /** The device's number in the whole run: it fixes the device's phase within the second. */
  index: number;
  token: string;
  /** The last seq the device used; the next reading gets `seq + 1`. */
  seq: number;
}

export type Command =
  | { type: 'connect'; group: string; url: string; devices: DeviceSpec[] }
  | { type: 'backfill'; group: string; seconds: number }
  | { type: 'start'; group: string }
  | { type: 'pause'; group: string }
  | { type: 'close'; group: string }
  | { type: 'measure' }
  | { type: 'collect'; graceMs: number; next: boolean };

export interface WorkerWindow {
  /** Readings emitted while the window was open. */
  sent: number;
  acked: number;
  refused: Record<string, number>;
  /** Readings of the window still without an acknowledgement after the grace period. */
  unacked: number;
  /** Acknowledgement latencies of the window's readings, ms. */
  latencies: Float64Array;
  /** Connections lost (not closed by the bench) while the window was open. */
  disconnects: number;
  /** Event-loop delay of this worker while the window was open, ms. */
  lagP99Ms: number;
  lagMaxMs: number;
  /** How late sends went out against their schedule, worst case, ms. */
  sendLateMaxMs: number;
}

interface Ack {
  ok: boolean;
  error?: { code: string };
  results?: Ack[];
}

interface Device {
  index: number;
  phase: number;
  socket: Socket;
  seq: number;
  due: number;
  backfilled: boolean;
}

interface Group {
  scheduled: Device[];
  added: Device[];
  running: boolean;
  cursor: number;
}

class Window {
  sent = 0;
  acked = 0;
  outstanding = 0;
  refused: Record<string, number> = {};
  latencies: number[] = [];
  disconnects = 0;
  sendLateMaxMs = 0;
  closed = false;
  settled: (() => void) | null = null;
}

/** Golden-ratio phases: the first n devices are spread evenly over the second, whatever n is. */
const PHI = (Math.sqrt(5) - 1) / 2;
const phaseOf = (index: number) => ((index * PHI) % 1) * 1000;

/** How often a baseline batch is sent at most while the service answers `unavailable`. */
const BACKFILL_ATTEMPTS = 30;

const groups = new Map<string, Group>();
let current: Window | null = null;
// The histogram records the time between its timer's ticks: the delay is what exceeds the resolution.
const LAG_RESOLUTION_MS = 5;
const lag = monitorEventLoopDelay({ resolution: LAG_RESOLUTION_MS });
lag.enable();

function groupOf(name: string): Group {
  let group = groups.get(name);
  if (!group) groups.set(name, (group = { scheduled: [], added: [], running: false, cursor: 0 }));
  return group;
}

/** A plausible reading: HR and SpO2 every second with a little variation, a cuff reading every 3 minutes. */
function reading(device: Device, seq: number) {
  const cuff = seq % 180 === device.index % 180;
  return {
    seq,
    recordedAt: new Date().toISOString(),
    hr: 70 + ((seq + device.index) % 7),
    spo2: 97 + (seq % 2),
    ...(cuff ? { sbp: 118 + (seq % 5), dbp: 78 + (seq % 3), map: 92 } : {}),
  };
}

function send(device: Device, lateMs: number): void {
  const window = current;
  const sentAt = performance.now();
  if (window) {
    window.sent++;
    window.outstanding++;
    if (lateMs > window.sendLateMaxMs) window.sendLateMaxMs = lateMs;
  }
  device.socket.emit('reading', reading(device, ++device.seq), (ack: Ack) => {
    if (!window) return;
    window.outstanding--;
    if (ack.ok) {
      window.acked++;
      window.latencies.push(performance.now() - sentAt);
    } else {
      const code = ack.error?.code ?? 'unknown';
      window.refused[code] = (window.refused[code] ?? 0) + 1;
    }
    if (window.closed && window.outstanding === 0) window.settled?.();
  });
}

/** Schedules every device of a group for its next phase after now (the sorted order is the send order). */
function schedule(group: Group): void {
  group.scheduled.push(...group.added);
  group.added = [];
  group.scheduled.sort((a, b) => a.phase - b.phase);
  const now = Date.now();
  const second = now - (now % 1000);
  for (const device of group.scheduled) {
    device.due = second + device.phase;
    if (device.due <= now) device.due += 1000;
  }
  // The device due first is the first whose phase lies after now within this second.
  const within = now % 1000;
  const first = group.scheduled.findIndex((d) => d.phase > within);
  group.cursor = first === -1 ? 0 : first;
}

function tick(): void {
  const now = Date.now();
  for (const group of groups.values()) {
    if (!group.running || group.scheduled.length === 0) continue;
    const devices = group.scheduled;
    for (let sent = 0; sent < devices.length; sent++) {
      const device = devices[group.cursor]!;
      if (device.due > now) break;
      send(device, now - device.due);
      device.due += 1000;
      // A worker stalled for more than a second skips the missed beats rather than bursting them.
      if (device.due <= now) device.due += Math.ceil((now - device.due + 1) / 1000) * 1000;
      group.cursor = (group.cursor + 1) % devices.length;
    }
  }
  setTimeout(tick, 1);
}
setTimeout(tick, 1);

function connectOne(url: string, spec: DeviceSpec, onLost: () => void): Promise<Device> {
  return new Promise((resolve, reject) => {
    const socket = io(`${url}/devices`, {
      auth: { token: spec.token },
      transports: ['websocket'],
      reconnection: false,
      forceNew: true,
      timeout: 60_000,
    });
    socket.once('resume', ({ lastSeq }: { lastSeq: number | null }) => {
      socket.on('disconnect', (reason) => {
        if (reason !== 'io client disconnect') onLost();
      });
      // A device connected again continues above what the service already stored.
      const seq = Math.max(spec.seq, lastSeq ?? 0);
      resolve({ index: spec.index, phase: phaseOf(spec.index), socket, seq, due: 0, backfilled: false });
    });
    socket.once('connect_error', (error) => {
      socket.close();
      reject(error);
    });
  });
}

async function connect(command: Extract<Command, { type: 'connect' }>) {
  const group = groupOf(command.group);
  const failures: string[] = [];
  const onLost = () => {
    if (current) current.disconnects++;
  };
  for (let i = 0; i < command.devices.length; i += 25) {
    const settled = await Promise.allSettled(
      command.devices.slice(i, i + 25).map((spec) => connectOne(command.url, spec, onLost)),
    );
    for (const result of settled) {
      if (result.status === 'fulfilled') group.added.push(result.value);
      else failures.push(String(result.reason));
    }
  }
  return { connected: command.devices.length - failures.length, failures: failures.slice(0, 5) };
}

/** Sends each newly added device of the group a `readings` batch: its last `seconds` seconds. */
async function backfill(command: Extract<Command, { type: 'backfill' }>) {
  const group = groupOf(command.group);
  const now = Date.now();
  let refused = 0;
  let resent = 0;
  await Promise.all(
    [...group.added, ...group.scheduled]
      .filter((device) => !device.backfilled)
      .map(async (device) => {
        device.backfilled = true;
        let batch = Array.from({ length: command.seconds }, (_, i) => ({
          seq: ++device.seq,
          recordedAt: new Date(now - (command.seconds - i) * 1000).toISOString(),
          hr: 72,
          spo2: 98,
          ...(i % 30 === 0 ? { sbp: 120, dbp: 80 } : {}),
        }));
        // As a monitor does: what the service refused as `unavailable` (too busy) is sent again later,
        // backing off (resendDelayMs: 1 s, 2 s, 4 s, then 8 s, each ± half), so resends spread out.
        for (let attempt = 0; batch.length > 0 && attempt < BACKFILL_ATTEMPTS; attempt++) {
          if (attempt > 0) {
            resent += batch.length;
            await new Promise((resolve) => setTimeout(resolve, resendDelayMs(attempt)));
          }
          const ack = (await device.socket.timeout(120_000).emitWithAck('readings', batch)) as Ack;
          if (!ack.ok) {
            refused += batch.length;
            return;
          }
          refused += ack.results!.filter((r) => !r.ok && r.error?.code !== 'unavailable').length;
          batch = batch.filter((_, i) => ack.results![i]!.error?.code === 'unavailable');
        }
        // Still refused after the last attempt.
        refused += batch.length;
      }),
  );
  return { refused, resent };
}

async function collect(command: Extract<Command, { type: 'collect' }>): Promise<WorkerWindow> {
  const window = current ?? new Window();
  current = command.next ? new Window() : null;
  const lagP99Ms = Math.max(0, lag.percentile(99) / 1e6 - LAG_RESOLUTION_MS);
  const lagMaxMs = Math.max(0, lag.max / 1e6 - LAG_RESOLUTION_MS);
  lag.reset();
  window.closed = true;
  if (window.outstanding > 0) {
    await new Promise<void>((resolve) => {
      const timer = setTimeout(resolve, command.graceMs);
      window.settled = () => {
        clearTimeout(timer);
        resolve();
      };
    });
  }
  return {
    sent: window.sent,
    acked: window.acked,
    refused: window.refused,
    unacked: window.outstanding,
    latencies: Float64Array.from(window.latencies),
    disconnects: window.disconnects,
    lagP99Ms,
    lagMaxMs,
    sendLateMaxMs: window.sendLateMaxMs,
  };
}

async function handle(command: Command): Promise<unknown> {
  switch (command.type) {
    case 'connect':
      return connect(command);
    case 'backfill':
      return backfill(command);
    case 'start': {
      const group = groupOf(command.group);
      schedule(group);
      group.running = true;
      return null;
    }
    case 'pause':
      groupOf(command.group).running = false;
      return null;
    case 'close': {
      const group = groupOf(command.group);
      for (const device of [...group.scheduled, ...group.added]) device.socket.disconnect();
      groups.delete(command.group);
      return null;
    }
    case 'measure':
      current = new Window();
      lag.reset();
      return null;
    case 'collect':
      return collect(command);
  }
}

parentPort!.on('message', ({ id, command }: { id: number; command: Command }) => {
  handle(command).then(
    (result) => {
      const transfer = result && typeof result === 'object' && 'latencies' in result;
      parentPort!.postMessage(
        { id, ok: true, result },
        transfer ? [(result as WorkerWindow).latencies.buffer as ArrayBuffer] : [],
      );
    },
    (error: unknown) => parentPort!.postMessage({ id, ok: false, error: String(error) }),
  );
});
