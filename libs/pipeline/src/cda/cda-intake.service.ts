import { DEFAULT_XML_LIMITS, type XmlLimits } from '@hie/cda';
import { uuidv7 } from '@hie/common';
import type { Bundle, OperationOutcome, OperationOutcomeIssue } from '@hie/fhir';
import type { ConversionWorker } from '../conversion.worker.js';
import type { IntakeService } from '../intake.service.js';
import { silentLogger, type IntakeChannel, type IntakeRecord, type PipelineLogger } from '../pipeline.ports.js';
import { cdaFailure, cdaIssue, outcomeOf, type CdaFailure } from './cda-failure.mapper.js';
import type { CdaConversion } from './cda-conversion.js';
import { decideCdaIntake, type CdaIntakeDecision } from './cda-intake-decision.js';

/** A document body as the HTTP edge read it: whole, or only its head when it was over the limit. */
export interface CdaBody {
  /** The bytes kept: the whole document, or its head when `totalBytes` is over the limit. */
  readonly bytes: Buffer;
  /** How many bytes the sender sent. */
  readonly totalBytes: number;
}

/** What `POST /cda` answers. */
export type CdaIntakeResult =
  /** Stored and queued: 202 with the id. */
  | { readonly kind: 'accepted'; readonly id: string }
  /** `?sync=true`: converted now; 200 with the document Bundle. */
  | { readonly kind: 'converted'; readonly id: string; readonly document: Bundle; readonly issues: readonly OperationOutcomeIssue[] }
  /** Refused or failed (kept as a `failed` message when `stored`); the status and outcome to answer. */
  | { readonly kind: 'refused'; readonly id: string; readonly stored: boolean; readonly status: number; readonly outcome: OperationOutcome };

/**
 * The CDA intake use case (`POST /cda`): decide (size, safe XML, ClinicalDocument), store EVERY
 * document (hostile ones as `failed`, with the refusal) through intake's group commit, answer
 * once the raw bytes are durable. Accepted documents are queued for the worker; with `sync` the
 * document is converted here instead, its outcome committed as the worker would (so it is
 * protected and anchored like any other, and never converted twice), and the Bundle answered.
 */
export class CdaIntakeService {
  private readonly limits: XmlLimits;

  constructor(
    private readonly intake: Pick<IntakeService, 'submit'>,
    private readonly conversion: Pick<CdaConversion, 'convertParsed'>,
    private readonly recorder: Pick<ConversionWorker, 'record'>,
    options: { limits?: XmlLimits } = {},
    private readonly logger: PipelineLogger = silentLogger,
  ) {
    this.limits = options.limits ?? DEFAULT_XML_LIMITS;
  }

  async receive(body: CdaBody, channel: IntakeChannel, options: { sync?: boolean } = {}): Promise<CdaIntakeResult> {
    const id = uuidv7();
    let decision: CdaIntakeDecision;
    try {
      decision = decideCdaIntake(body.bytes, body.totalBytes, this.limits);
    } catch {
      // decideCdaIntake is built not to throw; if a dependency does, the document is still kept.
      decision = { status: 'failed', failure: cdaFailure('INTERNAL_ERROR'), summary: { messageType: 'CDA' } };
    }
    const sync = options.sync === true && decision.status === 'received';
    const stored = await this.intake.submit(toRecord(id, body, channel, decision), { hold: sync });
    if (!stored) return refused(id, false, cdaFailure('STORE_UNAVAILABLE'));
    if (decision.status === 'failed') return refused(id, true, decision.failure);
    if (!sync) return { kind: 'accepted', id };

    const attempt = this.conversion.convertParsed(decision.root, body.bytes);
    try {
      await this.recorder.record([
        attempt.ok ? { messageId: id, kind: 'converted', bundle: attempt.bundle } : { messageId: id, kind: 'failed', outcome: attempt.outcome },
      ]);
    } catch (error) {
      // The document is durable and still `received`: the recovery sweep queues it for the
      // worker. Answer as an asynchronous intake rather than hand out a Bundle not stored.
      this.logger.warn(`sync conversion of ${id} not recorded (${error instanceof Error ? error.name : typeof error}); the recovery sweep will convert it`);
      return { kind: 'accepted', id };
    }
    if (!attempt.ok) return { kind: 'refused', id, stored: true, status: attempt.failure.httpStatus, outcome: attempt.outcome };
    return { kind: 'converted', id, document: attempt.document, issues: attempt.issues };
  }
}

function toRecord(id: string, body: CdaBody, channel: IntakeChannel, decision: CdaIntakeDecision): IntakeRecord {
  const { summary } = decision;
  return {
    id,
    receivedAt: new Date(),
    channel,
    format: 'cda',
    // Whatever arrived whole is kept whole; a body past the limit was never buffered past its head.
    raw: body.bytes,
    sizeBytes: body.totalBytes,
    messageType: summary.messageType,
    ...(summary.controlId ? { controlId: summary.controlId } : {}),
    ...(summary.sendingFacility ? { sendingFacility: summary.sendingFacility } : {}),
    status: decision.status,
    ...(decision.status === 'failed' ? { outcome: outcomeOf([cdaIssue(decision.failure)]) } : {}),
  };
}

function refused(id: string, stored: boolean, failure: CdaFailure): CdaIntakeResult {
  return { kind: 'refused', id, stored, status: failure.httpStatus, outcome: outcomeOf([cdaIssue(failure)]) };
}
