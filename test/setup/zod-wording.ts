// zod's messages in the CLI's words (src/cli/zod-wording.ts, which main.ts imports first), so every test sees what users see.
import '../../src/cli/zod-wording.js';
