/**
 * Property test: damaged versions of the family fixtures (segments dropped, fields blanked or
 * filled with junk) either convert into a Bundle that keeps the rules, or fail with a
 * ConversionError — never anything else.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { Hl7Message, Hl7Segment } from '@hie/hl7v2';
import { ConversionError } from '@hie/mapping';
import { duplicateIds, emptyElements, unresolvedReferences } from './bundle-rules.js';
import { fixtureNames, goldenOptions, mappingSet, readFixture } from './hl7v2-fixtures.js';

const messages = fixtureNames().map((n) => readFixture(n));

type Damage = { kind: 'drop'; at: number } | { kind: 'blank'; at: number; field: number } | { kind: 'junk'; at: number; field: number; text: string };

const damage: fc.Arbitrary<Damage> = fc.oneof(
  fc.record({ kind: fc.constant('drop' as const), at: fc.nat() }),
  fc.record({ kind: fc.constant('blank' as const), at: fc.nat(), field: fc.integer({ min: 1, max: 40 }) }),
  fc.record({ kind: fc.constant('junk' as const), at: fc.nat(), field: fc.integer({ min: 1, max: 40 }), text: fc.string({ maxLength: 12 }) }),
);

function apply(message: Hl7Message, changes: readonly Damage[]): Hl7Message {
  // Fields may be sparse (not sent): keep the holes.
  let segments: Hl7Segment[] = message.segments.map((s) => ({ name: s.name, fields: s.fields.map((f) => f && f.map((r) => r.map((c) => [...c]))) }));
  for (const d of changes) {
    const i = 1 + (d.at % Math.max(1, segments.length - 1)); // MSH stays: the parser guarantees it
    const seg = segments[i];
    if (!seg) continue;
    if (d.kind === 'drop') segments = segments.filter((_, j) => j !== i);
    else if (d.kind === 'blank') seg.fields[d.field] = [];
    else seg.fields[d.field] = d.text.split('~').map((r) => r.split('^').map((c) => c.split('&')));
  }
  return { ...message, segments };
}

describe('conversion of damaged messages', () => {
  it('converts within the rules or throws a ConversionError', () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: messages.length - 1 }), fc.array(damage, { minLength: 1, maxLength: 6 }), (which, changes) => {
        const damaged = apply(messages[which]!, changes);
        let bundle;
        try {
          bundle = mappingSet().convert(damaged, goldenOptions).bundle;
        } catch (e) {
          expect(e).toBeInstanceOf(ConversionError);
          return;
        }
        expect(unresolvedReferences(bundle)).toEqual([]);
        expect(duplicateIds(bundle)).toEqual([]);
        expect(emptyElements(bundle)).toEqual([]);
      }),
      { numRuns: 400 },
    );
  });
});
