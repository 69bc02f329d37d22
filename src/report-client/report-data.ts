/** The page's JSON block, read and checked for the shape the plots rely on. */
import type { ClientData } from '../report/client-data.js';

export const DATA_ID = 'voiceaec-data';

/** The data, or why it cannot be read: a hand-edited or truncated report must not break the page. */
export function readReportData(doc: Document): ClientData | { error: string } {
  const text = doc.getElementById(DATA_ID)?.textContent;
  if (text == null) return { error: `the page has no #${DATA_ID} block` };
  let d: unknown;
  try {
    d = JSON.parse(text);
  } catch (e) {
    return { error: `the #${DATA_ID} block is not JSON (${(e as Error).message})` };
  }
  const o = d as Partial<Record<keyof ClientData, unknown>> | null;
  if (typeof o !== 'object' || o === null || !Array.isArray(o.marks) || !Array.isArray(o.cells) || !Array.isArray(o.trials)) {
    return { error: `the #${DATA_ID} block lacks marks, cells or trials` };
  }
  return d as ClientData;
}
