import escapeHtml from 'escape-html';

/** Text and attribute values inside report.html: escape-html's five characters (& < > " '); null and undefined as nothing. */
export function esc(s: string | number | boolean | null | undefined): string {
  return escapeHtml(String(s ?? ''));
}
