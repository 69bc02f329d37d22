/**
 * Help text at most 100 columns wide, whatever the terminal. Commander gives up wrapping
 * when one long option term (`--device <sim[:profile]|appium[:udid]|…>`) leaves the
 * description column narrower than its minimum, so a term longer than MAX_TERM goes on a
 * line of its own with its description wrapped below it, as man pages do.
 */
import { Help, type Command, type HelpConfiguration } from 'commander';

export const HELP_WIDTH = 100;
const MAX_TERM = 34;
const INDENT = 2;
const SPACER = 2;

export const helpLayout: HelpConfiguration = {
  helpWidth: HELP_WIDTH,
  padWidth(this: Help, cmd: Command, helper: Help): number {
    return Math.min(MAX_TERM, Help.prototype.padWidth.call(this, cmd, helper));
  },
  formatItem(this: Help, term: string, termWidth: number, description: string, helper: Help): string {
    if (!description || helper.displayWidth(term) <= termWidth) return Help.prototype.formatItem.call(this, term, termWidth, description, helper);
    const indent = ' '.repeat(INDENT + termWidth + SPACER);
    const body = helper.boxWrap(description, HELP_WIDTH - indent.length).replace(/\n/g, `\n${indent}`);
    return `${' '.repeat(INDENT)}${term}\n${indent}${body}`;
  },
};
