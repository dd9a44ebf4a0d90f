import { SessionTile } from '../components/SessionTile';
import { useNow } from '../use-now';
import { useWard } from '../ward/ward-context';

export function WardBoard() {
  const { board, status, snapshotAt } = useWard();
  const now = useNow();
  const tiles = [...board.values()].sort((a, b) =>
    a.session.chair.localeCompare(b.session.chair, undefined, { numeric: true }),
  );
  if (snapshotAt === null) return <p className="muted page-note">Loading the ward…</p>;
  return (
    <section aria-labelledby="board-title">
      <h1 id="board-title" className="visually-hidden">
        Ward board
      </h1>
      {tiles.length === 0 ? (
        <p className="muted page-note">No open sessions at your sites.</p>
      ) : (
        <ul className={`board${status === 'live' ? '' : ' not-live'}`}>
          {tiles.map((tile) => (
            <li key={tile.session.id}>
              <SessionTile tile={tile} now={now} live={status === 'live'} />
            </li>
          ))}
        </ul>
      )}
    </section>
  );
}
