/** The fixture set shipped with voiceaec: <package>/fixtures, from dist/cli or src/cli alike. */
import { fileURLToPath } from 'node:url';

export const SHIPPED_FIXTURES_DIR = fileURLToPath(new URL('../../fixtures/', import.meta.url));
