import { TickWheel } from './tick-wheel.js';

function turns<T>(wheel: TickWheel<T>, count: number) {
  return Array.from({ length: count }, () => wheel.next());
}

describe('TickWheel', () => {
  it('ticks every member once per tick period and saves it once per save period, on one of its ticks', () => {
    const wheel = new TickWheel<number>(10, 150);
    for (let i = 0; i < 1234; i++) wheel.add(i);
    const ticks = Array.from({ length: 1234 }, () => [] as number[]);
    const saves = Array.from({ length: 1234 }, () => [] as number[]);
    turns(wheel, 300).forEach(({ tick, save }, turn) => {
      for (const member of tick) ticks[member]!.push(turn);
      for (const member of save) saves[member]!.push(turn);
      expect([...save].every((member) => tick.includes(member))).toBe(true);
    });
    for (let i = 0; i < 1234; i++) {
      const ticked = ticks[i]!;
      expect(ticked).toHaveLength(30);
      expect(new Set(ticked.slice(1).map((turn, k) => turn - ticked[k]!))).toEqual(new Set([10]));
      const saved = saves[i]!;
      expect(saved).toHaveLength(2);
      expect(saved[1]! - saved[0]!).toBe(150);
    }
  });

  it('gives each turn the same share of the members, also when newcomers take the place of those who left', () => {
    const wheel = new TickWheel<number>(10, 150);
    for (let i = 0; i < 5000; i++) wheel.add(i);
    for (let i = 0; i < 5000; i += 3) wheel.delete(i);
    for (let i = 5000; i < 6667; i++) wheel.add(i);
    expect(wheel.size).toBe(5000);
    const sizes = turns(wheel, 150).map(({ tick, save }) => [tick.length, save.size]);
    const tickSizes = sizes.map(([t]) => t!);
    const saveSizes = sizes.map(([, s]) => s!);
    expect(Math.max(...tickSizes) - Math.min(...tickSizes)).toBeLessThanOrEqual(15);
    expect(Math.max(...saveSizes) - Math.min(...saveSizes)).toBeLessThanOrEqual(1);
  });

  it('forgets a member that was deleted and takes it back once', () => {
    const wheel = new TickWheel<string>(2, 4);
    wheel.add('a');
    wheel.add('a');
    wheel.delete('a');
    expect(turns(wheel, 4).flatMap(({ tick }) => tick)).toEqual([]);
    wheel.add('a');
    expect(turns(wheel, 4).flatMap(({ tick }) => tick)).toEqual(['a', 'a']);
  });

  it('refuses a save period that is not a whole number of tick periods', () => {
    expect(() => new TickWheel(10, 155)).toThrow();
  });
});
