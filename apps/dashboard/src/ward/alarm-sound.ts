/**
 * The high-priority alarm sound: bursts of ten pulses (3 + 2, pause, 3 + 2), after IEC 60601-1-8's
 * high-priority pattern, repeated while any high alert waits for acknowledgement. Generated with the
 * Web Audio API so there is no sound file to lose. It can be paused for at most two minutes, never
 * switched off.
 */
export const MAX_PAUSE_MS = 2 * 60_000;

const PULSE_STARTS = [0, 0.2, 0.4, 0.8, 1.0, 1.8, 2.0, 2.2, 2.6, 2.8];
const PULSE_SECONDS = 0.14;
const PITCH_HZ = 880;
const REPEAT_MS = 8000;

export class AlarmSound {
  private readonly context = new AudioContext();
  private timer: ReturnType<typeof setInterval> | undefined;

  constructor() {
    // Browsers keep audio off until the page has been clicked or typed into (after a reload, say):
    // the first click or key press anywhere turns it on.
    const unlock = () => void this.unlock();
    document.addEventListener('pointerdown', unlock, { once: true });
    document.addEventListener('keydown', unlock, { once: true });
  }

  /** The browser does not let this page play sound yet. */
  get blocked(): boolean {
    return this.context.state === 'suspended';
  }

  /** Call from a click or key press. */
  async unlock(): Promise<void> {
    await this.context.resume();
  }

  start(): void {
    if (this.timer !== undefined) return;
    this.burst();
    this.timer = setInterval(() => this.burst(), REPEAT_MS);
  }

  stop(): void {
    clearInterval(this.timer);
    this.timer = undefined;
  }

  private burst(): void {
    const context = this.context;
    if (context.state !== 'running') return;
    const now = context.currentTime + 0.02;
    for (const start of PULSE_STARTS) {
      const oscillator = context.createOscillator();
      const gain = context.createGain();
      oscillator.type = 'square';
      oscillator.frequency.value = PITCH_HZ;
      // A short rise and fall: a hard-edged square wave clicks.
      gain.gain.setValueAtTime(0, now + start);
      gain.gain.linearRampToValueAtTime(0.18, now + start + 0.02);
      gain.gain.setValueAtTime(0.18, now + start + PULSE_SECONDS - 0.03);
      gain.gain.linearRampToValueAtTime(0, now + start + PULSE_SECONDS);
      oscillator.connect(gain).connect(context.destination);
      oscillator.start(now + start);
      oscillator.stop(now + start + PULSE_SECONDS + 0.01);
    }
  }
}
