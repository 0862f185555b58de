/**
 * The R4 invariants (ElementDefinition.constraint, severity error) the validator enforces,
 * hand-translated from their FHIRPath. The generated table says where each key applies; a key
 * with no entry here is not checked (see {@link CHECKED_INVARIANTS}). Generic rules are checked
 * in the validator itself: ele-1 (no empty elements), ext-1, dom-2..dom-5, ref-1, txt-1/txt-2
 * (div is an XHTML div, by the xhtml primitive check), sqty-1 (by SimpleQuantity's max 0).
 */
export type JsonObject = Record<string, unknown>;

export interface Invariant {
  readonly human: string;
  readonly test: (obj: JsonObject) => boolean;
}

const UCUM = 'http://unitsofmeasure.org';
const ALLERGY_VERIFICATION = 'http://terminology.hl7.org/CodeSystem/allergyintolerance-verification';
const CONDITION_VERIFICATION = 'http://terminology.hl7.org/CodeSystem/condition-ver-status';
const CONDITION_CLINICAL = 'http://terminology.hl7.org/CodeSystem/condition-clinical';

const underscored = new Map<string, string>();

/** FHIRPath `x.exists()` for a primitive or complex element: the value or its `_x` extension. */
function has(obj: JsonObject, name: string): boolean {
  if (obj[name] !== undefined) return true;
  let key = underscored.get(name);
  if (key === undefined) underscored.set(name, (key = `_${name}`));
  return obj[key] !== undefined;
}

/** `value[x].exists()`: any key `value` + an uppercase type suffix. */
function hasChoice(obj: JsonObject, prefix: string): boolean {
  for (const key in obj) {
    if (key.length > prefix.length && key.startsWith(prefix)) {
      const c = key.charCodeAt(prefix.length);
      if (c >= 65 && c <= 90) return true;
    }
  }
  return false;
}

function obj(value: unknown): JsonObject | undefined {
  return typeof value === 'object' && value !== null && !Array.isArray(value) ? (value as JsonObject) : undefined;
}

function list(value: unknown): unknown[] {
  return Array.isArray(value) ? value : value === undefined ? [] : [value];
}

function hasCoding(concept: unknown, system: string, codes: readonly string[]): boolean {
  return list(obj(concept)?.['coding']).some((c) => {
    const coding = obj(c);
    return coding?.['system'] === system && codes.includes(coding['code'] as string);
  });
}

function num(value: unknown): number | undefined {
  return typeof value === 'number' ? value : undefined;
}

/**
 * FHIRPath `a <= b` on date/dateTime strings: compared at their common precision; when they
 * agree there and the precisions differ, the result is empty, which satisfies the invariant.
 */
export function dateTimeLessOrEqual(a: string, b: string): boolean {
  const dateLength = Math.min(a.length, b.length, 10);
  const da = a.slice(0, dateLength);
  const db = b.slice(0, dateLength);
  if (da !== db) return da < db;
  if (a.length > 10 && b.length > 10) {
    const ta = Date.parse(a);
    const tb = Date.parse(b);
    if (!Number.isNaN(ta) && !Number.isNaN(tb) && /[Zz+-]\d*:?\d*$/.test(a.slice(10)) && /[Zz+-]\d*:?\d*$/.test(b.slice(10))) {
      return ta <= tb;
    }
  }
  return true;
}

function codingKey(c: unknown): string {
  const coding = obj(c);
  return coding === undefined ? '' : `${String(coding['system'])}|${String(coding['version'])}|${String(coding['code'])}|${String(coding['display'])}`;
}

const ucumQuantity = (o: JsonObject): boolean =>
  (has(o, 'code') || !has(o, 'value')) && (!has(o, 'system') || o['system'] === UCUM);

const BUNDLE_REQUEST_TYPES = ['batch', 'transaction', 'history'];
const BUNDLE_RESPONSE_TYPES = ['batch-response', 'transaction-response', 'history'];

const registry: Record<string, Invariant> = {
  'att-1': { human: 'If the Attachment has data, it SHALL have a contentType', test: (o) => !has(o, 'data') || has(o, 'contentType') },
  'cpt-2': { human: 'A system is required if a value is provided', test: (o) => !has(o, 'value') || has(o, 'system') },
  'qty-3': { human: 'If a code for the unit is present, the system SHALL also be present', test: (o) => !has(o, 'code') || has(o, 'system') },
  'per-1': {
    human: 'If present, start SHALL have a lower value than end',
    test: (o) => typeof o['start'] !== 'string' || typeof o['end'] !== 'string' || dateTimeLessOrEqual(o['start'], o['end']),
  },
  'rng-2': {
    human: 'If present, low SHALL have a lower value than high',
    test: (o) => {
      const low = num(obj(o['low'])?.['value']);
      const high = num(obj(o['high'])?.['value']);
      return low === undefined || high === undefined || low <= high;
    },
  },
  'rat-1': {
    human: 'Numerator and denominator SHALL both be present, or both are absent. If both are absent, there SHALL be some extension present',
    test: (o) => (!has(o, 'numerator') !== has(o, 'denominator')) && (has(o, 'numerator') || has(o, 'extension')),
  },
  'age-1': {
    human: 'There SHALL be a code if there is a value and it SHALL be an expression of time. If system is present, it SHALL be UCUM. If value is present, it SHALL be positive',
    test: (o) => ucumQuantity(o) && (num(o['value']) === undefined || num(o['value'])! > 0),
  },
  'cnt-3': {
    human: 'There SHALL be a code with a value of "1" if there is a value. If system is present, it SHALL be UCUM. If present, the value SHALL be a whole number',
    test: (o) => ucumQuantity(o) && (!has(o, 'code') || o['code'] === '1') && (num(o['value']) === undefined || Number.isInteger(o['value'])),
  },
  'dis-1': { human: 'There SHALL be a code if there is a value and it SHALL be an expression of length. If system is present, it SHALL be UCUM', test: ucumQuantity },
  'drt-1': {
    human: 'There SHALL be a code if there is a value and it SHALL be an expression of time. If system is present, it SHALL be UCUM',
    test: (o) => !has(o, 'code') || (o['system'] === UCUM && has(o, 'value')),
  },
  'sqty-1': { human: 'The comparator is not used on a SimpleQuantity', test: (o) => !has(o, 'comparator') },
  'tim-1': { human: 'if there is a duration, there needs to be duration units', test: (o) => !has(o, 'duration') || has(o, 'durationUnit') },
  'tim-2': { human: 'if there is a period, there needs to be period units', test: (o) => !has(o, 'period') || has(o, 'periodUnit') },
  'tim-4': { human: 'duration SHALL be a non-negative value', test: (o) => num(o['duration']) === undefined || num(o['duration'])! >= 0 },
  'tim-5': { human: 'period SHALL be a non-negative value', test: (o) => num(o['period']) === undefined || num(o['period'])! >= 0 },
  'tim-6': { human: 'If there is a periodMax, there must be a period', test: (o) => !has(o, 'periodMax') || has(o, 'period') },
  'tim-7': { human: 'If there is a durationMax, there must be a duration', test: (o) => !has(o, 'durationMax') || has(o, 'duration') },
  'tim-8': { human: 'If there is a countMax, there must be a count', test: (o) => !has(o, 'countMax') || has(o, 'count') },
  'tim-9': {
    human: 'If there is an offset, there must be a when (and not C, CM, CD, CV)',
    test: (o) => !has(o, 'offset') || (has(o, 'when') && !list(o['when']).some((w) => w === 'C' || w === 'CM' || w === 'CD' || w === 'CV')),
  },
  'tim-10': { human: 'If there is a timeOfDay, there cannot be a when, or vice versa', test: (o) => !has(o, 'timeOfDay') || !has(o, 'when') },
  'ait-1': {
    human: 'AllergyIntolerance.clinicalStatus SHALL be present if verificationStatus is not entered-in-error',
    test: (o) => hasCoding(o['verificationStatus'], ALLERGY_VERIFICATION, ['entered-in-error']) || has(o, 'clinicalStatus'),
  },
  'ait-2': {
    human: 'AllergyIntolerance.clinicalStatus SHALL NOT be present if verification Status is entered-in-error',
    test: (o) => !hasCoding(o['verificationStatus'], ALLERGY_VERIFICATION, ['entered-in-error']) || !has(o, 'clinicalStatus'),
  },
  'con-4': {
    human: 'If condition is abated, then clinicalStatus must be either inactive, resolved, or remission',
    test: (o) => !hasChoice(o, 'abatement') || hasCoding(o['clinicalStatus'], CONDITION_CLINICAL, ['resolved', 'remission', 'inactive']),
  },
  'con-5': {
    human: 'Condition.clinicalStatus SHALL NOT be present if verification Status is entered-in-error',
    test: (o) => !hasCoding(o['verificationStatus'], CONDITION_VERIFICATION, ['entered-in-error']) || !has(o, 'clinicalStatus'),
  },
  'con-1': { human: 'Stage SHALL have summary or assessment', test: (o) => has(o, 'summary') || has(o, 'assessment') },
  'con-2': { human: 'evidence SHALL have code or details', test: (o) => has(o, 'code') || has(o, 'detail') },
  'obs-3': { human: 'Must have at least a low or a high or text', test: (o) => has(o, 'low') || has(o, 'high') || has(o, 'text') },
  'obs-6': { human: 'dataAbsentReason SHALL only be present if Observation.value[x] is not present', test: (o) => !has(o, 'dataAbsentReason') || !hasChoice(o, 'value') },
  'obs-7': {
    human: 'If Observation.code is the same as an Observation.component.code then the value element associated with the code SHALL NOT be present',
    test: (o) => {
      if (!hasChoice(o, 'value') || o['component'] === undefined) return true;
      const own = new Set(list(obj(o['code'])?.['coding']).map(codingKey));
      return !list(o['component']).some((c) => list(obj(obj(c)?.['code'])?.['coding']).some((k) => own.has(codingKey(k))));
    },
  },
  'pat-1': {
    human: "SHALL at least contain a contact's details or a reference to an organization",
    test: (o) => has(o, 'name') || has(o, 'telecom') || has(o, 'address') || has(o, 'organization'),
  },
  'org-1': { human: 'The organization SHALL at least have a name or an identifier, and possibly more than one', test: (o) => has(o, 'identifier') || has(o, 'name') },
  'org-2': { human: 'An address of an organization can never be of use home', test: (o) => o['use'] !== 'home' },
  'org-3': { human: 'The telecom of an organization can never be of use home', test: (o) => o['use'] !== 'home' },
  'prr-1': { human: 'orderDetail SHALL only be present if code is present', test: (o) => !has(o, 'orderDetail') || has(o, 'code') },
  'imm-1': { human: 'One of documentType or reference SHALL be present', test: (o) => has(o, 'documentType') || has(o, 'reference') },
  'mad-1': { human: 'SHALL have at least one of dosage.dose or dosage.rate[x]', test: (o) => has(o, 'dose') || hasChoice(o, 'rate') },
  'grp-1': { human: 'Can only have members if group is "actual"', test: (o) => !has(o, 'member') || o['actual'] === true },
  // Invariant keys are not unique across R4 (Task and TestReport have their own inv-1): `key@path` scopes one.
  'inv-1@Task': {
    human: 'Last modified date must be greater than or equal to authored-on date',
    test: (o) => typeof o['lastModified'] !== 'string' || typeof o['authoredOn'] !== 'string' || dateTimeLessOrEqual(o['authoredOn'], o['lastModified']),
  },
  'inv-1@Parameters.parameter': {
    human: 'A parameter must have one and only one of (value, resource, part)',
    test: (o) => {
      const value = hasChoice(o, 'value');
      const resource = has(o, 'resource');
      return has(o, 'part') ? !value && !resource : value !== resource;
    },
  },
  'app-1': { human: 'Either the type or actor on the participant SHALL be specified', test: (o) => has(o, 'type') || has(o, 'actor') },
  'app-2': { human: 'Either start and end are specified, or neither', test: (o) => has(o, 'start') === has(o, 'end') },
  'app-3': {
    human: 'Only proposed or cancelled appointments can be missing start/end dates',
    test: (o) => (has(o, 'start') && has(o, 'end')) || ['proposed', 'cancelled', 'waitlist'].includes(o['status'] as string),
  },
  'app-4': {
    human: 'Cancelation reason is only used for appointments that have been cancelled, or no-show',
    test: (o) => !has(o, 'cancelationReason') || o['status'] === 'noshow' || o['status'] === 'cancelled',
  },
  'sev-1': { human: 'Either a name or a query (NOT both)', test: (o) => !has(o, 'name') || !has(o, 'query') },
  'cmp-1': { human: 'A section must contain at least one of text, entries, or sub-sections', test: (o) => has(o, 'text') || has(o, 'entry') || has(o, 'section') },
  'cmp-2': { human: 'A section can only have an emptyReason if it is empty', test: (o) => !has(o, 'emptyReason') || !has(o, 'entry') },
  'lnk-1': { human: 'Must have at least two items', test: (o) => Array.isArray(o['item']) && o['item'].length > 1 },
  'ppc-1': { human: 'Either a Policy or PolicyRule', test: (o) => has(o, 'policy') || has(o, 'policyRule') },
  'bdl-1': { human: 'total only when a search or history', test: (o) => !has(o, 'total') || o['type'] === 'searchset' || o['type'] === 'history' },
  'bdl-2': {
    human: 'entry.search only when a search',
    test: (o) => o['type'] === 'searchset' || !list(o['entry']).some((e) => obj(e)?.['search'] !== undefined),
  },
  'bdl-3': {
    human: 'entry.request mandatory for batch/transaction/history, otherwise prohibited',
    test: (o) => {
      const wanted = BUNDLE_REQUEST_TYPES.includes(o['type'] as string);
      return list(o['entry']).every((e) => (obj(e)?.['request'] !== undefined) === wanted);
    },
  },
  'bdl-4': {
    human: 'entry.response mandatory for batch-response/transaction-response/history, otherwise prohibited',
    test: (o) => {
      const wanted = BUNDLE_RESPONSE_TYPES.includes(o['type'] as string);
      return list(o['entry']).every((e) => (obj(e)?.['response'] !== undefined) === wanted);
    },
  },
  'bdl-5': { human: 'must be a resource unless there is a request or response', test: (o) => has(o, 'resource') || has(o, 'request') || has(o, 'response') },
  'bdl-7': {
    human: 'FullUrl must be unique in a bundle, or else entries with the same fullUrl must have different meta.versionId (except in history bundles)',
    test: (o) => {
      if (o['type'] === 'history') return true;
      // Unique fullUrls (the usual case) are settled without building a key per entry.
      const entries = list(o['entry']);
      const fullUrls = new Set<string>();
      let repeated = false;
      for (let i = 0; i < entries.length; i++) {
        const fullUrl = obj(entries[i])?.['fullUrl'];
        if (typeof fullUrl !== 'string') continue;
        if (fullUrls.has(fullUrl)) {
          repeated = true;
          break;
        }
        fullUrls.add(fullUrl);
      }
      if (!repeated) return true;
      const seen = new Set<string>();
      for (const e of entries) {
        const entry = obj(e);
        const fullUrl = entry?.['fullUrl'];
        if (typeof fullUrl !== 'string') continue;
        const key = `${fullUrl}|${String(obj(obj(entry?.['resource'])?.['meta'])?.['versionId'])}`;
        if (seen.has(key)) return false;
        seen.add(key);
      }
      return true;
    },
  },
  'bdl-8': {
    human: 'fullUrl cannot be a version specific reference',
    test: (o) => typeof o['fullUrl'] !== 'string' || !o['fullUrl'].includes('/_history/'),
  },
  'bdl-9': {
    human: 'A document must have an identifier with a system and a value',
    test: (o) => o['type'] !== 'document' || (has(obj(o['identifier']) ?? {}, 'system') && has(obj(o['identifier']) ?? {}, 'value')),
  },
  'bdl-10': { human: 'A document must have a date', test: (o) => o['type'] !== 'document' || has(o, 'timestamp') },
  'bdl-11': {
    human: 'A document must have a Composition as the first resource',
    test: (o) => o['type'] !== 'document' || obj(obj(list(o['entry'])[0])?.['resource'])?.['resourceType'] === 'Composition',
  },
  'bdl-12': {
    human: 'A message must have a MessageHeader as the first resource',
    test: (o) => o['type'] !== 'message' || obj(obj(list(o['entry'])[0])?.['resource'])?.['resourceType'] === 'MessageHeader',
  },
};

for (const key of ['ppc-2', 'ppc-3', 'ppc-4', 'ppc-5']) {
  // As published in R4 these compare against the placeholder system 'something', so they always hold.
  registry[key] = { human: 'Consent scope rule (always satisfied in R4 as published)', test: () => true };
}

/** The invariant `key` declared at `path` (a type name or element path), if the validator enforces it. */
export function invariantFor(key: string, path: string): Invariant | undefined {
  const scoped = `${key}@${path}`;
  if (Object.hasOwn(registry, scoped)) return registry[scoped];
  return Object.hasOwn(registry, key) ? registry[key] : undefined;
}

/**
 * Keys (with `@path` where R4 reuses a key) of the table-declared invariants this validator
 * enforces; the generic ones (ele-1, ext-1, dom-2..5, ref-1, txt-1/2) are checked structurally.
 */
export const CHECKED_INVARIANTS: ReadonlySet<string> = new Set(Object.keys(registry));
