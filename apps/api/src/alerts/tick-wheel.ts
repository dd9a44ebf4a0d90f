/**
 * Spreads the periodic work on the live sessions over time, so that no single turn of the event
 * loop handles every session. Time runs in turns; each session has a slot among `turnsPerSave`.
 * A session is ticked on one turn in every `turnsPerTick` (its slot's turn modulo that), and its
 * state falls due for a save on one turn in every `turnsPerSave` (its slot's own turn). New sessions
 * take the emptiest slot, so each turn has about the same share of the sessions.
 */
export class TickWheel<T> {
  private readonly slots: Set<T>[];
  private readonly slotOf = new Map<T, number>();
  private turn = 0;

  constructor(
    private readonly turnsPerTick: number,
    turnsPerSave: number,
  ) {
    if (turnsPerSave % turnsPerTick !== 0) throw new Error('turnsPerSave must be a multiple of turnsPerTick');
    this.slots = Array.from({ length: turnsPerSave }, () => new Set<T>());
  }

  get size(): number {
    return this.slotOf.size;
  }

  add(member: T): void {
    if (this.slotOf.has(member)) return;
    let emptiest = 0;
    for (let slot = 1; slot < this.slots.length; slot++) {
      if (this.slots[slot]!.size < this.slots[emptiest]!.size) emptiest = slot;
    }
    this.slots[emptiest]!.add(member);
    this.slotOf.set(member, emptiest);
  }

  delete(member: T): void {
    const slot = this.slotOf.get(member);
    if (slot === undefined) return;
    this.slots[slot]!.delete(member);
    this.slotOf.delete(member);
  }

  /** Moves to the next turn: the members to tick on it, and those of them whose state save falls due. */
  next(): { tick: T[]; save: Set<T> } {
    const current = this.turn;
    this.turn = (this.turn + 1) % this.slots.length;
    const tick: T[] = [];
    for (let slot = current % this.turnsPerTick; slot < this.slots.length; slot += this.turnsPerTick) {
      tick.push(...this.slots[slot]!);
    }
    return { tick, save: new Set(this.slots[current]) };
  }
}
