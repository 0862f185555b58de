import { TRANSFER_SYNTAXES } from '@hie/dicom';

/** The storage transfer syntaxes the engine accepts (the engine passes the same set). */
export const TEST_TRANSFER_SYNTAXES: ReadonlySet<string> = new Set(TRANSFER_SYNTAXES.keys());
