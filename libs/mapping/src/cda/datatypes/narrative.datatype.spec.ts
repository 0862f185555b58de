import { describe, expect, it } from 'vitest';
import { createR4Validator } from '@hie/fhir';
import { narrativeOf } from '../cda-datatypes.js';
import { xml } from '../testing/cda-spec.helpers.js';

const div = (inner: string) => `<div xmlns="http://www.w3.org/1999/xhtml">${inner}</div>`;

describe('narrativeOf', () => {
  it('turns CDA narrative blocks into the XHTML FHIR allows', () => {
    const n = narrativeOf(
      xml(
        '<text><paragraph styleCode="Bold">P <content ID="c1">one</content><br/>two</paragraph>' +
          '<list listType="ordered"><caption>Cap</caption><item>a</item><item>b</item></list>' +
          '<table border="1" onclick="x()"><caption>T</caption><thead><tr><th colspan="2">h</th></tr></thead><tbody><tr><td ID="r1" rowspan="1">v</td></tr></tbody></table>' +
          '<linkHtml href="http://x.org/a">link</linkHtml><linkHtml href="javascript:alert(1)">bad</linkHtml><sup>2</sup><renderMultiMedia referencedObject="MM1"/></text>',
      ),
    );
    expect(n).toEqual({
      status: 'generated',
      div: div(
        '<p class="Bold">P <span id="c1">one</span><br/>two</p><p><b>Cap</b></p><ol><li>a</li><li>b</li></ol>' +
          '<table border="1"><caption>T</caption><thead><tr><th colspan="2">h</th></tr></thead><tbody><tr><td id="r1" rowspan="1">v</td></tr></tbody></table>' +
          '<a href="http://x.org/a">link</a><a>bad</a><sup>2</sup>',
      ),
    });
  });

  it('escapes text and attributes, drops deleted revisions and unknown elements but keeps their text', () => {
    const n = narrativeOf(xml('<text><content>a &lt; b &amp; c</content><content revised="delete">gone</content><foo>kept</foo><content styleCode="x&quot;y">q</content></text>'));
    expect(n?.div).toBe(div('<span>a &lt; b &amp; c</span>kept<span class="x&quot;y">q</span>'));
  });

  it('is undefined for a narrative without text', () => {
    expect(narrativeOf(xml('<text>  </text>'))).toBeUndefined();
    expect(narrativeOf(xml('<text><paragraph/></text>'))).toBeUndefined();
    expect(narrativeOf(undefined)).toBeUndefined();
  });

  it('produces a div the R4 validator accepts inside a resource', () => {
    const text = narrativeOf(xml('<text><table><tr><td>1 &gt; 0</td></tr></table></text>'))!;
    const issues = createR4Validator().validate({ resourceType: 'Basic', id: 'b1', text, code: { text: 'x' } });
    expect(issues.filter((i) => i.severity === 'error')).toEqual([]);
  });
});
