/**
 * zod's messages in voiceaec's words (core/zod-words.ts), installed once for the process
 * before any command parses: schemas in every layer then report "is required (text)" or
 * "must be at most 1" instead of zod's default English. main.ts imports this first; every
 * test file does too (test/setup/zod-wording.ts in vitest.config.ts).
 */
import { z } from 'zod';
import { zodWords } from '../core/zod-words.js';

z.config({ customError: zodWords });
