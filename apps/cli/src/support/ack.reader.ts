/** The facts of an ACK the CLI prints and counts. */
export interface AckSummary {
  /** MSA-1: AA, AE, AR (or CA/CE/CR); `??` when the reply has no MSA. */
  code: string;
  /** The MSA segment as received. */
  msa: string;
  /** ERR segments, if any. */
  errors: string[];
}

export function readAck(ack: string): AckSummary {
  const segments = ack.split(/\r\n|\r|\n/).filter((s) => s.length > 0);
  const msa = segments.find((s) => s.startsWith('MSA'));
  const separator = msa?.[3] ?? '|';
  return {
    code: msa?.split(separator)[1] ?? '??',
    msa: msa ?? '(no MSA segment)',
    errors: segments.filter((s) => s.startsWith('ERR')),
  };
}
