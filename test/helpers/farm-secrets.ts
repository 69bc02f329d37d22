/**
 * Fake credentials for every farm preset's variables (src/device/appium/farm-presets.ts).
 * Tests set them and check that none ever appears in a file, a report or printed output.
 */
export const FAKE_FARM_CREDENTIALS = {
  BROWSERSTACK_USERNAME: 'bs-user-Qx7Kp2',
  BROWSERSTACK_ACCESS_KEY: 'bsKEY9f8e7d6c5b4a3',
  SAUCE_USERNAME: 'sauce-user-Zr4Lm1',
  SAUCE_ACCESS_KEY: 'sauce-0a1b2c3d-4e5f-6789',
  VOICEAEC_APPIUM_USER: 'hub-user-Wy3Hn8',
  VOICEAEC_APPIUM_KEY: 'hubKEY-5t6y7u8i9o',
  VOICEAEC_DF_ACCESS_KEY: 'dfAccess-Pp0Oo9',
  VOICEAEC_DF_TOKEN: 'dfToken-Ll8Kk7Jj6',
};

/** Sets `vars` in process.env (for a whole test file: servers and CLI runs inherit them); returns the undo. */
export function setProcessEnv(vars: Record<string, string>): () => void {
  const saved = Object.fromEntries(Object.keys(vars).map((k) => [k, process.env[k]]));
  Object.assign(process.env, vars);
  return () => {
    for (const [k, v] of Object.entries(saved)) {
      if (v === undefined) delete process.env[k];
      else process.env[k] = v;
    }
  };
}

/** Fake AWS credentials (the aws-device-farm preset's listing signs with them; farm-api.ts). */
export const FAKE_AWS_CREDENTIALS = {
  AWS_ACCESS_KEY_ID: 'AKIAFAKEVOICEAEC0001',
  AWS_SECRET_ACCESS_KEY: 'awsSecretFake-Kq9Zt3Xw7Rv2',
  AWS_SESSION_TOKEN: 'awsSessionFake-Hh5Gg4Ff3',
};
