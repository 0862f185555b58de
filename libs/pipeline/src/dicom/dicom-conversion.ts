import type { HieConfig } from '@hie/config';
import { HIE_ERROR_CODE_SYSTEM, type Bundle, type FhirResource, type FhirValidator, type OperationOutcomeIssue } from '@hie/fhir';
import {
  buildImagingStudy,
  studyLocalPatientId,
  type DicomJsonDataset,
  type DicomStudyInstance,
  type DicomTables,
  type ImagingStudyResult,
} from '@hie/mapping';
import type { DicomInstanceRepository, DicomInstanceRow, FhirRepository } from '@hie/store';
import type { ConversionAttempt } from '../hl7-conversion.js';
import { decodeDescriptor } from './dicom-intake.descriptor.js';
import { KeyedMutex } from '../keyed-mutex.js';
import { DicomMetadataCache } from './dicom-metadata.cache.js';

/** A `dicom` message as the worker hands it over (raw is intake's JSON descriptor). */
export interface DicomConversionMessage {
  readonly id: string;
  readonly raw: Buffer;
}

/** Settings of a {@link DicomConversion}. */
export interface DicomConversionOptions {
  /** Keys the deterministic resource ids. */
  readonly idSecret: string;
  /** The public DICOMweb base (Endpoint.address). */
  readonly dicomwebBaseUrl: string;
  /** UTC offset assumed for study times sent without Timezone Offset From UTC (HieConfig.sourceTimezone). */
  readonly timezone?: string;
}

/** The instance index as the conversion reads it. */
export type DicomInstanceSourcePort = Pick<DicomInstanceRepository, 'instancesOfStudy' | 'instancesOfMessage' | 'hasNewerPendingMessage' | 'metadataOf' | 'withStudyLocks'>;

/** Parsed headers kept between rebuilds: a 1,000-instance study at once, with room to spare. */
const METADATA_CACHE_ENTRIES = 4_000;
/** The FHIR store as the conversion reads it (Patient existence, orders by accession). */
export type DicomFhirLookupPort = Pick<FhirRepository, 'read' | 'search'>;

/** Why a DICOM message did not convert (kept in its OperationOutcome; PHI-free). */
type DicomConversionCode = 'DICOM_DESCRIPTOR_INVALID' | 'DICOM_STUDY_NOT_INDEXED' | 'CONVERSION_FAILED' | 'FHIR_INVALID';

const FAILURES: Readonly<Record<DicomConversionCode, { issueType: string; text: string }>> = {
  DICOM_DESCRIPTOR_INVALID: { issueType: 'structure', text: 'The message is not a stored DICOM instance (no instance descriptor)' },
  DICOM_STUDY_NOT_INDEXED: { issueType: 'not-found', text: 'The instance index holds no instance of this message or its study' },
  CONVERSION_FAILED: { issueType: 'processing', text: 'Conversion failed' },
  FHIR_INVALID: { issueType: 'invalid', text: 'Converted resources are not valid FHIR R4' },
};

/**
 * DICOM messages → ImagingStudy transaction Bundles, per study. A job's messages are grouped by
 * study; each study is built ONCE from ALL its indexed instances (so new instances of a known
 * study update the same ImagingStudy, one version per study per job), linked to the Patient
 * intake matched (created only when the store lacks it) and to the ServiceRequest whose
 * identifier is the accession number. The study's first message carries the Bundle; its other
 * messages convert with an empty one (their instance is in it). Database errors reject, so the
 * queue retries; anything wrong with the data is an `ok: false` attempt for the study's messages.
 */
export class DicomConversion {
  /** Studies being converted and committed by a job of this process (see {@link exclusive}). */
  private readonly studyLocks = new KeyedMutex();
  private readonly metadata = new DicomMetadataCache(METADATA_CACHE_ENTRIES);

  constructor(
    private readonly tables: DicomTables,
    private readonly validator: FhirValidator,
    private readonly instances: DicomInstanceSourcePort,
    private readonly fhir: DicomFhirLookupPort,
    private readonly options: DicomConversionOptions,
  ) {}

  /** The conversion as the worker runs it, from the deployment's settings. */
  static fromConfig(tables: DicomTables, validator: FhirValidator, instances: DicomInstanceSourcePort, fhir: DicomFhirLookupPort, config: HieConfig): DicomConversion {
    return new DicomConversion(tables, validator, instances, fhir, {
      idSecret: config.idSecret,
      dicomwebBaseUrl: config.dicom.dicomwebBaseUrl,
      timezone: config.sourceTimezone,
    });
  }

  /** One attempt per message id. */
  async convertMessages(messages: readonly DicomConversionMessage[]): Promise<Map<string, ConversionAttempt>> {
    const attempts = new Map<string, ConversionAttempt>();
    const studies = new Map<string, string[]>();
    for (const m of messages) {
      const study = await this.studyOf(m);
      if (study === undefined) {
        attempts.set(m.id, failed('DICOM_DESCRIPTOR_INVALID'));
        continue;
      }
      const ids = studies.get(study);
      if (ids) ids.push(m.id);
      else studies.set(study, [m.id]);
    }
    for (const [study, ids] of studies) {
      // A study arriving instance by instance (a C-STORE of 1,000 images) is rebuilt once by its
      // newest waiting message, not once per instance: work stays linear in the study's size.
      const newest = ids.reduce((a, b) => (b > a ? b : a));
      if (await this.instances.hasNewerPendingMessage(study, newest)) {
        for (const id of ids) attempts.set(id, { ok: true, bundle: emptyTransaction(), issues: [] });
        continue;
      }
      const attempt = await this.convertStudy(study);
      ids.forEach((id, k) => attempts.set(id, k === 0 || !attempt.ok ? attempt : { ok: true, bundle: emptyTransaction(), issues: [] }));
    }
    return attempts;
  }

  /**
   * Runs a job's conversion and commit holding its studies, so two jobs never build one study at
   * once (a build read before the other's commit would be committed after it and lose an
   * instance): in this process a keyed mutex, across processes the store's study locks (taken
   * second, so jobs of one process queue here rather than each holding a database connection).
   * With the coalescing in {@link convertMessages} the newest message's build includes every instance.
   */
  async exclusive<T>(messages: readonly DicomConversionMessage[], body: () => Promise<T>): Promise<T> {
    const studies: string[] = [];
    for (const m of messages) {
      const study = await this.studyOf(m);
      if (study !== undefined) studies.push(study);
    }
    return this.studyLocks.run(studies, () => this.instances.withStudyLocks(studies, body));
  }

  /** Builds and validates the transaction Bundle of one study from its indexed instances. */
  async convertStudy(studyInstanceUid: string): Promise<ConversionAttempt> {
    const rows = await this.instances.instancesOfStudy(studyInstanceUid, { metadata: false });
    if (rows.length === 0) return failed('DICOM_STUDY_NOT_INDEXED');
    const instances = await this.withMetadata(rows);
    const matched = matchedPatientId(rows);
    const authority = rows.find((r) => r.patientResourceId === matched && r.issuerOfPatientId)?.issuerOfPatientId;
    const effectivePatientId = matched ?? studyLocalPatientId(this.options.idSecret, studyInstanceUid);
    const patientExists = (await this.fhir.read('Patient', effectivePatientId)) !== undefined;
    const order = await this.orderOf(rows, effectivePatientId, matched !== undefined);
    let result: ImagingStudyResult;
    try {
      result = buildImagingStudy(
        {
          studyInstanceUid,
          instances,
          ...(matched !== undefined ? { patientId: matched } : {}),
          ...(authority ? { patientAuthority: authority } : {}),
          patientExists,
          ...(order.id ? { serviceRequestId: order.id } : {}),
          dicomwebBaseUrl: this.options.dicomwebBaseUrl,
        },
        this.tables,
        { idSecret: this.options.idSecret, ...(this.options.timezone ? { timezone: this.options.timezone } : {}) },
      );
    } catch (error) {
      // A builder exception is a bug, not bad data; its message may not be PHI-free, so it is not kept.
      return failed('CONVERSION_FAILED', error instanceof RangeError ? error.message : undefined);
    }
    const validation = this.validator.validate(result.bundle);
    const errors = validation.filter((i) => i.severity === 'error' || i.severity === 'fatal');
    if (errors.length > 0) return { ok: false, outcome: { resourceType: 'OperationOutcome', issue: [issueOf('FHIR_INVALID'), ...errors] } };
    return { ok: true, bundle: result.bundle, issues: [...result.issues, ...order.issues, ...validation] };
  }

  /** The study's instances with their parsed headers: from the cache, the others read in one go. */
  private async withMetadata(rows: readonly DicomInstanceRow[]): Promise<DicomStudyInstance[]> {
    const missing = rows.filter((r) => this.metadata.get(r.sopInstanceUid, r.versionId) === undefined).map((r) => r.sopInstanceUid);
    if (missing.length > 0) {
      for (const [sop, found] of await this.instances.metadataOf(missing)) this.metadata.set(sop, found.versionId, parseMetadata(found.metadata));
    }
    // A version newer than the row listed (stored meanwhile) is not in the cache under the
    // listed version: such an instance is read with an empty header this time and rebuilt right
    // after by the message that stored it.
    return rows.map((r) => toStudyInstance(r, this.metadata.get(r.sopInstanceUid, r.versionId) ?? {}));
  }

  /** The study a message's instance belongs to: from intake's descriptor, else from the index. */
  private async studyOf(message: DicomConversionMessage): Promise<string | undefined> {
    const descriptor = decodeDescriptor(message.raw);
    if (descriptor?.kind === 'dicom-instance' && descriptor.studyInstanceUid) return descriptor.studyInstanceUid;
    if (descriptor?.kind === 'dicom-refused') return undefined;
    const rows = await this.instances.instancesOfMessage(message.id);
    return rows[0]?.studyInstanceUid;
  }

  /**
   * The ServiceRequest of the study's accession number (identifier value, any system). Several:
   * the one whose subject is the study's patient; when the study's patient was matched to a
   * known one and every candidate belongs to someone else, none (an accession is unique only
   * within its issuer, and a wrong order link would be worse than none).
   */
  private async orderOf(rows: readonly DicomInstanceRow[], patientId: string, patientMatched: boolean): Promise<{ id?: string; issues: OperationOutcomeIssue[] }> {
    const accession = rows.find((r) => r.accessionNumber?.trim())?.accessionNumber?.trim();
    if (!accession || accession.includes('|')) return { issues: [] };
    const { resources } = await this.fhir.search('ServiceRequest', { identifier: accession, count: 50 });
    if (resources.length === 0) return { issues: [] };
    const subjectOf = (r: FhirResource): string | undefined => {
      const ref = (r['subject'] as { reference?: unknown } | undefined)?.reference;
      return typeof ref === 'string' ? ref : undefined;
    };
    const same = resources.find((r) => subjectOf(r) === `Patient/${patientId}`);
    if (same?.id) return { id: same.id, issues: [] };
    const unowned = resources.find((r) => !subjectOf(r)?.startsWith('Patient/'));
    if (unowned?.id) return { id: unowned.id, issues: [] };
    if (!patientMatched && resources[0]?.id) return { id: resources[0].id, issues: [] };
    return {
      issues: [
        {
          severity: 'warning',
          code: 'business-rule',
          diagnostics: 'orders with the accession number belong to another patient: no basedOn',
          expression: ['(0008,0050)'],
        },
      ],
    };
  }
}

/** The Patient id most of the study's instances were matched to (ties: the first in index order). */
function matchedPatientId(rows: readonly DicomInstanceRow[]): string | undefined {
  const counts = new Map<string, number>();
  for (const r of rows) if (r.patientResourceId) counts.set(r.patientResourceId, (counts.get(r.patientResourceId) ?? 0) + 1);
  let best: string | undefined;
  for (const [id, n] of counts) if (best === undefined || n > counts.get(best)!) best = id;
  return best;
}

function toStudyInstance(row: DicomInstanceRow, metadata: DicomJsonDataset): DicomStudyInstance {
  return {
    sopInstanceUid: row.sopInstanceUid,
    sopClassUid: row.sopClassUid,
    seriesInstanceUid: row.seriesInstanceUid,
    studyInstanceUid: row.studyInstanceUid,
    modality: row.modality ?? null,
    seriesNumber: row.seriesNumber ?? null,
    instanceNumber: row.instanceNumber ?? null,
    metadata,
  };
}

/** The index's DICOM JSON; an unreadable one (never written so by intake) reads as empty. */
function parseMetadata(text: string): DicomJsonDataset {
  try {
    const value: unknown = JSON.parse(text);
    return typeof value === 'object' && value !== null && !Array.isArray(value) ? (value as DicomJsonDataset) : {};
  } catch {
    return {};
  }
}

function emptyTransaction(): Bundle {
  return { resourceType: 'Bundle', type: 'transaction' };
}

function issueOf(code: DicomConversionCode, diagnostics?: string): OperationOutcomeIssue {
  const f = FAILURES[code];
  return {
    severity: 'error',
    code: f.issueType,
    details: { text: f.text, coding: [{ system: HIE_ERROR_CODE_SYSTEM, code }] },
    ...(diagnostics ? { diagnostics } : {}),
  };
}

function failed(code: DicomConversionCode, diagnostics?: string): ConversionAttempt {
  return { ok: false, outcome: { resourceType: 'OperationOutcome', issue: [issueOf(code, diagnostics)] } };
}
