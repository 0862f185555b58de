import dimse from 'dcmjs-dimse';
import { STORAGE_SOP_CLASSES, VERIFICATION_SOP_CLASS } from './storage-sop-classes.js';

const { PresentationContextResult, TransferSyntax } = dimse.constants;

type Association = InstanceType<typeof dimse.association.Association>;

/** Syntaxes C-ECHO is answered in: it carries no data set, so any uncompressed one will do. */
const VERIFICATION_SYNTAXES: ReadonlySet<string> = new Set([
  TransferSyntax.ImplicitVRLittleEndian,
  TransferSyntax.ExplicitVRLittleEndian,
  TransferSyntax.ExplicitVRBigEndian,
]);

/** How many contexts of an association were accepted and rejected. */
export interface NegotiationSummary {
  accepted: number;
  rejected: number;
}

/**
 * Sets the result of every proposed presentation context: Verification and the Storage SOP
 * classes are accepted with the first transfer syntax the SCU proposed that we support (the
 * proposer's order is its preference); anything else is rejected with the reason PS3.8 9.3.3.2
 * names (abstract syntax, or transfer syntaxes, not supported).
 */
export function negotiatePresentationContexts(
  association: Association,
  storageTransferSyntaxes: ReadonlySet<string>,
  storageSopClasses: ReadonlySet<string> = STORAGE_SOP_CLASSES,
): NegotiationSummary {
  const summary: NegotiationSummary = { accepted: 0, rejected: 0 };
  for (const { context } of association.getPresentationContexts()) {
    const abstractSyntax = context.getAbstractSyntaxUid();
    const syntaxes =
      abstractSyntax === VERIFICATION_SOP_CLASS
        ? VERIFICATION_SYNTAXES
        : storageSopClasses.has(abstractSyntax)
          ? storageTransferSyntaxes
          : undefined;
    if (syntaxes === undefined) {
      context.setResult(PresentationContextResult.RejectAbstractSyntaxNotSupported);
      summary.rejected++;
      continue;
    }
    const chosen = context.getTransferSyntaxUids().find((uid) => syntaxes.has(uid));
    if (chosen === undefined) {
      context.setResult(PresentationContextResult.RejectTransferSyntaxesNotSupported);
      summary.rejected++;
    } else {
      context.setResult(PresentationContextResult.Accept, chosen);
      summary.accepted++;
    }
  }
  return summary;
}
