import { type FormEvent, useEffect, useState } from 'react';
import { post } from '../api';
import { formatAge, formatDateTime } from '../format';
import { useNow } from '../use-now';
import type { Site } from './AdminPage';
import { Table } from './AdminPage';
import { useList } from './use-list';

interface Device {
  id: string;
  siteId: string;
  name: string;
  createdAt: string;
  revokedAt: string | null;
  lastSeenAt: string | null;
}

/** The service notes a streaming device at least every 30 s; the list is asked again as often. */
const REFRESH_MS = 30_000;

/** "12 s ago" beside the time, so a monitor that has gone quiet stands out. */
function lastSeen(iso: string | null, now: number): string {
  if (!iso) return 'never';
  return `${formatAge(now - Date.parse(iso))} ago (${formatDateTime(iso)})`;
}

/** Monitors: add one (its token is shown once, the service keeps only a hash) or revoke one. */
export function DevicesSection({ sites, siteName }: { sites: Site[]; siteName: (id: string) => string }) {
  const devices = useList<Device>('/devices');
  const now = useNow(5000);
  const { reload } = devices;
  useEffect(() => {
    const timer = setInterval(reload, REFRESH_MS);
    return () => clearInterval(timer);
  }, [reload]);
  const [siteId, setSiteId] = useState('');
  const [name, setName] = useState('');
  const [issued, setIssued] = useState<{ name: string; token: string } | null>(null);
  const [problem, setProblem] = useState<string | null>(null);

  const create = async (event: FormEvent) => {
    event.preventDefault();
    setProblem(null);
    try {
      const made = await post<Device & { token: string }>('/devices', {
        siteId: siteId || sites[0]?.id,
        name: name.trim(),
      });
      setIssued({ name: made.name, token: made.token });
      setName('');
      devices.reload();
    } catch (error) {
      setProblem(error instanceof Error ? error.message : 'The device was not created.');
    }
  };

  const revoke = async (device: Device) => {
    if (!window.confirm(`Revoke ${device.name}? It is disconnected at once and cannot send readings again.`)) return;
    try {
      await post(`/devices/${device.id}/revoke`);
      devices.reload();
    } catch (error) {
      setProblem(error instanceof Error ? error.message : 'The device was not revoked.');
    }
  };

  return (
    <section aria-labelledby="devices-title">
      <h2 id="devices-title">Devices</h2>
      <form className="inline-form" onSubmit={(e) => void create(e)}>
        <label>
          Site
          <select value={siteId || sites[0]?.id || ''} onChange={(e) => setSiteId(e.target.value)} required>
            {sites.map((s) => (
              <option key={s.id} value={s.id}>
                {s.name}
              </option>
            ))}
          </select>
        </label>
        <label>
          Name
          <input
            value={name}
            onChange={(e) => setName(e.target.value)}
            required
            maxLength={200}
            placeholder="Chair 3 monitor"
          />
        </label>
        <button type="submit" className="primary" disabled={sites.length === 0}>
          Add device
        </button>
      </form>
      {issued && (
        <div className="token-once" role="alert">
          <p>
            Token for <strong>{issued.name}</strong>. Enter it in the monitor now: it is shown only this once.
          </p>
          <code>{issued.token}</code>
          <button type="button" onClick={() => setIssued(null)}>
            Done, hide it
          </button>
        </div>
      )}
      {problem && <p className="problem">{problem}</p>}
      <Table
        problem={devices.problem}
        head={['Name', 'Site', 'Last seen', 'Status', '']}
        rows={devices.items?.map((d) => [
          d.name,
          siteName(d.siteId),
          lastSeen(d.lastSeenAt, now),
          d.revokedAt ? `revoked ${formatDateTime(d.revokedAt)}` : 'active',
          d.revokedAt ? (
            ''
          ) : (
            <button type="button" className="danger" onClick={() => void revoke(d)}>
              Revoke
            </button>
          ),
        ])}
      />
    </section>
  );
}
