import { describe, expect, it } from 'vitest';
import { CdaContext } from './cda-context.js';
import { specTables, xml } from './testing/cda-spec.helpers.js';

const ctx = (): CdaContext => new CdaContext(specTables(), { idSecret: 's1', documentKey: 'doc-1' });

describe('CdaContext', () => {
  it('makes deterministic, keyed ids: same parts same id, another secret another id', () => {
    const a = ctx().id('Condition', 'x', 'y');
    expect(ctx().id('Condition', 'x', 'y')).toBe(a);
    expect(ctx().id('Condition', 'x', 'z')).not.toBe(a);
    expect(ctx().id('Observation', 'x', 'y')).not.toBe(a);
    expect(new CdaContext(specTables(), { idSecret: 's2' }).id('Condition', 'x', 'y')).not.toBe(a);
    expect(a).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-8[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
  });

  it('takes an entry id from its first usable <id>, across documents; else from the fallback parts and document', () => {
    const withId = xml('<observation><id nullFlavor="NI"/><id root="1.2.3" extension="42"/></observation>');
    const other = new CdaContext(specTables(), { idSecret: 's1', documentKey: 'doc-2' });
    expect(ctx().entryId('Condition', withId, 'p', '1')).toBe(other.entryId('Condition', withId, 'p', '9'));
    const without = xml('<observation><id nullFlavor="UNK"/></observation>');
    expect(ctx().entryId('Condition', without, 'p', '1')).toBe(ctx().entryId('Condition', without, 'p', '1'));
    expect(ctx().entryId('Condition', without, 'p', '1')).not.toBe(ctx().entryId('Condition', without, 'p', '2'));
    expect(ctx().entryId('Condition', without, 'p', '1')).not.toBe(other.entryId('Condition', without, 'p', '1'));
  });

  it('adds a resource once per Type/id, keeping the first, and returns its reference', () => {
    const c = ctx();
    const ref = c.add({ resourceType: 'Medication', id: 'm1', code: { text: 'first' } });
    expect(ref).toEqual({ reference: 'Medication/m1' });
    c.add({ resourceType: 'Medication', id: 'm1', code: { text: 'second' } });
    expect(c.resources.size).toBe(1);
    expect(c.get(ref)?.['code']).toEqual({ text: 'first' });
    expect(() => c.add({ resourceType: 'Medication' })).toThrow(/without an id/);
  });

  it('finds narrative text by ID, with or without the #', () => {
    const doc = xml('<section><text><table><tr><td ID="m1">Aspirin <content>81 mg</content></td></tr></table><paragraph ID="p2">x<br/>y</paragraph></text></section>');
    const c = new CdaContext(specTables(), { idSecret: 's', document: doc });
    expect(c.narrativeText('#m1')).toBe('Aspirin 81 mg');
    expect(c.narrativeText('m1')).toBe('Aspirin 81 mg');
    expect(c.narrativeText('#p2')).toBe('x y');
    expect(c.narrativeText('#missing')).toBeUndefined();
    expect(c.narrativeText(undefined)).toBeUndefined();
  });

  it('records each warning once, as a PHI-free processing issue', () => {
    const c = ctx();
    c.warn('unknown-code-system', '1.2.3');
    c.warn('unknown-code-system', '1.2.3');
    c.warn('unknown-code-system', '1.2.4');
    expect(c.issues).toHaveLength(2);
    expect(c.issues[0]).toMatchObject({ severity: 'warning', code: 'processing', expression: ['1.2.3'] });
    expect(c.issues[0]?.details?.coding?.[0]?.code).toBe('unknown-code-system');
  });
});
