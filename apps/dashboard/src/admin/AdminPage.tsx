import type { SiteView, UserView } from '#contracts';
import type { ReactNode } from 'react';
import { formatDateTime } from '../format';
import type { ProtocolRecord } from '../session/records';
import { DevicesSection } from './DevicesSection';
import { SitesSection } from './SitesSection';
import { UsersSection } from './UsersSection';
import { useList } from './use-list';

export function AdminPage() {
  const users = useList<UserView>('/users');
  const sites = useList<SiteView>('/sites');
  const protocols = useList<ProtocolRecord>('/protocols');
  const siteName = (id: string) => sites.items?.find((s) => s.id === id)?.name ?? id;
  return (
    <div className="admin">
      <h1>Administration</h1>
      <UsersSection
        users={users.items}
        problem={users.problem}
        reload={users.reload}
        sites={sites.items ?? []}
        siteName={siteName}
      />
      <SitesSection sites={sites.items} problem={sites.problem} reload={sites.reload} />
      <DevicesSection sites={sites.items ?? []} siteName={siteName} />
      <section aria-labelledby="protocols-title">
        <h2 id="protocols-title">Protocols</h2>
        <Table
          problem={protocols.problem}
          head={['Key', 'Version', 'Name', 'Route', 'Published']}
          rows={protocols.items?.map((p) => [p.key, String(p.version), p.name, p.route, formatDateTime(p.createdAt)])}
        />
      </section>
    </div>
  );
}

export function Table({
  head,
  rows,
  problem,
}: {
  head: string[];
  rows: ReactNode[][] | undefined;
  problem: string | null;
}) {
  if (problem) return <p className="problem">{problem}</p>;
  if (!rows) return <p className="muted">Loading…</p>;
  if (rows.length === 0) return <p className="muted">None yet.</p>;
  return (
    <table>
      <thead>
        <tr>
          {head.map((h) => (
            <th key={h} scope="col">
              {h}
            </th>
          ))}
        </tr>
      </thead>
      <tbody>
        {rows.map((cells, i) => (
          <tr key={i}>
            {cells.map((cell, j) => (
              <td key={j}>{cell}</td>
            ))}
          </tr>
        ))}
      </tbody>
    </table>
  );
}
