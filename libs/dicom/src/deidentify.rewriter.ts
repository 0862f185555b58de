import { implicitVrOf } from './dicom-dictionary.js';
import { HIE_IMPLEMENTATION_CLASS_UID, HIE_IMPLEMENTATION_VERSION_NAME } from './dicom-uid.js';
import { VR_NAMES } from './dicom-vr.js';
import { readPart10, type DatasetElement, type DatasetItem } from './deidentify-dataset.reader.js';
import { writePart10 } from './deidentify-dataset.writer.js';
import { deidentifyRuleFor, type DeidentifyProfile } from './deidentify-profile.parser.js';
import { deidentifiedUid } from './deidentify-uid.js';

/** Options of a de-identification run. */
export interface DeidentifyOptions {
  /** Key of the UID derivation (the engine's `idSecret`): same secret, same new UIDs. */
  uidSecret: string;
  /** The parsed profile table (`parseDeidentifyProfile(mappings/dicom/deidentify-basic-profile.yaml)`). */
  profile: DeidentifyProfile;
}

/** What a run changed: counts of attributes (at any depth), never values. */
export interface DeidentifySummary {
  /** X: attributes removed (standard ones; sequences count once). */
  removed: number;
  /** Z: attributes kept with an empty value (or an empty sequence). */
  emptied: number;
  /** D/C: values replaced by dummies. */
  replaced: number;
  /** U: attributes whose UIDs were replaced (a multi-valued one counts once). */
  uidsReplaced: number;
  /** Private elements removed (creators included). */
  privateRemoved: number;
}

const DEIDENTIFICATION_METHOD = 'DICOM PS3.15 Basic Profile, Retain UIDs off';
/** Meta elements that name the sending/receiving systems or carry private data. */
const DROPPED_META = new Set([0x00020000, 0x00020016, 0x00020017, 0x00020018, 0x00020100, 0x00020102]);
const ADDED = new Set([0x00120062, 0x00120063, 0x00120064, 0x00280303]);

/**
 * De-identifies a Part 10 object with a PS3.15 Annex E confidentiality profile (the Basic
 * Profile table in mappings/dicom, Retain UIDs off): every element, at any depth, gets its
 * table action; private elements are removed; UIDs are replaced by keyed derivations (same
 * secret → same new Study/Series/SOP UIDs in every instance, references stay consistent).
 * Adds PatientIdentityRemoved=YES, DeidentificationMethod, its code sequence (DCM 113100) and
 * LongitudinalTemporalInformationModified=REMOVED.
 *
 * The output keeps the input's transfer syntax, so Pixel Data (native or encapsulated, every
 * fragment) is byte-identical: big endian stays big endian, deflated is re-deflated. A data set
 * without meta gets one. Throws DicomRefusedError when the input is not readable.
 */
export function deidentifyPart10(bytes: Uint8Array, options: DeidentifyOptions): Buffer {
  return deidentifyPart10WithSummary(bytes, options).bytes;
}

/** As deidentifyPart10, also returning what was changed (counts only; no values). */
export function deidentifyPart10WithSummary(bytes: Uint8Array, options: DeidentifyOptions): { bytes: Buffer; summary: DeidentifySummary } {
  const input = readPart10(bytes);
  const run = new DeidentifyRun(options);
  const dataset = run.elements(input.dataset).filter((el) => !ADDED.has(el.tag));
  dataset.push(
    text(0x00120062, 'CS', 'YES'),
    text(0x00120063, 'LO', DEIDENTIFICATION_METHOD),
    {
      tag: 0x00120064,
      vr: 'SQ',
      undefinedLength: false,
      items: [
        {
          undefinedLength: false,
          elements: [
            text(0x00080100, 'SH', options.profile.codeValue),
            text(0x00080102, 'SH', 'DCM'),
            text(0x00080104, 'LO', options.profile.codeMeaning),
          ],
        },
      ],
    },
    text(0x00280303, 'CS', 'REMOVED'),
  );
  dataset.sort((a, b) => a.tag - b.tag);
  const meta = run.meta(input.meta, input.dataset, input.transferSyntaxUid);
  return {
    bytes: writePart10({ meta, encoding: input.encoding, deflated: input.deflated, dataset }),
    summary: run.summary,
  };
}

class DeidentifyRun {
  readonly summary: DeidentifySummary = { removed: 0, emptied: 0, replaced: 0, uidsReplaced: 0, privateRemoved: 0 };
  private readonly uids = new Map<string, string>();

  constructor(private readonly options: DeidentifyOptions) {}

  elements(elements: readonly DatasetElement[]): DatasetElement[] {
    const out: DatasetElement[] = [];
    for (const el of elements) {
      const group = el.tag >>> 16;
      // Group lengths are stale once values change (and retired in data sets anyway).
      if ((el.tag & 0xffff) === 0 || group === 0x0002) continue;
      if (group & 1) {
        if (this.options.profile.privateAttributes === 'X') this.summary.privateRemoved++;
        else out.push(el);
        continue;
      }
      const rule = deidentifyRuleFor(this.options.profile, el.tag);
      if (el.items) {
        const op = rule?.onSequence ?? 'keep';
        if (op === 'remove') this.summary.removed++;
        else if (op === 'empty') {
          this.summary.emptied++;
          out.push({ ...el, items: [] });
        } else out.push({ ...el, items: el.items.map((item) => this.item(item)) });
        continue;
      }
      const op = rule?.onValue ?? 'keep';
      if (el.encapsulated) {
        // Only Pixel Data-like bulk is encapsulated; the table never asks to rewrite it.
        if (op === 'remove') this.summary.removed++;
        else out.push(el);
        continue;
      }
      const value = el.value ?? new Uint8Array(0);
      switch (op) {
        case 'keep':
          out.push(el);
          break;
        case 'remove':
          this.summary.removed++;
          break;
        case 'empty':
          this.summary.emptied++;
          out.push({ ...el, value: new Uint8Array(0) });
          break;
        case 'dummy':
          this.summary.replaced++;
          out.push({ ...el, value: this.dummy(el, value) });
          break;
        case 'uid':
          this.summary.uidsReplaced++;
          out.push({ ...el, value: this.replaceUids(value) });
          break;
      }
    }
    return out;
  }

  /**
   * The meta group to write: the input's, minus the AE titles and private information, with the
   * new Media Storage SOP Instance UID; or one built from the data set when there was none.
   */
  meta(meta: readonly DatasetElement[], dataset: readonly DatasetElement[], transferSyntaxUid: string): DatasetElement[] {
    if (meta.length > 0) {
      return meta
        .filter((el) => !DROPPED_META.has(el.tag))
        .map((el) => (el.tag === 0x00020003 && el.value ? { ...el, value: this.replaceUids(el.value) } : el));
    }
    const sopClass = dataset.find((el) => el.tag === 0x00080016)?.value ?? new Uint8Array(0);
    const sopInstance = dataset.find((el) => el.tag === 0x00080018)?.value ?? new Uint8Array(0);
    return [
      { tag: 0x00020001, vr: 'OB', value: Uint8Array.of(0, 1), undefinedLength: false },
      { tag: 0x00020002, vr: 'UI', value: sopClass, undefinedLength: false },
      { tag: 0x00020003, vr: 'UI', value: this.replaceUids(sopInstance), undefinedLength: false },
      uid(0x00020010, transferSyntaxUid),
      uid(0x00020012, HIE_IMPLEMENTATION_CLASS_UID),
      text(0x00020013, 'SH', HIE_IMPLEMENTATION_VERSION_NAME),
    ];
  }

  private item(item: DatasetItem): DatasetItem {
    return { ...item, elements: this.elements(item.elements) };
  }

  /** Each UID of a (possibly multi-valued) UI value replaced by its keyed derivation. */
  private replaceUids(value: Uint8Array): Uint8Array {
    const text = Buffer.from(value.buffer, value.byteOffset, value.byteLength).toString('latin1');
    const replaced = text
      .split('\\')
      .map((raw) => {
        const original = raw.replace(/[\0 ]/g, '');
        if (!original) return '';
        let next = this.uids.get(original);
        if (next === undefined) {
          next = deidentifiedUid(this.options.uidSecret, original);
          this.uids.set(original, next);
        }
        return next;
      })
      .join('\\');
    return padded(replaced, '\0');
  }

  /** A non-empty value of the element's VR that carries nothing of the original. */
  private dummy(el: DatasetElement, value: Uint8Array): Uint8Array {
    // An element written as UN is dummied by what the dictionary says it is.
    const vr = el.vr === 'UN' ? VR_NAMES[implicitVrOf(el.tag)] ?? 'UN' : el.vr;
    switch (vr) {
      case 'UI':
        return this.replaceUids(value);
      case 'DA':
        return padded('19000101', ' ');
      case 'TM':
        return padded('000000', ' ');
      case 'DT':
        return padded('19000101000000', ' ');
      case 'AS':
        return padded('000Y', ' ');
      case 'DS':
      case 'IS':
        return padded('0', ' ');
      case 'UR':
        return padded('urn:anonymous', ' ');
      case 'AE':
      case 'CS':
      case 'LO':
      case 'LT':
      case 'PN':
      case 'SH':
      case 'ST':
      case 'UC':
      case 'UT':
        return padded('ANONYMOUS', ' ');
      default:
        // Binary and numeric VRs: zeros of the same length keep the VM consistent.
        return new Uint8Array(value.length);
    }
  }
}

function padded(value: string, pad: '\0' | ' '): Uint8Array {
  return Buffer.from(value.length % 2 ? value + pad : value, 'latin1');
}

function text(tag: number, vr: string, value: string): DatasetElement {
  return { tag, vr, value: padded(value, ' '), undefinedLength: false };
}

function uid(tag: number, value: string): DatasetElement {
  return { tag, vr: 'UI', value: padded(value, '\0'), undefinedLength: false };
}
