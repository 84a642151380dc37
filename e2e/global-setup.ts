import fs from "node:fs";
import { startKeel } from "./keel-process";

/** One Keel for the browser tests, on a fresh embedded database; its printed sign-ins go to the tests. */
export default async function globalSetup() {
  const chromium = process.env.CHROMIUM_PATH ?? "/usr/bin/chromium";
  if (!fs.existsSync(chromium)) throw new Error(`Browser tests need Chromium at ${chromium}: apt-get install -y chromium`);
  const keel = await startKeel({ port: 3100 });
  if (keel.signIns.length === 0) throw new Error(`Keel printed no sign-ins on its first start:\n${keel.output()}`);
  process.env.KEEL_E2E_SIGN_INS = JSON.stringify(keel.signIns);
  // Where its public audit key is (audit-signing.pub): what an auditor verifies an export with.
  process.env.KEEL_E2E_HOME = keel.home;
  return async () => {
    await keel.stop();
    fs.rmSync(keel.home, { recursive: true, force: true });
  };
}
