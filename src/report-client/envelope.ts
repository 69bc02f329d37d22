/** A trial's waveform envelope as stored in the data block: base64, one byte per bucket of minus peak dBFS. */
export function decodeEnvelope(b64: string | null): Array<number | null> | null {
  if (!b64) return null;
  const s = atob(b64);
  const out = new Array<number | null>(s.length);
  for (let i = 0; i < s.length; i++) out[i] = -s.charCodeAt(i);
  return out;
}
