import { resendDelayMs } from './readings.js';

describe('resendDelayMs', () => {
  const at = (attempt: number, random: number) => resendDelayMs(attempt, () => random);

  it('doubles from 1 s to 8 s, and stays at 8 s', () => {
    expect([1, 2, 3, 4, 5, 30].map((attempt) => at(attempt, 0.5))).toEqual([1000, 2000, 4000, 8000, 8000, 8000]);
  });

  it('spreads each wait from half to one and a half times it', () => {
    expect([at(1, 0), at(1, 0.999)]).toEqual([500, 1499]);
    expect([at(4, 0), at(4, 0.999)]).toEqual([4000, 11992]);
  });

  it('takes an attempt below 1 as the first', () => {
    expect(at(0, 0.5)).toBe(1000);
    expect(at(-3, 0.5)).toBe(1000);
  });
});
