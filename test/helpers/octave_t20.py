#!/usr/bin/env python3
"""Independent T20 per octave band, for checking the virtual iPhone's rooms.

Deliberately unlike src/dsp/schroeder.ts: 3rd-order Butterworth band-passes (IIR,
scipy) applied to the time-reversed response (Jacobsen & Rindel 1987, which keeps the
filter's own ringing out of the decay), Schroeder integration over the whole band signal
with no noise truncation (the model's responses are noiseless), and a least-squares line
over -5...-25 dB of the decay curve.

Usage: octave_t20.py RATE FILE... (raw little-endian float32 responses).
Output (stdout): a JSON list, per file {"125": t20 in s or null, ...}.
"""
import json
import sys

import numpy as np
from scipy import signal

CENTRES = [125, 250, 500, 1000, 2000, 4000]


def t20_band(h: np.ndarray, fs: int, fc: float, onset: int):
    lo, hi = fc / np.sqrt(2), fc * np.sqrt(2)
    if hi >= fs / 2:
        return None
    sos = signal.butter(3, [lo, hi], btype="bandpass", fs=fs, output="sos")
    y = signal.sosfilt(sos, h[::-1])[::-1]
    e = y[onset:].astype(np.float64) ** 2
    edc = np.cumsum(e[::-1])[::-1]
    if edc[0] <= 0:
        return None
    db = 10 * np.log10(np.maximum(edc / edc[0], 1e-300))
    i0 = int(np.argmax(db <= -5))
    i1 = int(np.argmax(db <= -25))
    if i1 <= i0 or db[i1] > -25:
        return None
    t = np.arange(i0, i1 + 1) / fs
    slope, _ = np.polyfit(t, db[i0 : i1 + 1], 1)
    return float(-60 / slope) if slope < 0 else None


def bands(path: str, fs: int) -> dict:
    h = np.fromfile(path, dtype="<f4").astype(np.float64)
    h = h - h.mean()
    # ISO 3382-1 start: the first sample within 20 dB of the peak.
    peak = np.max(np.abs(h))
    onset = int(np.argmax(np.abs(h) >= peak * 10 ** (-20 / 20)))
    return {str(fc): t20_band(h, fs, fc, onset) for fc in CENTRES}


def main() -> None:
    fs = int(sys.argv[1])
    print(json.dumps([bands(p, fs) for p in sys.argv[2:]]))


if __name__ == "__main__":
    main()
