import { promises as fs } from 'node:fs';
import path from 'node:path';
import { randomBytes } from 'node:crypto';
import type { Rest } from './rest.js';

export interface ChairDevice {
  name: string;
  deviceId: string;
  token: string;
}

export interface Clinic {
  siteId: string;
  protocolId: string;
  chairs: ChairDevice[];
}

interface SavedState {
  siteId: string;
  chairs: ChairDevice[];
}

/**
 * Sets up a simulated clinic through the REST API as an administrator would: the site (found by
 * name or created), the IV ketamine protocol's newest version, and one device per chair. Device
 * tokens are shown once by the service, so they are kept in `statePath` (mode 0600) when given; on
 * the next run the same devices are used again, so their `seq` and history continue, and a device
 * that was revoked meanwhile is replaced.
 */
export async function setUpClinic(
  admin: Rest,
  options: { siteName: string; chairs: number; statePath: string | null },
): Promise<Clinic> {
  const sites = await admin.get<{ id: string; name: string }[]>('/sites');
  const siteId =
    sites.find((s) => s.name === options.siteName)?.id ??
    (await admin.post<{ id: string }>('/sites', { name: options.siteName })).id;
  const protocols = await admin.get<{ id: string; key: string }[]>('/protocols');
  const protocol = protocols.find((p) => p.key === 'iv-ketamine'); // newest version first
  if (!protocol) throw new Error('the service has no iv-ketamine protocol');

  const saved = options.statePath ? await readState(options.statePath) : null;
  // Site ids are UUIDs: a state file from another database or site matches nothing.
  const reusable = saved?.siteId === siteId ? saved.chairs : [];
  const devices = await admin.get<{ id: string; revokedAt: string | null }[]>('/devices');
  const live = new Set(devices.filter((d) => !d.revokedAt).map((d) => d.id));
  const chairs: ChairDevice[] = [];
  for (let i = 1; i <= options.chairs; i++) {
    const name = `Chair ${i}`;
    const kept = reusable.find((c) => c.name === name && live.has(c.deviceId));
    if (kept) {
      chairs.push(kept);
      continue;
    }
    const device = await admin.post<{ id: string; token: string }>('/devices', {
      siteId,
      name: `${options.siteName} ${name} monitor`,
    });
    chairs.push({ name, deviceId: device.id, token: device.token });
  }
  if (options.statePath) await writeState(options.statePath, { siteId, chairs });
  return { siteId, protocolId: protocol.id, chairs };
}

/** A clinician of the site for the simulator's sessions, made by the admin (a new one each run). */
export async function createSimulatorClinician(
  admin: Rest,
  siteId: string,
): Promise<{ username: string; password: string }> {
  const username = `simulator.${randomBytes(3).toString('hex')}`;
  const password = randomBytes(18).toString('base64url');
  await admin.post('/users', {
    username,
    displayName: 'Simulator Clinician',
    role: 'clinician',
    password,
    siteIds: [siteId],
  });
  return { username, password };
}

async function readState(file: string): Promise<SavedState | null> {
  try {
    return JSON.parse(await fs.readFile(file, 'utf8')) as SavedState;
  } catch {
    return null;
  }
}

async function writeState(file: string, state: SavedState): Promise<void> {
  await fs.mkdir(path.dirname(file), { recursive: true });
  await fs.writeFile(file, `${JSON.stringify(state, null, 2)}\n`, { mode: 0o600 });
}
