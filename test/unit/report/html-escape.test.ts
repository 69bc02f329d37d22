import { describe, expect, it } from 'vitest';
import { esc } from '../../../src/report/html-escape.js';

describe('esc', () => {
  it('escapes the five characters HTML gives meaning to, in text and in quoted attributes', () => {
    expect(esc(`<a href="x" title='y'>Tom & Jerry</a>`)).toBe('&lt;a href=&quot;x&quot; title=&#39;y&#39;&gt;Tom &amp; Jerry&lt;/a&gt;');
    expect(esc('&amp;')).toBe('&amp;amp;');
  });

  it('writes numbers and booleans as text, null and undefined as nothing', () => {
    expect(esc(-3.5)).toBe('-3.5');
    expect(esc(true)).toBe('true');
    expect(esc(null)).toBe('');
    expect(esc(undefined)).toBe('');
  });
});
