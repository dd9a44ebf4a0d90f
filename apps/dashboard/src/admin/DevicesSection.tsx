import type { CreatedDevice, DeviceView, SiteView } from '#contracts';
import { type FormEvent, useEffect, useState } from 'react';
import { post } from '../api';
import { formatAge, formatDateTime } from '../format';
import { useNow } from '../use-now';
import { Table } from './AdminPage';
import { useList } from './use-list';

/** "EUI-64 or bed" for a monitor that reports over HL7 v2 through a gateway. */
function hl7Label(source: DeviceView['hl7Source']): string {
  if (!source) return 'socket';
  const where = source.eui64 ? `EUI-64 ${source.eui64}` : `bed ${source.bed ?? ''}`;
  return `HL7 ${source.sendingApplication}${source.sendingFacility ? ` @ ${source.sendingFacility}` : ''}, ${where}`;
}

/** The service notes a streaming device at least every 30 s; the list is asked again as often. */
const REFRESH_MS = 30_000;

/** "12 s ago" beside the time, so a monitor that has gone quiet stands out. */
function lastSeen(iso: string | null, now: number): string {
  if (!iso) return 'never';
  return `${formatAge(now - Date.parse(iso))} ago (${formatDateTime(iso)})`;
}

/** Monitors: add one (its token is shown once, the service keeps only a hash) or revoke one. */
export function DevicesSection({ sites, siteName }: { sites: SiteView[]; siteName: (id: string) => string }) {
  const devices = useList<DeviceView>('/devices');
  const now = useNow(5000);
  const { reload } = devices;
  useEffect(() => {
    const timer = setInterval(reload, REFRESH_MS);
    return () => clearInterval(timer);
  }, [reload]);
  const [siteId, setSiteId] = useState('');
  const [name, setName] = useState('');
  const [issued, setIssued] = useState<{ name: string; token: string } | null>(null);
  const [hl7Application, setHl7Application] = useState('');
  const [hl7Facility, setHl7Facility] = useState('');
  const [hl7Where, setHl7Where] = useState('');
  const [problem, setProblem] = useState<string | null>(null);

  const create = async (event: FormEvent) => {
    event.preventDefault();
    setProblem(null);
    try {
      const where = hl7Where.trim();
      const hl7Source = hl7Application.trim()
        ? {
            sendingApplication: hl7Application.trim(),
            ...(hl7Facility.trim() ? { sendingFacility: hl7Facility.trim() } : {}),
            ...(/^([0-9A-Fa-f]{2}[-:]?){7}[0-9A-Fa-f]{2}$/.test(where) ? { eui64: where } : { bed: where }),
          }
        : undefined;
      const made = await post<CreatedDevice>('/devices', {
        siteId: siteId || sites[0]?.id,
        name: name.trim(),
        ...(hl7Source ? { hl7Source } : {}),
      });
      if (made.token) setIssued({ name: made.name, token: made.token });
      setName('');
      setHl7Application('');
      setHl7Facility('');
      setHl7Where('');
      devices.reload();
    } catch (error) {
      setProblem(error instanceof Error ? error.message : 'The device was not created.');
    }
  };

  const revoke = async (device: DeviceView) => {
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
        <label>
          HL7 sending application (MSH-3, optional)
          <input value={hl7Application} onChange={(e) => setHl7Application(e.target.value)} maxLength={227} />
        </label>
        <label>
          HL7 facility (MSH-4)
          <input
            value={hl7Facility}
            onChange={(e) => setHl7Facility(e.target.value)}
            maxLength={227}
            disabled={!hl7Application.trim()}
          />
        </label>
        <label>
          EUI-64 or bed (PV1-3)
          <input
            value={hl7Where}
            onChange={(e) => setHl7Where(e.target.value)}
            maxLength={200}
            required={Boolean(hl7Application.trim())}
            disabled={!hl7Application.trim()}
            placeholder="0123456789ABCDEF"
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
        head={['Name', 'Site', 'Connection', 'Last seen', 'Status', '']}
        rows={devices.items?.map((d) => [
          d.name,
          siteName(d.siteId),
          hl7Label(d.hl7Source),
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
