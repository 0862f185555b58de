import { describe, expect, it } from 'vitest';
import type { Hl7Message } from '@hie/hl7v2';
import type { CompiledMessageMap } from './compiled.model.js';
import type { GroupDef, GroupInstance } from './group-instance.js';
import { placeSegments } from './message.converter.js';

const group = (name: string, parent: string | undefined, leaders: string[], members: string[], repeats: string[] = []): GroupDef => ({
  name,
  parent,
  leaders: new Set(leaders),
  members,
  repeats: new Set(repeats),
});

const oru: CompiledMessageMap = {
  name: 'oru',
  events: ['ORU^R01'],
  structures: [],
  required: [],
  segments: new Map(),
  groups: [
    group('ORDER', undefined, ['ORC', 'OBR'], ['ORC', 'OBR', 'NTE'], ['NTE']),
    group('OBSERVATION', 'ORDER', ['OBX'], ['OBX', 'NTE'], ['NTE']),
    group('SPECIMEN', 'ORDER', ['SPM'], ['SPM', 'OBX'], ['OBX']),
  ],
};

function msg(names: string[]): Hl7Message {
  return {
    delimiters: { field: '|', component: '^', repetition: '~', escape: '\\', subcomponent: '&' },
    header: {} as Hl7Message['header'],
    segments: names.map((name) => ({ name, fields: [] })),
  };
}

/** For each segment: the chain of group names it sits in, e.g. `ORDER/OBSERVATION` (`-` = message). */
function shape(names: string[]): string[] {
  const ids = new Map<object, number>();
  return placeSegments(msg(names), oru).map((p) => {
    const chain: string[] = [];
    for (let g: GroupInstance | undefined = p.group; g?.def; g = g.parent) {
      if (!ids.has(g)) ids.set(g, ids.size + 1);
      chain.unshift(`${g.def.name}#${ids.get(g)}`);
    }
    return `${p.segment.name}@${chain.join('/') || '-'}`;
  });
}

describe('segment grouping', () => {
  it('puts each OBX (and its NTE) under the OBR before it, and opens a new order at the next OBR', () => {
    expect(shape(['MSH', 'PID', 'OBR', 'NTE', 'OBX', 'NTE', 'OBX', 'OBR', 'OBX'])).toEqual([
      'MSH@-',
      'PID@-',
      'OBR@ORDER#1',
      'NTE@ORDER#1',
      'OBX@ORDER#1/OBSERVATION#2',
      'NTE@ORDER#1/OBSERVATION#2',
      'OBX@ORDER#1/OBSERVATION#3',
      'OBR@ORDER#4',
      'OBX@ORDER#4/OBSERVATION#5',
    ]);
  });

  it('keeps ORC and its OBR together, but a second ORC starts a new order', () => {
    expect(shape(['MSH', 'ORC', 'OBR', 'ORC', 'OBR'])).toEqual(['MSH@-', 'ORC@ORDER#1', 'OBR@ORDER#1', 'ORC@ORDER#2', 'OBR@ORDER#2']);
  });

  it('an OBX after an SPM belongs to that specimen; an OBX before any order to the message', () => {
    expect(shape(['MSH', 'OBX', 'OBR', 'SPM', 'OBX', 'OBX'])).toEqual([
      'MSH@-',
      'OBX@OBSERVATION#1',
      'OBR@ORDER#2',
      'SPM@ORDER#2/SPECIMEN#3',
      'OBX@ORDER#2/SPECIMEN#3',
      'OBX@ORDER#2/SPECIMEN#3',
    ]);
  });
});
