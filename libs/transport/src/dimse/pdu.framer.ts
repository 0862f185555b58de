/** PS3.8 9.3: every PDU starts with type (1), reserved (1) and a 32-bit big-endian length. */
const PDU_HEADER_BYTES = 6;

/**
 * Cuts a DICOM upper-layer byte stream into whole PDUs, and refuses the first PDU that declares
 * more than `maxPduBytes` before any of its body is buffered (a peer announcing a 4 GB PDU is
 * cut off, never buffered).
 *
 * Why: dcmjs-dimse gathers a PDU by `Buffer.concat`-ing everything received so far with each
 * new socket chunk, so a 256 KiB PDU arriving in 64 KiB reads is copied 2.5 times over (and
 * more for smaller reads). Fed whole PDUs, it takes its no-copy path. Here a PDU inside one
 * chunk is a view of it; a PDU spanning chunks is copied once into a buffer of its exact size.
 */
export class PduFramer {
  private readonly header = Buffer.alloc(PDU_HEADER_BYTES);
  private headerFill = 0;
  /** The PDU being assembled across chunks (header included), and how much of it is filled. */
  private partial: Buffer | undefined;
  private partialFill = 0;

  constructor(private readonly maxPduBytes: number) {}

  /**
   * Feeds a chunk; calls `emit` with each PDU it completes, in order. Returns the offending
   * declared length (nothing more is emitted: the connection is to be cut), or undefined.
   */
  push(chunk: Buffer, emit: (pdu: Buffer) => void): number | undefined {
    let offset = 0;
    while (offset < chunk.length) {
      if (this.partial !== undefined) {
        const take = Math.min(this.partial.length - this.partialFill, chunk.length - offset);
        chunk.copy(this.partial, this.partialFill, offset, offset + take);
        this.partialFill += take;
        offset += take;
        if (this.partialFill < this.partial.length) break;
        const pdu = this.partial;
        this.partial = undefined;
        emit(pdu);
        continue;
      }
      if (this.headerFill === 0 && chunk.length - offset >= PDU_HEADER_BYTES) {
        // The common case: the header is in this chunk, and often the whole PDU too.
        const length = chunk.readUInt32BE(offset + 2);
        if (length > this.maxPduBytes) return length;
        const total = PDU_HEADER_BYTES + length;
        if (chunk.length - offset >= total) {
          emit(chunk.subarray(offset, offset + total));
          offset += total;
          continue;
        }
        this.start(total, chunk.subarray(offset, offset + PDU_HEADER_BYTES));
        offset += PDU_HEADER_BYTES;
        continue;
      }
      // A header split across chunks: gather its six bytes first.
      const take = Math.min(PDU_HEADER_BYTES - this.headerFill, chunk.length - offset);
      chunk.copy(this.header, this.headerFill, offset, offset + take);
      this.headerFill += take;
      offset += take;
      if (this.headerFill < PDU_HEADER_BYTES) break;
      this.headerFill = 0;
      const length = this.header.readUInt32BE(2);
      if (length > this.maxPduBytes) return length;
      if (length === 0) {
        emit(Buffer.from(this.header));
        continue;
      }
      this.start(PDU_HEADER_BYTES + length, this.header);
    }
    return undefined;
  }

  private start(total: number, header: Buffer): void {
    this.partial = Buffer.allocUnsafe(total);
    header.copy(this.partial, 0, 0, PDU_HEADER_BYTES);
    this.partialFill = PDU_HEADER_BYTES;
  }
}
