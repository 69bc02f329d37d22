/** A trial's players: reference, mic and gated recordings, each where the trial has it. */
import type { ClientAudio } from '../report/client-data.js';

const PLAYERS: Array<[keyof ClientAudio, string]> = [
  ['ref', 'reference'],
  ['mic', 'mic (before gate)'],
  ['gated', 'gated'],
];

export function audioRow(el: HTMLElement, audio: ClientAudio): void {
  for (const [key, name] of PLAYERS) {
    const src = audio[key];
    if (!src) continue;
    const l = document.createElement('label');
    l.appendChild(document.createTextNode(`${name} `));
    const a = document.createElement('audio');
    a.controls = true;
    a.preload = 'none'; // a big run links its WAVs: nothing loads until asked
    a.src = src;
    l.appendChild(a);
    el.appendChild(l);
  }
  if (!el.childNodes.length) el.textContent = 'no audio files';
}
