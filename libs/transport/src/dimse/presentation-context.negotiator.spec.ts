import { describe, expect, it } from 'vitest';
import dimse from 'dcmjs-dimse';
import { negotiatePresentationContexts } from './presentation-context.negotiator.js';
import { TEST_TRANSFER_SYNTAXES } from './transfer-syntaxes.spec-helpers.js';

const { Association } = dimse.association;
const { PresentationContextResult: R, TransferSyntax: TS } = dimse.constants;
const CT = '1.2.840.10008.5.1.4.1.1.2';
const RT_DOSE = '1.2.840.10008.5.1.4.1.1.481.2';
const VERIFICATION = '1.2.840.10008.1.1';
const JPEG_XL_LOSSLESS = '1.2.840.10008.1.2.4.110';
const HTJ2K_LOSSLESS = '1.2.840.10008.1.2.4.201';

function associationWith(contexts: [string, string[]][]) {
  const association = new Association('SCU', 'HIE');
  const ids = contexts.map(([sopClass, syntaxes]) => {
    const id = association.addPresentationContext(sopClass);
    for (const ts of syntaxes) association.addTransferSyntaxToPresentationContext(id, ts);
    return id;
  });
  return { association, ids };
}

describe('negotiatePresentationContexts', () => {
  it('accepts storage and verification with the first proposed syntax we support, rejects the rest with their reason', () => {
    const { association, ids } = associationWith([
      [CT, [JPEG_XL_LOSSLESS, TS.ExplicitVRLittleEndian, TS.ImplicitVRLittleEndian]],
      [CT, [TS.JpegBaseline]],
      [RT_DOSE, [TS.RleLossless, TS.ImplicitVRLittleEndian]],
      [VERIFICATION, [TS.ExplicitVRLittleEndian]],
      ['1.2.840.10008.5.1.4.1.2.2.1', [TS.ImplicitVRLittleEndian]], // Study Root Q/R FIND: not ours
      [CT, [JPEG_XL_LOSSLESS, HTJ2K_LOSSLESS]],
      [VERIFICATION, [TS.JpegBaseline]],
    ]);
    const summary = negotiatePresentationContexts(association, TEST_TRANSFER_SYNTAXES);
    const results = ids.map((id) => {
      const pc = association.getPresentationContext(id);
      // (A rejected context's syntax is not significant, PS3.8 9.3.3.2.)
      return pc.getResult() === R.Accept ? [R.Accept, pc.getAcceptedTransferSyntaxUid()] : [pc.getResult()];
    });
    expect(results).toEqual([
      [R.Accept, TS.ExplicitVRLittleEndian],
      [R.Accept, TS.JpegBaseline],
      [R.Accept, TS.RleLossless],
      [R.Accept, TS.ExplicitVRLittleEndian],
      [R.RejectAbstractSyntaxNotSupported],
      [R.RejectTransferSyntaxesNotSupported],
      [R.RejectTransferSyntaxesNotSupported],
    ]);
    expect(summary).toEqual({ accepted: 4, rejected: 3 });
  });
});
