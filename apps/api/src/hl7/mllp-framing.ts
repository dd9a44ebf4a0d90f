export const VT = 0x0b;
export const FS = 0x1c;
export const CR = 0x0d;

export type MllpEvent = { kind: 'frame'; payload: Buffer } | { kind: 'noise'; bytes: number } | { kind: 'oversize' };

/**
 * MLLP framing (`<VT> message <FS><CR>`), written for a socket that anyone can reach: frames are
 * found whatever the TCP segmentation, several per chunk or one across many; bytes outside a frame
 * are counted as noise and dropped; a start byte inside an unfinished frame abandons it (the sender
 * was cut off and started again); and a frame may not grow past `maxFrameBytes`, so garbage cannot
 * fill the memory. After `oversize` the connection is expected to be closed.
 */
export class MllpDecoder {
  private parts: Buffer[] = [];
  private size = 0;
  private inFrame = false;
  private sawFs = false;
  /** The previous chunk ended with FS, which was not kept: it is data unless CR follows. */
  private fsCarried = false;

  constructor(private readonly maxFrameBytes: number) {}

  push(chunk: Buffer): MllpEvent[] {
    const events: MllpEvent[] = [];
    let noise = 0;
    let start = 0;
    for (let i = 0; i < chunk.length; i++) {
      const byte = chunk[i]!;
      if (!this.inFrame) {
        if (byte === VT) {
          this.begin();
          start = i + 1;
        } else noise++;
        continue;
      }
      if (this.sawFs) {
        this.sawFs = false;
        const carried = this.fsCarried;
        this.fsCarried = false;
        if (byte !== CR && carried) {
          this.parts.push(Buffer.from([FS]));
          this.size += 1;
        }
        if (byte === CR) {
          this.take(chunk, start, i - 1);
          const payload = Buffer.concat(this.parts, this.size);
          this.end();
          events.push({ kind: 'frame', payload });
          continue;
        }
      }
      if (byte === FS) this.sawFs = true;
      else if (byte === VT) {
        // The previous frame never ended: count it as noise and start over.
        noise += this.size + (i - start);
        this.begin();
        start = i + 1;
      }
      if (this.size + (i + 1 - start) > this.maxFrameBytes) {
        this.end();
        if (noise > 0) events.push({ kind: 'noise', bytes: noise });
        events.push({ kind: 'oversize' });
        return events;
      }
    }
    if (this.inFrame) {
      this.take(chunk, start, this.sawFs ? chunk.length - 1 : chunk.length);
      this.fsCarried = this.sawFs;
    }
    if (noise > 0) events.push({ kind: 'noise', bytes: noise });
    return events;
  }

  /** Bytes of an unfinished frame held (for a message cut off when the connection ends). */
  get pending(): number {
    return this.inFrame ? this.size : 0;
  }

  private begin(): void {
    this.parts = [];
    this.size = 0;
    this.inFrame = true;
    this.sawFs = false;
    this.fsCarried = false;
  }

  private end(): void {
    this.parts = [];
    this.size = 0;
    this.inFrame = false;
    this.sawFs = false;
    this.fsCarried = false;
  }

  /** Keeps chunk[from, to) as part of the current frame (`to` stops before a trailing FS). */
  private take(chunk: Buffer, from: number, to: number): void {
    if (to > from) {
      this.parts.push(chunk.subarray(from, to));
      this.size += to - from;
    }
  }
}

export function frame(message: string): Buffer {
  const body = Buffer.from(message, 'utf8');
  return Buffer.concat([Buffer.from([VT]), body, Buffer.from([FS, CR])]);
}
