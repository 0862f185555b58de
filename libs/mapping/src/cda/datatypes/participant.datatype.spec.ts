import { describe, expect, it } from 'vitest';
import { CdaContext } from '../cda-context.js';
import { deviceOf, organizationOf, practitionerOf } from '../cda-datatypes.js';
import { specTables, xml } from '../testing/cda-spec.helpers.js';

const ctx = (): CdaContext => new CdaContext(specTables(), { idSecret: 's', documentKey: 'd' });

describe('participants', () => {
  it('makes Practitioner + PractitionerRole (organization, role code) and returns the role', () => {
    const c = ctx();
    const ref = practitionerOf(
      xml(
        '<assignedAuthor><id root="2.16.840.1.113883.4.6" extension="111"/><code code="207Q00000X" codeSystem="2.16.840.1.113883.6.101"/>' +
          '<telecom use="WP" value="tel:555"/><assignedPerson><name><given>Ann</given><family>Lee</family></name></assignedPerson>' +
          '<representedOrganization><id root="1.2.3" extension="o1"/><name>Clinic</name><telecom use="HP" value="tel:1"/></representedOrganization></assignedAuthor>',
      ),
      c,
    );
    expect(ref?.reference).toMatch(/^PractitionerRole\//);
    const role = c.get(ref)!;
    const practitioner = c.get(role['practitioner'] as { reference: string })!;
    expect(practitioner).toMatchObject({ identifier: [{ system: 'http://hl7.org/fhir/sid/us-npi', value: '111' }], name: [{ family: 'Lee', given: ['Ann'] }] });
    const org = c.get(role['organization'] as { reference: string })!;
    expect(org).toMatchObject({ name: 'Clinic', telecom: [{ system: 'phone', value: '1' }] });
    expect(org['telecom']).toEqual([{ system: 'phone', value: '1' }]); // org-3: no home use
    expect(role['code']).toEqual([{ coding: [{ system: 'http://nucc.org/provider-taxonomy', code: '207Q00000X' }] }]);
  });

  it('returns the Practitioner itself without organization or code, and nothing for an empty one', () => {
    const c = ctx();
    expect(practitionerOf(xml('<assignedEntity><id root="1.2" extension="9"/></assignedEntity>'), c)?.reference).toMatch(/^Practitioner\//);
    expect(practitionerOf(xml('<assignedEntity><id nullFlavor="NI"/></assignedEntity>'), c)).toBeUndefined();
  });

  it('gives the same organization the same id from its name when it has no id', () => {
    const a = organizationOf(xml('<representedOrganization><name>Good Health</name></representedOrganization>'), ctx());
    const b = organizationOf(xml('<representedOrganization><name>Good Health</name></representedOrganization>'), ctx());
    expect(a).toEqual(b);
    expect(organizationOf(xml('<representedOrganization><id nullFlavor="UNK"/></representedOrganization>'), ctx())).toBeUndefined();
  });

  it('makes a Device for an authoring device', () => {
    const c = ctx();
    const ref = deviceOf(xml('<assignedAuthor><id root="1.2.3.4"/><assignedAuthoringDevice><manufacturerModelName>M1</manufacturerModelName><softwareName>S1</softwareName></assignedAuthoringDevice></assignedAuthor>'), c);
    expect(c.get(ref)?.['deviceName']).toEqual([{ name: 'M1', type: 'model-name' }, { name: 'S1', type: 'user-friendly-name' }]);
  });
});
