/** The scenario a run directory recorded, read back for --resume (single device and lab alike). */
import { inputError } from '../core/errors.js';
import { issueText } from '../config/issue-text.js';
import { ScenarioSchema, type Scenario } from '../config/scenario.js';

/** A damaged recording is an input error in words, not a zod dump ending as E_INTERNAL. */
export function recordedScenario(resolved: unknown, dir: string): Scenario {
  const r = ScenarioSchema.safeParse(resolved);
  if (r.success) return r.data;
  const issue = r.error.issues[0]!;
  throw inputError(
    'E_RUNDIR_MANIFEST',
    `${dir}: the recorded scenario is not valid (${issue.path.join('.') || '(root)'}: ${issueText(issue, ScenarioSchema)})`,
    {
      hint: 'the manifest was edited by hand or written by another voiceaec version; start a new run',
    },
  );
}
