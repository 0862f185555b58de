import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { deidentifyRuleFor, parseDeidentifyProfile } from './deidentify-profile.parser.js';
import { deidentifiedUid } from './deidentify-uid.js';

const table = readFileSync(join(__dirname, '../../../mappings/dicom/deidentify-basic-profile.yaml'), 'utf8');

describe('parseDeidentifyProfile', () => {
  it('reads the Basic Profile table from mappings/dicom with the PS3.15 actions', () => {
    const profile = parseDeidentifyProfile(table);
    expect(profile.name).toBe('basic-application-level-confidentiality');
    expect(profile.codeValue).toBe('113100');
    expect(profile.privateAttributes).toBe('X');
    expect(profile.rules.length).toBeGreaterThan(400);
    const rule = (tag: number) => deidentifyRuleFor(profile, tag);
    expect(rule(0x00100010)).toMatchObject({ keyword: 'PatientName', action: 'Z', onValue: 'empty' });
    expect(rule(0x00100020)).toMatchObject({ keyword: 'PatientID', onValue: 'empty' });
    expect(rule(0x00100030)).toMatchObject({ keyword: 'PatientBirthDate', onValue: 'empty' });
    expect(rule(0x00080050)).toMatchObject({ keyword: 'AccessionNumber', onValue: 'empty' });
    expect(rule(0x00080090)).toMatchObject({ keyword: 'ReferringPhysicianName', onValue: 'empty' });
    expect(rule(0x00080080)).toMatchObject({ keyword: 'InstitutionName', action: 'X/Z/D', onValue: 'dummy' });
    expect(rule(0x00181000)).toMatchObject({ keyword: 'DeviceSerialNumber', onValue: 'dummy' });
    expect(rule(0x00081030)).toMatchObject({ keyword: 'StudyDescription', onValue: 'remove' });
    for (const uid of [0x0020000d, 0x0020000e, 0x00080018, 0x00200052, 0x00081155, 0x00020003]) expect(rule(uid)?.onValue).toBe('uid');
    // U* on a sequence keeps it, so its referenced UIDs can be replaced inside.
    expect(rule(0x00081140)).toMatchObject({ keyword: 'ReferencedImageSequence', onSequence: 'keep' });
    expect(rule(0x00081110)).toMatchObject({ keyword: 'ReferencedStudySequence', onSequence: 'remove' });
    // Repeating groups: curves and overlay data/comments, any 50xx/60xx group.
    expect(rule(0x60003000)?.keyword).toBe('OverlayData');
    expect(rule(0x601e3000)?.keyword).toBe('OverlayData');
    expect(rule(0x60024000)?.keyword).toBe('OverlayComments');
    expect(rule(0x50020010)?.keyword).toBe('CurveData');
    expect(rule(0x60000010)).toBeUndefined(); // overlay rows: kept
    expect(rule(0x00280010)).toBeUndefined(); // Rows: not in the table
  });

  it('resolves combined actions to one that is valid for any attribute type', () => {
    const yaml = (action: string) => `profile: p\nattributes:\n  - { tag: '00100010', keyword: PatientName, action: '${action}' }\n`;
    const resolved = (action: string) => {
      const r = parseDeidentifyProfile(yaml(action)).rules[0]!;
      return [r.onValue, r.onSequence];
    };
    expect(resolved('X')).toEqual(['remove', 'remove']);
    expect(resolved('Z')).toEqual(['empty', 'empty']);
    expect(resolved('D')).toEqual(['dummy', 'keep']);
    expect(resolved('C')).toEqual(['dummy', 'keep']);
    expect(resolved('K')).toEqual(['keep', 'keep']);
    expect(resolved('U')).toEqual(['uid', 'keep']);
    expect(resolved('X/Z')).toEqual(['empty', 'remove']);
    expect(resolved('X/D')).toEqual(['dummy', 'remove']);
    expect(resolved('Z/D')).toEqual(['dummy', 'empty']);
    expect(resolved('X/Z/D')).toEqual(['dummy', 'remove']);
    expect(resolved('X/Z/U*')).toEqual(['uid', 'keep']);
  });

  it('refuses a malformed table, naming the row', () => {
    const bad = [
      ['profile: p\nattributes: []\n', /non-empty/],
      ['- a\n- b\n', /mapping at the top/],
      ['attributes:\n  - { tag: 00100010, keyword: A, action: X }\n', /"profile"/],
      ["profile: p\nattributes:\n  - { tag: '0010001', keyword: A, action: X }\n", /attributes\[0\]\.tag/],
      ["profile: p\nattributes:\n  - { tag: '00100010', keyword: A, action: Q }\n", /attributes\[0\]\.action/],
      ["profile: p\nattributes:\n  - { tag: '00100010', action: X }\n", /keyword/],
      ["profile: p\nattributes:\n  - { tag: '00100010', keyword: A, action: X }\n  - { tag: '00100010', keyword: B, action: Z }\n", /listed twice/],
      ["profile: p\nprivateAttributes: Z\nattributes:\n  - { tag: '00100010', keyword: A, action: X }\n", /privateAttributes/],
      ['profile: [unclosed\n', /not YAML/],
    ] as const;
    for (const [text, message] of bad) {
      expect(() => parseDeidentifyProfile(text)).toThrow(expect.objectContaining({ code: 'DICOM_DEIDENTIFY_PROFILE_INVALID', message: expect.stringMatching(message) }));
    }
  });
});

describe('deidentifiedUid', () => {
  it('derives a deterministic, keyed 2.25 UID from a well-formed UUID (PS3.5 B.2)', () => {
    const uid = '1.3.6.1.4.1.5962.1.2.1.20040119072730.12322';
    const a = deidentifiedUid('secret', uid);
    expect(a).toMatch(/^2\.25\.[1-9][0-9]*$/);
    expect(a.length).toBeLessThanOrEqual(64);
    expect(deidentifiedUid('secret', uid)).toBe(a);
    expect(deidentifiedUid('other', uid)).not.toBe(a);
    expect(deidentifiedUid('secret', `${uid}1`)).not.toBe(a);
    const hex = BigInt(a.slice(5)).toString(16).padStart(32, '0');
    expect(hex[12]).toBe('8'); // version 8: custom
    expect(['8', '9', 'a', 'b']).toContain(hex[16]); // variant 10
  });

  it('keeps every derivation within the 64-character UI limit', () => {
    let longest = 0;
    for (let i = 0; i < 2000; i++) longest = Math.max(longest, deidentifiedUid('k', `1.2.3.${i}`).length);
    expect(longest).toBeLessThanOrEqual(44);
  });
});
