import { Fragment } from 'react';
import { formatDateTime } from '../format';
import type { AuditRecord } from '#contracts';

const json = (value: unknown) => JSON.stringify(value, null, 2);

/** Who did it: a person with their role, a monitor, or the service itself. */
function actor(event: AuditRecord): string {
  if (event.actorType === 'user') return `${event.actorName ?? event.actorId ?? '?'} (${event.role ?? 'user'})`;
  if (event.actorType === 'device') return `device ${event.actorName ?? event.actorId ?? ''}`.trim();
  return event.actorType === 'system' ? 'the service' : `anonymous${event.actorName ? ` (${event.actorName})` : ''}`;
}

/** Before, after and details are only in the row's expandable part: most reviews need the line alone. */
function Changes({ event }: { event: AuditRecord }) {
  const parts = (
    [
      ['Before', event.before],
      ['After', event.after],
      ['Details', event.details],
    ] as const
  ).filter(([, value]) => value !== null && value !== undefined);
  if (parts.length === 0) return <span className="muted">—</span>;
  return (
    <details>
      <summary>{parts.map(([name]) => name.toLowerCase()).join(', ')}</summary>
      {parts.map(([name, value]) => (
        <Fragment key={name}>
          <h4>{name}</h4>
          <pre>{json(value)}</pre>
        </Fragment>
      ))}
    </details>
  );
}

export function AuditTable({ events, siteName }: { events: AuditRecord[]; siteName: (id: string) => string }) {
  if (events.length === 0) return <p className="muted">No events match.</p>;
  return (
    <table className="audit-table">
      <thead>
        <tr>
          {['Time', 'Actor', 'Action', 'Entity', 'Site', 'Source', 'Changes'].map((h) => (
            <th key={h} scope="col">
              {h}
            </th>
          ))}
        </tr>
      </thead>
      <tbody>
        {events.map((e) => (
          <tr key={e.seq} data-action={e.action}>
            <td>{formatDateTime(e.at)}</td>
            <td>{actor(e)}</td>
            <td>
              <code>{e.action}</code>
            </td>
            <td>
              {e.entityType ?? '—'}
              {e.entityId && <span className="muted entity-id"> {e.entityId}</span>}
            </td>
            <td>{e.siteId ? siteName(e.siteId) : '—'}</td>
            <td>{e.sourceIp ?? '—'}</td>
            <td>
              <Changes event={e} />
            </td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}
