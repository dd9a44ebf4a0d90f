export interface BatcherOptions {
  /** How long the first item of a batch may wait for others. */
  delayMs: number;
  /** Most items in one batch; a full batch goes at once. */
  maxBatch: number;
  /** Most batches being written at the same time. */
  maxConcurrent: number;
}

interface Waiting<I, O> {
  item: I;
  resolve: (outcome: O) => void;
  reject: (error: unknown) => void;
}

/**
 * Coalesces items that arrive close together into batches handed to `write`. Each caller's promise
 * settles with its own outcome only when its batch's `write` has settled; if `write` fails, every
 * item of that batch fails with its error, and later batches are unaffected.
 */
export class Batcher<I, O> {
  private queue: Waiting<I, O>[] = [];
  private timer: NodeJS.Timeout | null = null;
  private running = 0;
  private writing = 0;
  private idle: (() => void)[] = [];

  constructor(
    private readonly write: (items: I[]) => Promise<O[]>,
    private readonly options: BatcherOptions,
  ) {}

  add(item: I): Promise<O> {
    return new Promise<O>((resolve, reject) => {
      this.queue.push({ item, resolve, reject });
      this.schedule();
    });
  }

  /** Items not yet settled: queued or being written. */
  get pending(): number {
    return this.queue.length + this.writing;
  }

  /** Resolves once every item added so far has settled. */
  async drain(): Promise<void> {
    while (this.pending > 0) {
      this.startBatches();
      await new Promise<void>((resolve) => this.idle.push(resolve));
    }
  }

  private schedule(): void {
    if (this.queue.length >= this.options.maxBatch || this.options.delayMs === 0) {
      this.startBatches();
    } else {
      this.timer ??= setTimeout(() => {
        this.timer = null;
        this.startBatches();
      }, this.options.delayMs);
    }
  }

  private startBatches(): void {
    if (this.timer) {
      clearTimeout(this.timer);
      this.timer = null;
    }
    while (this.queue.length > 0 && this.running < this.options.maxConcurrent) {
      void this.run(this.queue.splice(0, this.options.maxBatch));
    }
  }

  private async run(batch: Waiting<I, O>[]): Promise<void> {
    this.running++;
    this.writing += batch.length;
    try {
      const outcomes = await this.write(batch.map((w) => w.item));
      batch.forEach((waiting, i) => waiting.resolve(outcomes[i]!));
    } catch (error) {
      for (const waiting of batch) waiting.reject(error);
    } finally {
      this.running--;
      this.writing -= batch.length;
      // What arrived while this batch was written has waited long enough: it goes next, together.
      if (this.queue.length > 0) this.startBatches();
      for (const wake of this.idle.splice(0)) wake();
    }
  }
}
