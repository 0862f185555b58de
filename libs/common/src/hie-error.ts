/**
 * The one domain error shape. Business code throws these; the edges translate them
 * (FHIR edge: OperationOutcome + 4xx, MLLP edge: AE/AR ACK with ERR, DIMSE: failure status).
 */
export class HieError extends Error {
  constructor(
    /** Stable, machine-readable code, e.g. `HL7_MISSING_MSH`. */
    readonly code: string,
    message: string,
    /** Structured, PHI-free details (segment, field, limits...). */
    readonly details: Readonly<Record<string, unknown>> = {},
  ) {
    super(message);
    this.name = new.target.name;
  }
}

/** A thing the caller asked for does not exist. */
export class NotFoundError extends HieError {
  constructor(what: string) {
    super('NOT_FOUND', `${what} not found`);
  }
}

/** The caller sent something the engine refuses (bad input, not a server fault). */
export class InvalidInputError extends HieError {}
