/** A calibration trial's result, stored in its folder for the cell's other trials (and for resume). */
import { join } from 'node:path';
import { CalibrationResultSchema, type CalibrationResult } from '../analysis/calibration-result.js';
import { writeJsonAtomic } from '../io/atomic.js';
import { readJsonFile, type JsonRead } from './json-file.js';
import { TRIAL_FILES } from './layout.js';

export function writeCalibration(runDir: string, trialDir: string, cal: CalibrationResult): Promise<void> {
  return writeJsonAtomic(join(runDir, trialDir, TRIAL_FILES.calibration), cal);
}

export function readCalibration(runDir: string, trialDir: string): Promise<JsonRead<CalibrationResult>> {
  return readJsonFile(join(runDir, trialDir, TRIAL_FILES.calibration), TRIAL_FILES.calibration, CalibrationResultSchema, 'a calibration result');
}
