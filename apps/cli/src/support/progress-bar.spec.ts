import { describe, expect, it } from 'vitest';
import { ProgressBar } from './progress-bar.js';

describe('ProgressBar', () => {
  it('prints a plain line per 10 % when not on a terminal', () => {
    const lines: string[] = [];
    const bar = new ProgressBar(100, { isTTY: false, write: (t: string) => lines.push(t) });
    for (let i = 0; i < 100; i++) bar.tick();
    bar.finish();
    expect(lines.length).toBe(11); // 0 %..100 % deciles, each once
    expect(lines.every((l) => l.endsWith('\n') && !l.includes('\r'))).toBe(true);
    expect(lines.at(-1)).toContain('100% 100/100');
  });

  it('redraws one line on a terminal and ends it on finish', () => {
    const writes: string[] = [];
    const bar = new ProgressBar(3, { isTTY: true, columns: 60, write: (t: string) => writes.push(t) });
    bar.tick();
    bar.tick();
    bar.tick();
    bar.finish();
    expect(writes[0]!.startsWith('\r[')).toBe(true);
    expect(writes.at(-1)).toMatch(/^\r\[#+\] 100% 3\/3 sent \d+\/s\n$/);
  });
});
