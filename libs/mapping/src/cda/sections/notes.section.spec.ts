import { describe, expect, it } from 'vitest';
import { mapAssessmentSection } from './assessment.section.js';
import { mapInline, resourceErrors } from './clinical-statement.spec-helpers.js';
import { mapNotesSection } from './notes.section.js';

const NOTE = (id: string, text: string) =>
  `<act classCode="ACT" moodCode="EVN"><templateId root="2.16.840.1.113883.10.20.22.4.202" extension="2016-11-01"/><id root="4.1" extension="${id}"/>` +
  `<code code="34109-9" codeSystem="2.16.840.1.113883.6.1" displayName="Note"><translation code="11506-3" codeSystem="2.16.840.1.113883.6.1" displayName="Progress note"/></code>` +
  `${text}<statusCode code="completed"/><effectiveTime value="20160908083215-0500"/>` +
  `<author><time value="20160908083215-0500"/><assignedAuthor><id root="2.16.840.1.113883.4.6" extension="99"/><assignedPerson><name><given>A</given><family>B</family></name></assignedPerson></assignedAuthor></author></act>`;

describe('notes section', () => {
  it('turns each Note Activity into a DocumentReference with the note text, its specific type first', () => {
    const { resources, ctx } = mapInline(mapNotesSection, [NOTE('n-1', '<text><reference value="#n1"/></text>'), NOTE('n-2', '<text mediaType="text/rtf" representation="B64">e1xydGY=</text>')]);
    expect(resources).toHaveLength(2);
    expect(resources[0]).toMatchObject({
      resourceType: 'DocumentReference',
      status: 'current',
      type: { coding: [{ system: 'http://loinc.org', code: '11506-3' }, { system: 'http://loinc.org', code: '34109-9' }] },
      date: '2016-09-08T08:32:15-05:00',
      content: [{ attachment: { contentType: 'text/plain', data: Buffer.from('narrative one').toString('base64') } }],
    });
    expect((resources[0]!['author'] as { reference: string }[])[0]!.reference).toMatch(/^Practitioner\//);
    expect(resources[1]!['content']).toEqual([{ attachment: { contentType: 'text/rtf', data: 'e1xydGY=' } }]);
    expect(resourceErrors(ctx)).toEqual([]);
  });

  it('skips a note without content, with a warning', () => {
    const { refs, ctx } = mapInline(mapNotesSection, [NOTE('n-3', '')]);
    expect(refs).toEqual([]);
    expect(ctx.issues.map((i) => i.details?.coding?.[0]?.code)).toEqual(['note-without-content']);
  });
});

describe('assessment section', () => {
  it('is narrative only, keeping any problem observation or note a sender adds', () => {
    const problem =
      '<observation classCode="OBS" moodCode="EVN"><templateId root="2.16.840.1.113883.10.20.22.4.4"/><id root="5.1"/><code code="282291009" codeSystem="2.16.840.1.113883.6.96"/>' +
      '<value xsi:type="CD" code="44054006" codeSystem="2.16.840.1.113883.6.96"/></observation>';
    expect(mapInline(mapAssessmentSection, []).refs).toEqual([]);
    const { resources } = mapInline(mapAssessmentSection, [problem, NOTE('n-4', '<text>Plan discussed</text>')], '<code code="51848-0" codeSystem="2.16.840.1.113883.6.1"/>');
    expect(resources.map((r) => r.resourceType)).toEqual(['Condition', 'DocumentReference']);
    expect((resources[0]!['category'] as unknown[])[0]).toEqual({ coding: [{ system: 'http://terminology.hl7.org/CodeSystem/condition-category', code: 'encounter-diagnosis' }] });
  });
});
