import { useEffect, useMemo, useState } from 'react';
import { useNow } from '../use-now';
import { isSounding } from './alarm-level';
import { AlarmSound, MAX_PAUSE_MS } from './alarm-sound';
import { openAlerts, type Board } from './board';

interface Pause {
  until: number;
  /** The alerts that were sounding when the pause began: a new one sounds at once. */
  covers: Set<string>;
}

export interface AlarmControl {
  sounding: number;
  /** ms of pause left, or 0. */
  pausedForMs: number;
  /** The browser has not yet allowed sound on this page. */
  blocked: boolean;
  pause: () => void;
  resume: () => void;
  unlock: () => void;
}

export function useAlarm(board: Board): AlarmControl {
  const sound = useMemo(() => new AlarmSound(), []);
  const now = useNow();
  const [pause, setPause] = useState<Pause | null>(null);
  const sounding = [...board.values()].flatMap(openAlerts).filter(isSounding);
  const pausedForMs =
    pause && pause.until > now && sounding.every((a) => pause.covers.has(a.id)) ? pause.until - now : 0;
  const shouldSound = sounding.length > 0 && pausedForMs === 0;

  useEffect(() => {
    if (shouldSound) sound.start();
    else sound.stop();
  }, [shouldSound, sound]);
  useEffect(() => () => sound.stop(), [sound]);

  return {
    sounding: sounding.length,
    pausedForMs,
    blocked: sound.blocked,
    pause: () => setPause({ until: Date.now() + MAX_PAUSE_MS, covers: new Set(sounding.map((a) => a.id)) }),
    resume: () => setPause(null),
    unlock: () => void sound.unlock(),
  };
}
