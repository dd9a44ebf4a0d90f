import type { CSSProperties } from 'react';
import { AlarmList } from '../components/AlarmList';
import { SessionTile } from '../components/SessionTile';
import { useNow } from '../use-now';
import { boardAlarms } from '../ward/alarm-signal';
import { boardColumns } from '../ward/board-layout';
import { useNextAlarmKey } from '../ward/use-next-alarm-key';
import { useSize } from '../ward/use-size';
import { useWard } from '../ward/ward-context';

/** The narrowest a tile may get (px) before the board scrolls instead: three values side by side. */
const MIN_TILE_WIDTH = 230;

export function WardBoard() {
  const { board, status, snapshotAt } = useWard();
  const now = useNow();
  const [area, size] = useSize<HTMLDivElement>();
  const alarms = boardAlarms(board);
  useNextAlarmKey(alarms);
  // Tiles keep their places, by chair: a nurse learns where chair 7 is. Urgency is the alarm list's job.
  const tiles = [...board.values()].sort((a, b) =>
    a.session.chair.localeCompare(b.session.chair, undefined, { numeric: true }),
  );
  const columns = boardColumns(tiles.length, size.width, size.height, MIN_TILE_WIDTH);

  return (
    <section aria-labelledby="board-title" className="ward">
      <h1 id="board-title" className="visually-hidden">
        Ward board
      </h1>
      {snapshotAt !== null && <AlarmList alarms={alarms} now={now} />}
      <div className="board-area" ref={area}>
        {snapshotAt === null ? (
          <p className="muted page-note">Loading the ward…</p>
        ) : tiles.length === 0 ? (
          <p className="muted page-note">No open sessions at your sites.</p>
        ) : (
          <ul
            className={`board${status === 'live' ? '' : ' not-live'}`}
            data-columns={columns}
            style={{ '--columns': columns, '--rows': Math.ceil(tiles.length / columns) } as CSSProperties}
            aria-label="Chairs"
          >
            {tiles.map((tile) => (
              <li key={tile.session.id}>
                <SessionTile tile={tile} now={now} live={status === 'live'} />
              </li>
            ))}
          </ul>
        )}
      </div>
    </section>
  );
}
