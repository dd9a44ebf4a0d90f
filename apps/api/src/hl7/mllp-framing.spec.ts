import fc from 'fast-check';
import { CR, FS, frame, MllpDecoder, VT } from './mllp-framing.js';

const frames = (events: ReturnType<MllpDecoder['push']>) =>
  events.flatMap((e) => (e.kind === 'frame' ? [e.payload.toString('utf8')] : []));

describe('MllpDecoder', () => {
  it('finds every frame whatever the chunking, and counts what lies between frames as noise', () => {
    const body = fc.string({ maxLength: 200 }).map((s) => [...s].filter((c) => c !== '\x0b' && c !== '\x1c').join(''));
    fc.assert(
      fc.property(
        fc.array(body, { minLength: 1, maxLength: 6 }),
        fc.array(fc.integer({ min: 1, max: 50 }), { minLength: 1 }),
        (messages, cuts) => {
          const stream = Buffer.concat(messages.map((m) => Buffer.concat([Buffer.from('junk\r\n'), frame(m)])));
          const decoder = new MllpDecoder(10_000);
          const found: string[] = [];
          let noise = 0;
          let at = 0;
          for (let i = 0; at < stream.length; i++) {
            const size = cuts[i % cuts.length]!;
            const events = decoder.push(stream.subarray(at, at + size));
            found.push(...frames(events));
            for (const e of events) if (e.kind === 'noise') noise += e.bytes;
            at += size;
          }
          expect(found).toEqual(messages);
          expect(noise).toBe(messages.length * 6);
          expect(decoder.pending).toBe(0);
        },
      ),
    );
  });

  it('abandons a frame cut off by a new start byte and keeps the next one', () => {
    const decoder = new MllpDecoder(1000);
    const events = decoder.push(Buffer.concat([Buffer.from([VT]), Buffer.from('MSH|cut'), frame('MSH|whole')]));
    expect(frames(events)).toEqual(['MSH|whole']);
    expect(events).toContainEqual({ kind: 'noise', bytes: 7 });
  });

  it('keeps a lone FS inside a frame as data, also across chunks', () => {
    const decoder = new MllpDecoder(1000);
    expect(frames(decoder.push(Buffer.from([VT, 0x41, FS])))).toEqual([]);
    expect(frames(decoder.push(Buffer.from([0x42, FS, CR])))).toEqual(['A\x1cB']);
  });

  it('stops a frame that grows past the limit, even sent a byte at a time', () => {
    const decoder = new MllpDecoder(100);
    decoder.push(Buffer.from([VT]));
    let kinds: string[] = [];
    for (let i = 0; i < 200 && !kinds.includes('oversize'); i++)
      kinds = decoder.push(Buffer.from('x')).map((e) => e.kind);
    expect(kinds).toContain('oversize');
    expect(decoder.pending).toBe(0);
  });
});
