import type { Alert } from '#contracts';
import { type BoardAlarm, PRIORITY_NAMES } from './alarm-signal';
import { alarmText, quotable } from './alarm-text';
import type { Tile } from './board';
import { FRESHNESS } from './freshness';
import type { TileVital } from './vital-track';

/** The alarm text of a board alarm, quoting the tile's current value while it is still current. */
export function boardAlarmText(alert: Alert, tile: Tile, now: number): string {
  const current = (vital: TileVital) =>
    quotable(tile.vitals[vital], now, FRESHNESS[vital === 'sbp' || vital === 'dbp' ? 'cuff' : 'continuous'].goneMs);
  return alarmText(alert, current);
}

/** What is asked of the nurse, in words: the state is never told by colour alone. */
export function conditionWords(alarm: Pick<BoardAlarm, 'alert' | 'condition'>): string {
  switch (alarm.condition) {
    case 'active':
      return 'not acknowledged';
    case 'latched':
      return 'ENDED — acknowledge';
    case 'acknowledged':
      return alarm.alert.acknowledgedBy ? `acknowledged by ${alarm.alert.acknowledgedBy.displayName}` : 'acknowledged';
  }
}

export const priorityWord = (alarm: Pick<BoardAlarm, 'priority'>) => PRIORITY_NAMES[alarm.priority];
