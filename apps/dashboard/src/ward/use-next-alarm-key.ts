import { useEffect } from 'react';
import type { BoardAlarm } from './alarm-signal';

const typingIn = (target: EventTarget | null) =>
  target instanceof HTMLElement && (target.isContentEditable || /^(INPUT|TEXTAREA|SELECT)$/.test(target.tagName));

/** Focuses a chair's tile on the board and scrolls it into view. */
export function focusTile(sessionId: string): void {
  const tile = document.querySelector<HTMLElement>(`.tile[data-session-id="${sessionId}"]`);
  tile?.focus();
  tile?.scrollIntoView({ block: 'nearest' });
}

/**
 * "N" moves the focus to the tile of the next chair in alarm order (Shift+N the previous one),
 * scrolled into view: from there Enter opens the chair. Ignored while typing in a field.
 */
export function useNextAlarmKey(alarms: BoardAlarm[]): void {
  useEffect(() => {
    const chairs = [...new Set(alarms.map((a) => a.session.id))];
    const onKey = (event: KeyboardEvent) => {
      if (event.key.toLowerCase() !== 'n' || event.ctrlKey || event.metaKey || event.altKey) return;
      if (typingIn(event.target) || chairs.length === 0) return;
      event.preventDefault();
      const focused = (document.activeElement as HTMLElement | null)?.closest<HTMLElement>('.tile');
      const at = focused ? chairs.indexOf(focused.dataset.sessionId ?? '') : -1;
      const step = event.shiftKey ? -1 : 1;
      const next = at === -1 ? (step === 1 ? 0 : chairs.length - 1) : (at + step + chairs.length) % chairs.length;
      focusTile(chairs[next]!);
    };
    document.addEventListener('keydown', onKey);
    return () => document.removeEventListener('keydown', onKey);
  }, [alarms]);
}
