import { describe, expect, it } from 'vitest';
import { plain } from '../../../src/cli/output.js';

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
