/**
 * Follows PDU boundaries on a DICOM upper-layer byte stream (PS3.8 9.3: type, reserved,
 * 32-bit big-endian length) and reports the first PDU that declares more than `maxPduBytes`.
 * dcmjs-dimse gathers a whole PDU in memory before parsing it, whatever length the peer
 * declares, so a peer announcing a 4 GB PDU must be cut off before it is buffered.
 */
export class PduLengthGuard {
  private readonly header = Buffer.alloc(6);
  private headerFill = 0;
  private bodyLeft = 0;

  constructor(private readonly maxPduBytes: number) {}

  /** Feeds a chunk; returns the offending declared length, or undefined while all is well. */
  push(chunk: Buffer): number | undefined {
    let offset = 0;
    while (offset < chunk.length) {
      if (this.bodyLeft > 0) {
        const take = Math.min(this.bodyLeft, chunk.length - offset);
        this.bodyLeft -= take;
        offset += take;
        continue;
      }
      const take = Math.min(6 - this.headerFill, chunk.length - offset);
      chunk.copy(this.header, this.headerFill, offset, offset + take);
      this.headerFill += take;
      offset += take;
      if (this.headerFill < 6) break;
      this.headerFill = 0;
      const length = this.header.readUInt32BE(2);
      if (length > this.maxPduBytes) return length;
      this.bodyLeft = length;
    }
    return undefined;
  }
}
