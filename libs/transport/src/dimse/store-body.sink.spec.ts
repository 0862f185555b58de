import { describe, expect, it } from 'vitest';
import { StoreBodySink } from './store-body.sink.js';

function sink(high = 100, low = 25) {
  const pressure: boolean[] = [];
  return { sink: new StoreBodySink({ highWaterMark: high, lowWaterMark: low, onPressure: (p) => pressure.push(p) }), pressure };
}

describe('StoreBodySink', () => {
  it('hands the written chunks to its reader in order and ends on end()', async () => {
    const { sink: s } = sink();
    const reading = (async () => {
      const out: string[] = [];
      for await (const c of s.body()) out.push(Buffer.from(c).toString());
      return out;
    })();
    expect(s.write(Buffer.from('ab'))).toBe(true);
    s.write(Buffer.from('cd'));
    s.end();
    expect(await reading).toEqual(['ab', 'cd']);
    expect(s.bytesReceived).toBe(4);
    expect(s.complete).toBe(true);
  });

  it('always answers write() with true, and reports pressure across the marks instead', async () => {
    const { sink: s, pressure } = sink(100, 25);
    expect(s.write(Buffer.alloc(60))).toBe(true);
    expect(pressure).toEqual([]);
    expect(s.write(Buffer.alloc(60))).toBe(true); // 120 queued: over the high mark
    expect(s.write(Buffer.alloc(60))).toBe(true);
    expect(pressure).toEqual([true]);
    const it = s.body()[Symbol.asyncIterator]();
    await it.next(); // 120 left
    await it.next(); // 60 left
    expect(pressure).toEqual([true]);
    await it.next(); // 0 left: under the low mark
    expect(pressure).toEqual([true, false]);
    expect(s.bytesQueued).toBe(0);
  });

  it('throws fail()’s error to the reader after the bytes that did arrive; fail() after end() is ignored', async () => {
    const { sink: s } = sink();
    s.write(Buffer.from('xy'));
    s.fail(new Error('gone'));
    const out: string[] = [];
    await expect(
      (async () => {
        for await (const c of s.body()) out.push(Buffer.from(c).toString());
      })(),
    ).rejects.toThrow('gone');
    expect(out).toEqual(['xy']);

    const { sink: done } = sink();
    done.write(Buffer.from('z'));
    done.end();
    await new Promise((r) => setImmediate(r));
    done.fail(new Error('late'));
    const got: number[] = [];
    for await (const c of done.body()) got.push(c.length);
    expect(got).toEqual([1]);
  });

  it('drops what comes after its reader stopped, lifting the pause', async () => {
    const { sink: s, pressure } = sink(10, 2);
    s.write(Buffer.alloc(20));
    expect(pressure).toEqual([true]);
    for await (const _ of s.body()) break;
    expect(pressure).toEqual([true, false]);
    s.write(Buffer.alloc(50));
    expect(s.bytesQueued).toBe(0);
    expect(s.bytesReceived).toBe(70);
    expect(() => s.end()).not.toThrow();
  });
});
