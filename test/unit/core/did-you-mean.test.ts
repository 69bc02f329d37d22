import { describe, expect, it } from 'vitest';
import { closestName, didYouMean, editDistance } from '../../../src/core/did-you-mean.js';

describe('editDistance', () => {
  it('counts insertions, deletions, substitutions and neighbour swaps', () => {
    expect(editDistance('room', 'room')).toBe(0);
    expect(editDistance('rom', 'room')).toBe(1);
    expect(editDistance('roomm', 'room')).toBe(1);
    expect(editDistance('rxom', 'room')).toBe(1);
    expect(editDistance('roim', 'romi')).toBe(1);
    expect(editDistance('', 'abc')).toBe(3);
    expect(editDistance('Route', 'route')).toBe(0);
  });
});

describe('closestName', () => {
  const scenarios = ['barge-in', 'nightly', 'quiet-room', 'reflective-room', 'routes'];
  it('finds the likely intent', () => {
    expect(closestName('quiet-rom', scenarios)).toBe('quiet-room');
    expect(closestName('nighlty', scenarios)).toBe('nightly');
    expect(closestName('route', scenarios)).toBe('routes');
  });
  it('suggests nothing for a name far from every known one, or an exact match', () => {
    expect(closestName('xyz', scenarios)).toBeUndefined();
    expect(closestName('completely-different', scenarios)).toBeUndefined();
    expect(closestName('nightly', scenarios)).toBeUndefined();
    expect(closestName('a'.repeat(500), scenarios)).toBeUndefined();
  });
  it('prefers the nearer of two candidates, and the earlier on a tie', () => {
    expect(closestName('gates', ['gatesMs', 'gate'])).toBe('gate');
    expect(closestName('ab', ['ac', 'ad'])).toBe('ac');
  });
});

describe('didYouMean', () => {
  it('is a phrase to start a hint with, or empty', () => {
    expect(didYouMean('rout', ['route', 'mode'])).toBe('did you mean "route"? ');
    expect(didYouMean('zzzz', ['route', 'mode'])).toBe('');
    expect(didYouMean('rout', ['route'], (s) => `--${s}`)).toBe('did you mean --route? ');
  });
});
