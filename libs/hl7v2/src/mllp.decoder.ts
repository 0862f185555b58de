/** What the decoder found in the byte stream, in stream order. */
export type MllpEvent =
  | { kind: 'frame'; payload: Buffer }
  | { kind: 'oversize'; head: Buffer; totalBytes: number }
  | { kind: 'garbage'; bytes: number };

/** Options for {@link MllpDecoder}. */
export interface MllpDecoderOptions {
  /** Largest payload buffered in full; larger frames are reported as 'oversize'. */
  maxFrameBytes: number;
}

const START = 0x0b;
const END = 0x1c;
const CR = 0x0d;
const LF = 0x0a;
/** How much of an oversize frame is kept: enough to read MSH and answer an ACK. */
export const OVERSIZE_HEAD_BYTES = 64 * 1024;

const State = {
  /** Between frames: anything but a start block is garbage. */
  Outside: 0,
  /** Inside a frame, collecting payload. */
  Inside: 1,
  /** Just after an end block: its CR (and any LF) is swallowed. */
  AfterEnd: 2,
} as const;
type State = (typeof State)[keyof typeof State];

/**
 * Incremental MLLP decoder (`0x0B payload 0x1C 0x0D`). Frames may be split across chunks or
 * several may share one. Bytes outside frames are reported as 'garbage' (counted per
 * `push`, never kept). A frame longer than `maxFrameBytes` is not buffered past the limit:
 * its first 64 KiB are kept and reported as 'oversize' when its end block arrives.
 *
 * Tolerated deviations, because senders in the field make them: an end block without the
 * CR ends the frame, and CR/LF bytes right after an end block are not garbage; a start block inside a frame abandons the unfinished frame (reported
 * as garbage) and starts a new one, as when a sender restarts mid-frame.
 */
export class MllpDecoder {
  private state: State = State.Outside;
  private parts: Buffer[] = [];
  /** Bytes kept in `parts`. */
  private kept = 0;
  /** Bytes of the current frame seen, kept or not. */
  private total = 0;
  private readonly maxFrameBytes: number;

  constructor(options: MllpDecoderOptions) {
    this.maxFrameBytes = Math.max(0, options.maxFrameBytes);
  }

  /** Feeds the next chunk; returns the events it completes, in order. */
  push(chunk: Buffer): MllpEvent[] {
    const events: MllpEvent[] = [];
    let garbage = 0;
    let i = 0;
    const n = chunk.length;
    while (i < n) {
      if (this.state === State.AfterEnd) {
        // The CR that ends the frame, and the LF some senders add, are not garbage.
        const b = chunk[i];
        if (b === CR || b === LF) {
          i++;
          continue;
        }
        this.state = State.Outside;
      }
      if (this.state === State.Outside) {
        const start = chunk.indexOf(START, i);
        if (start === -1) {
          garbage += n - i;
          break;
        }
        garbage += start - i;
        i = start + 1;
        this.state = State.Inside;
        continue;
      }
      // Inside a frame: the frame ends at the next end block; a start block first means the
      // sender gave up on this frame.
      const end = chunk.indexOf(END, i);
      const limit = end === -1 ? n : end;
      const restart = chunk.indexOf(START, i);
      if (restart !== -1 && restart < limit) {
        garbage += 1 + this.total + (restart - i); // the abandoned start block and payload
        this.reset();
        i = restart + 1;
        continue;
      }
      this.collect(chunk, i, limit);
      if (end === -1) break;
      if (garbage > 0) {
        events.push({ kind: 'garbage', bytes: garbage });
        garbage = 0;
      }
      events.push(this.finish());
      this.state = State.AfterEnd;
      i = end + 1;
    }
    if (garbage > 0) events.push({ kind: 'garbage', bytes: garbage });
    return events;
  }

  private collect(chunk: Buffer, from: number, to: number): void {
    const length = to - from;
    if (length === 0) return;
    this.total += length;
    const cap = this.total > this.maxFrameBytes ? OVERSIZE_HEAD_BYTES : this.maxFrameBytes;
    const room = cap - this.kept;
    if (room <= 0) return this.trim(cap);
    const take = Math.min(room, length);
    // Copied: the caller may reuse its chunk buffer once push returns.
    this.parts.push(Buffer.from(chunk.subarray(from, from + take)));
    this.kept += take;
    this.trim(cap);
  }

  /** Drops buffered bytes beyond `cap` (when a frame turns out oversize). */
  private trim(cap: number): void {
    if (this.kept <= cap) return;
    const all = Buffer.concat(this.parts, this.kept).subarray(0, cap);
    this.parts = [all];
    this.kept = cap;
  }

  private finish(): MllpEvent {
    const payload = this.parts.length === 1 ? this.parts[0]! : Buffer.concat(this.parts, this.kept);
    const total = this.total;
    this.reset();
    if (total > this.maxFrameBytes) {
      return { kind: 'oversize', head: payload.subarray(0, OVERSIZE_HEAD_BYTES), totalBytes: total };
    }
    return { kind: 'frame', payload };
  }

  private reset(): void {
    this.parts = [];
    this.kept = 0;
    this.total = 0;
  }
}

/** Frames one payload for MLLP: `0x0B`, the payload (strings as UTF-8), `0x1C 0x0D`. */
export function encodeMllp(payload: string | Buffer): Buffer {
  const body = typeof payload === 'string' ? Buffer.from(payload, 'utf8') : payload;
  const out = Buffer.allocUnsafe(body.length + 3);
  out[0] = START;
  body.copy(out, 1);
  out[body.length + 1] = END;
  out[body.length + 2] = CR;
  return out;
}
