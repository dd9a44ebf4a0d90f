import { io, type Socket } from 'socket.io-client';
import type { BatchAck, Reading, ReadingAck, SessionSummary, VitalsEvent } from '../../libs/contracts/src/index';
import { ADMIN } from './app';

export interface Response<T = any> {
  status: number;
  body: T;
  headers: Headers;
}

/** A small HTTP client for the REST API, as a script or the dashboard would call it. */
export class Api {
  constructor(
    readonly baseUrl: string,
    readonly token?: string,
  ) {}

  as(token: string): Api {
    return new Api(this.baseUrl, token);
  }

  /** The same identity against another address (the service restarted on a new port). */
  withBase(baseUrl: string): Api {
    return new Api(baseUrl, this.token);
  }

  async request<T = any>(method: string, path: string, body?: unknown): Promise<Response<T>> {
    const response = await fetch(`${this.baseUrl}${path}`, {
      method,
      headers: {
        ...(body === undefined ? {} : { 'content-type': 'application/json' }),
        ...(this.token ? { authorization: `Bearer ${this.token}` } : {}),
      },
      body: body === undefined ? undefined : typeof body === 'string' ? body : JSON.stringify(body),
    });
    const text = await response.text();
    let parsed: unknown = text;
    try {
      parsed = text ? JSON.parse(text) : undefined;
    } catch {
      /* not JSON */
    }
    return { status: response.status, body: parsed as T, headers: response.headers };
  }

  get<T = any>(path: string) {
    return this.request<T>('GET', `/api/v1${path}`);
  }
  post<T = any>(path: string, body?: unknown) {
    return this.request<T>('POST', `/api/v1${path}`, body ?? {});
  }
  patch<T = any>(path: string, body: unknown) {
    return this.request<T>('PATCH', `/api/v1${path}`, body);
  }

  /** POST that must succeed; returns the body. */
  async ok<T = any>(path: string, body?: unknown): Promise<T> {
    const response = await this.post<T>(path, body);
    if (response.status >= 300) throw new Error(`POST ${path} → ${response.status} ${JSON.stringify(response.body)}`);
    return response.body;
  }

  async login(username: string, password: string): Promise<Api> {
    const response = await this.post('/auth/login', { username, password });
    if (response.status !== 200)
      throw new Error(`login ${username} → ${response.status} ${JSON.stringify(response.body)}`);
    return this.as(response.body.accessToken);
  }
}

let counter = 0;
export const unique = (prefix: string) => `${prefix}-${process.pid}-${++counter}`;
const PASSWORD = 'staff-password-123';

export interface SiteWorld {
  siteId: string;
  nurse: Api;
  clinician: Api;
  devices: { id: string; token: string }[];
}

export interface World {
  admin: Api;
  protocolId: string;
  a: SiteWorld;
  b: SiteWorld;
}

/** Two sites, each with a nurse, a clinician and devices, made through the admin API. */
export async function buildWorld(baseUrl: string, devicesPerSite = 2): Promise<World> {
  const admin = await new Api(baseUrl).login(ADMIN.username, ADMIN.password);
  const protocols = (await admin.get('/protocols')).body as { id: string; key: string }[];
  const protocolId = protocols.find((p) => p.key === 'iv-ketamine')!.id;
  const site = async (): Promise<SiteWorld> => {
    const { id: siteId } = await admin.ok('/sites', { name: unique('site') });
    const staff = async (role: string) => {
      const username = unique(role).toLowerCase();
      await admin.ok('/users', {
        username,
        displayName: `${role} ${username}`,
        role,
        password: PASSWORD,
        siteIds: [siteId],
      });
      return new Api(baseUrl).login(username, PASSWORD);
    };
    const devices = [];
    for (let i = 0; i < devicesPerSite; i++) {
      const device = await admin.ok('/devices', { siteId, name: unique('monitor') });
      devices.push({ id: device.id as string, token: device.token as string });
    }
    return { siteId, nurse: await staff('nurse'), clinician: await staff('clinician'), devices };
  };
  return { admin, protocolId, a: await site(), b: await site() };
}

export function sessionBody(siteId: string, deviceId: string, protocolId: string, extra: object = {}) {
  return {
    siteId,
    patientRef: unique('MRN'),
    chair: 'Chair 1',
    deviceId,
    protocolId,
    weightKg: 72.5,
    plannedDoseMgPerKg: 0.5,
    seriesNumber: 1,
    consent: { obtainedAt: new Date(Date.now() - 3600_000).toISOString(), witnessedBy: 'A. Witness' },
    ...extra,
  };
}

// ---- sockets -------------------------------------------------------------------------------

export interface DeviceClient {
  socket: Socket;
  resume: Promise<{ lastSeq: number | null; sessionId: string | null }>;
  send: (reading: Reading | unknown) => Promise<ReadingAck>;
  sendBatch: (readings: unknown) => Promise<BatchAck>;
  close: () => void;
}

export function connectSocket(baseUrl: string, namespace: string, auth: object): Socket {
  return io(`${baseUrl}${namespace}`, { auth, transports: ['websocket'], reconnection: false, forceNew: true });
}

/** Resolves when connected; rejects with the handshake error message. */
export function connected(socket: Socket): Promise<Socket> {
  return new Promise((resolve, reject) => {
    socket.once('connect', () => resolve(socket));
    socket.once('connect_error', (error) => reject(error));
  });
}

export async function connectDevice(baseUrl: string, token: string): Promise<DeviceClient> {
  const socket = connectSocket(baseUrl, '/devices', { token });
  const resume = new Promise<{ lastSeq: number | null; sessionId: string | null }>((resolve) =>
    socket.once('resume', resolve),
  );
  await connected(socket);
  return {
    socket,
    resume,
    send: (reading) => socket.timeout(20_000).emitWithAck('reading', reading),
    sendBatch: (readings) => socket.timeout(20_000).emitWithAck('readings', readings),
    close: () => socket.disconnect(),
  };
}

export interface WardClient {
  socket: Socket;
  snapshot: Promise<{ sessions: SessionSummary[] }>;
  vitals: VitalsEvent[];
  sessions: SessionSummary[];
  close: () => void;
}

export async function connectWard(api: Api): Promise<WardClient> {
  const socket = connectSocket(api.baseUrl, '/ward', { token: api.token });
  const vitals: VitalsEvent[] = [];
  const sessions: SessionSummary[] = [];
  socket.on('vitals', (event: VitalsEvent) => vitals.push(event));
  socket.on('session', (event: SessionSummary) => sessions.push(event));
  const snapshot = new Promise<{ sessions: SessionSummary[] }>((resolve) => socket.once('snapshot', resolve));
  await connected(socket);
  return { socket, snapshot, vitals, sessions, close: () => socket.disconnect() };
}

// Readings must not be dated more than 5 minutes before their session began (clock_skew), nor more
// than 5 minutes ahead. Fixed at the first reading of a test file (after its service started, however
// slowly), 3 minutes back: room for sessions opened in the next two minutes and `seq` up to about 480.
let firstReadingBase: number | null = null;
const readingBase = () => (firstReadingBase ??= Date.now() - 180_000);

/** A plausible reading; the same `seq` always gets the same time (from `start`, one second apart). */
export function reading(seq: number, values: Partial<Reading> = {}, start = readingBase()): Reading {
  return { seq, recordedAt: new Date(start + seq * 1000).toISOString(), hr: 72, spo2: 98, ...values };
}

/** Waits until `check` passes (or throws its last failure after `timeoutMs`). */
export async function eventually(check: () => void | Promise<void>, timeoutMs = 5000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    try {
      await check();
      return;
    } catch (error) {
      if (Date.now() > deadline) throw error;
      await new Promise((r) => setTimeout(r, 25));
    }
  }
}

/** Readings that make a baseline: HR and SpO2 each second for 61 s, and two cuff readings. */
export function baselineReadings(firstSeq = 1, values: { hr?: number; sbp?: number; dbp?: number } = {}): Reading[] {
  const { hr = 72, sbp = 122, dbp = 78 } = values;
  return Array.from({ length: 61 }, (_, i) =>
    reading(firstSeq + i, { hr, spo2: 98, ...(i === 0 || i === 30 ? { sbp, dbp } : {}) }),
  );
}

/** Connects the device, streams a baseline, and leaves the socket open. */
export async function streamBaseline(baseUrl: string, token: string, values?: Parameters<typeof baselineReadings>[1]) {
  const device = await connectDevice(baseUrl, token);
  await device.resume;
  const ack = await device.sendBatch(baselineReadings(1, values));
  if (!ack.ok || !ack.results.every((r) => r.ok)) throw new Error(`baseline not stored: ${JSON.stringify(ack)}`);
  return device;
}
