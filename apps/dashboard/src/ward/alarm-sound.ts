import type { AlarmTone } from './alarm-signal';

/**
 * The alarm tones, after IEC 60601-1-8's burst patterns, generated with the Web Audio API so there is
 * no sound file to lose:
 * - high: ten pulses (3 + 2, pause, 3 + 2), repeated every 8 s;
 * - medium: three pulses, lower, repeated every 12 s;
 * - technical (IEC low priority): two soft pulses, lower still, every 20 s;
 * - latched (a high alert whose condition ended, not acknowledged): one reminder pulse every 30 s.
 * One tone plays at a time: the most urgent one (see `toneFor`). Sound can be paused for at most two
 * minutes, never switched off.
 */
export const MAX_PAUSE_MS = 2 * 60_000;

export interface TonePattern {
  /** Pulse starts in seconds from the beginning of the burst. */
  pulses: number[];
  pulseSeconds: number;
  pitchHz: number;
  wave: OscillatorType;
  gain: number;
  repeatMs: number;
}

export const TONES: Record<AlarmTone, TonePattern> = {
  high: {
    pulses: [0, 0.2, 0.4, 0.8, 1.0, 1.8, 2.0, 2.2, 2.6, 2.8],
    pulseSeconds: 0.14,
    pitchHz: 880,
    wave: 'square',
    gain: 0.18,
    repeatMs: 8000,
  },
  medium: { pulses: [0, 0.3, 0.6], pulseSeconds: 0.2, pitchHz: 660, wave: 'square', gain: 0.14, repeatMs: 12_000 },
  technical: { pulses: [0, 0.35], pulseSeconds: 0.22, pitchHz: 494, wave: 'triangle', gain: 0.2, repeatMs: 20_000 },
  latched: { pulses: [0], pulseSeconds: 0.25, pitchHz: 740, wave: 'triangle', gain: 0.16, repeatMs: 30_000 },
};

/** One burst handed to the Web Audio API: what the page exposes as `window.__alarmAudioLog`. */
export interface BurstRecord {
  tone: AlarmTone;
  at: number;
  pulses: number;
  pitchHz: number;
}

declare global {
  interface Window {
    /**
     * Every burst scheduled on the audio context, newest last (at most 50). Read by the end-to-end
     * tests and useful to anyone checking a ward screen: it is written only when sound was played.
     */
    __alarmAudioLog?: BurstRecord[];
  }
}

function record(burst: BurstRecord): void {
  const log = (window.__alarmAudioLog ??= []);
  log.push(burst);
  if (log.length > 50) log.splice(0, log.length - 50);
}

export class AlarmSound {
  private readonly context = new AudioContext();
  private timer: ReturnType<typeof setInterval> | undefined;
  private tone: AlarmTone | null = null;
  private readonly listeners = new Set<() => void>();

  constructor() {
    // Browsers keep audio off until the page has been clicked or typed into (after a reload, say):
    // the first click or key press anywhere turns it on.
    const unlock = () => void this.unlock();
    document.addEventListener('pointerdown', unlock, { once: true });
    document.addEventListener('keydown', unlock, { once: true });
    this.context.addEventListener('statechange', () => {
      // A burst due while the browser held the sound back plays as soon as it is allowed.
      if (this.context.state === 'running' && this.tone) this.burst(this.tone);
      for (const listener of this.listeners) listener();
    });
  }

  /** The browser does not let this page play sound yet. */
  readonly isBlocked = (): boolean => this.context.state !== 'running';

  readonly subscribe = (listener: () => void): (() => void) => {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  };

  /** Call from a click or key press. */
  async unlock(): Promise<void> {
    await this.context.resume();
  }

  /** Plays `tone` now and then at its own interval; null is silence. */
  play(tone: AlarmTone | null): void {
    if (tone === this.tone) return;
    clearInterval(this.timer);
    this.timer = undefined;
    this.tone = tone;
    if (!tone) return;
    this.burst(tone);
    this.timer = setInterval(() => this.burst(tone), TONES[tone].repeatMs);
  }

  close(): void {
    this.play(null);
    this.listeners.clear();
    void this.context.close();
  }

  private burst(tone: AlarmTone): void {
    const context = this.context;
    if (context.state !== 'running') return;
    const pattern = TONES[tone];
    const now = context.currentTime + 0.02;
    const peak = pattern.gain;
    for (const start of pattern.pulses) {
      const oscillator = context.createOscillator();
      const gain = context.createGain();
      oscillator.type = pattern.wave;
      oscillator.frequency.value = pattern.pitchHz;
      // A short rise and fall: a hard-edged square wave clicks.
      const t = now + start;
      gain.gain.setValueAtTime(0, t);
      gain.gain.linearRampToValueAtTime(peak, t + 0.02);
      gain.gain.setValueAtTime(peak, t + pattern.pulseSeconds - 0.03);
      gain.gain.linearRampToValueAtTime(0, t + pattern.pulseSeconds);
      oscillator.connect(gain).connect(context.destination);
      oscillator.start(t);
      oscillator.stop(t + pattern.pulseSeconds + 0.01);
    }
    record({ tone, at: Date.now(), pulses: pattern.pulses.length, pitchHz: pattern.pitchHz });
  }
}
