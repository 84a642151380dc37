// `npm run audit:verify -- <export file> [--manifest <file>] [--public-key <keyId:base64,…> | --public-key-file <file>]`
//
// Re-verifies an audit export from Keel's console offline, with Keel's public key alone (no
// database, no secret): the manifest's signed events and seals, the file's digest, and every row
// against its proof. The manifest defaults to the export's name with `.manifest.jsonl`; the key to
// $KEEL_HOME/audit-signing.pub (or .keel/audit-signing.pub). Exit code 0 when everything verifies,
// 1 when something does not (each problem is printed with its row or part), 2 on a usage error.
import fs from "node:fs";
import path from "node:path";
import { parseAuditPublicKeys } from "../lib/audit/signer";
import { verifyExport } from "../lib/audit/export/verify-export";

function usage(message: string): never {
  console.error(`audit:verify: ${message}\nUsage: npm run audit:verify -- <export.csv|export.jsonl> [--manifest <file>] [--public-key <keyId:base64> | --public-key-file <file>]`);
  process.exit(2);
}

const args = process.argv.slice(2);
let file: string | null = null;
let manifest: string | null = null;
let keySpec: string | null = null;
let keyFile: string | null = null;
for (let i = 0; i < args.length; i++) {
  const a = args[i];
  if (a === "--manifest") manifest = args[++i] ?? usage("--manifest needs a file");
  else if (a === "--public-key") keySpec = args[++i] ?? usage("--public-key needs keyId:base64");
  else if (a === "--public-key-file") keyFile = args[++i] ?? usage("--public-key-file needs a file");
  else if (a.startsWith("--")) usage(`unknown option ${a}`);
  else if (file) usage("give one export file");
  else file = a;
}
if (!file) usage("give the export file");
if (!fs.existsSync(file)) usage(`${file} does not exist`);
manifest ??= file.replace(/\.(csv|jsonl)$/, "") + ".manifest.jsonl";
if (!fs.existsSync(manifest)) usage(`no manifest at ${manifest}; download it from the export's entry in the audit log and pass --manifest`);
if (!keySpec) {
  keyFile ??= path.join(process.env.KEEL_HOME || ".keel", "audit-signing.pub");
  if (!fs.existsSync(keyFile)) usage(`no public key: pass --public-key, or --public-key-file (Keel writes it to $KEEL_HOME/audit-signing.pub)`);
  keySpec = fs.readFileSync(keyFile, "utf8").trim();
}
let keys;
try {
  keys = parseAuditPublicKeys(keySpec);
} catch (error) {
  usage(`the public key is not valid: ${(error as Error).message}`);
}

const verdict = await verifyExport(fs.createReadStream(file), fs.readFileSync(manifest, "utf8"), keys);
const e = verdict.export;
console.log(`export: ${file}`);
if (e) console.log(`  change #${e.seq} of the tenant's chain, by ${e.by ?? "unknown"} at ${e.at}${e.complete ? "" : " (abandoned before its end)"}`);
if (e) {
  const filter = Object.entries(e.filter).map(([k, v]) => `${k}=${v}`).join(", ");
  console.log(`  holds: ${filter || "the whole trail"}, up to ${e.until}, ${e.order === "asc" ? "oldest" : "newest"} first`);
}
if (verdict.head) console.log(`  the chain's signed head: #${verdict.head.seq}, key ${verdict.head.keyId}`);
console.log(`  ${verdict.rows} rows: ${verdict.changes} changes, ${verdict.requests} requests (${verdict.sealed} in seals, ${verdict.unsealed} not yet sealed when exported)`);
if (verdict.ok) {
  console.log("VERIFIED: every row matches its proof, and the file is the one Keel signed.");
  process.exit(0);
}
console.log(`NOT VERIFIED: ${verdict.problems.length}${verdict.more ? "+" : ""} problem(s):`);
for (const p of verdict.problems) console.log(`  - ${p}`);
process.exit(1);
