import { useEffect, useState, useSyncExternalStore } from 'react';
import { useNow } from '../use-now';
import { awaitsAcknowledgement } from './alarm-level';
import { boardAlarms, toneFor, type AlarmTone, type BoardAlarm } from './alarm-signal';
import { AlarmSound, MAX_PAUSE_MS } from './alarm-sound';
import type { Board } from './board';

interface Pause {
  until: number;
  /** The alerts that were waiting when the pause began: a new one sounds at once. */
  covers: Set<string>;
}

/** What the speaker is doing, as the page exposes it (`data-sound`). */
export type SoundState = 'blocked' | 'paused' | 'on';

export interface AlarmControl {
  /** Every open alert, most urgent first. */
  alarms: BoardAlarm[];
  /** The alerts waiting for acknowledgement (active or latched). */
  waiting: BoardAlarm[];
  /** The tone that should be sounding now (whether or not the browser lets it). */
  tone: AlarmTone | null;
  sound: SoundState;
  /** ms of pause left, or 0. */
  pausedForMs: number;
  pause: () => void;
  resume: () => void;
  unlock: () => void;
}

export function useAlarm(board: Board): AlarmControl {
  const [speaker] = useState(() => new AlarmSound());
  const blocked = useSyncExternalStore(speaker.subscribe, speaker.isBlocked);
  const now = useNow();
  const [pause, setPause] = useState<Pause | null>(null);
  const alarms = boardAlarms(board);
  const waiting = alarms.filter((a) => awaitsAcknowledgement(a.alert));
  const tone = toneFor(alarms);
  const pausedForMs =
    pause && pause.until > now && waiting.every((a) => pause.covers.has(a.alert.id)) ? pause.until - now : 0;
  const playing = pausedForMs === 0 ? tone : null;

  useEffect(() => speaker.play(playing), [playing, speaker]);
  useEffect(() => () => speaker.play(null), [speaker]);

  return {
    alarms,
    waiting,
    tone,
    sound: blocked ? 'blocked' : pausedForMs > 0 ? 'paused' : 'on',
    pausedForMs,
    pause: () => setPause({ until: Date.now() + MAX_PAUSE_MS, covers: new Set(waiting.map((a) => a.alert.id)) }),
    resume: () => setPause(null),
    unlock: () => void speaker.unlock(),
  };
}
