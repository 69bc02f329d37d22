import { Chalk } from 'chalk';
import { describe, expect, it } from 'vitest';
import { plain, table } from '../../../src/cli/output.js';

describe('plain', () => {
  it('keeps ordinary text, including non-ASCII', () => {
    expect(plain('iPhone 16 — iOS 18.3, “Lab” ✓')).toBe('iPhone 16 — iOS 18.3, “Lab” ✓');
  });

  it('shows what would break the line or drive the terminal as escapes', () => {
    expect(plain('boom\n\u0000<script>')).toBe('boom\\n\\u0000<script>');
    expect(plain('a\rb\u001b[2Jc')).toBe('a\\rb\\u001b[2Jc');
    expect(plain('x\u202eevil\u2028y\u0085')).toBe('x\\u202eevil\\u2028y\\u0085');
    expect(plain('tab\there')).toBe('tab here');
  });
});

describe('table', () => {
  it('lines up columns after wide, combining and emoji characters (UTF-16 length did not: 王的iPhone is 10 cells, not 8)', () => {
    const text = table([
      ['device', 'class'],
      ['王的iPhone', 'iphone'],
      ['Ana’s 📱', 'iphone'],
      ['Rene\u0301’s iPad', 'ipad'],
    ]);
    // Widest first cell: "René’s iPad", 11 cells (the accent adds none); 王 and 的 take two each, 📱 two.
    expect(text.split('\n')).toEqual(['device       class', '王的iPhone   iphone', 'Ana’s 📱     iphone', 'Rene\u0301’s iPad  ipad']);
  });

  it('does not count colour codes as width', () => {
    const red = new Chalk({ level: 1 }).red('fail');
    expect(
      table([
        [red, 'x'],
        ['passed', 'y'],
      ]).split('\n'),
    ).toEqual([`${red}    x`, 'passed  y']);
  });
});
