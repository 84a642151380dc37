// `npm run keel -- <command> [options]`: Keel from the command line, against a running Keel over
// its API, so it runs in any CI with an API key and nothing else (no database, no Next).
//
// `eval` runs a dataset (JSONL or CSV, lib/evals/dataset.ts) through an endpoint, scores each answer
// with the scorers Keel's own runs use (lib/evals/scorers.ts) and compares the mean score with
// --min-score. Exit codes: 0 at or above it, 1 below, 2 a usage error or an unreadable dataset, 3
// Keel could not be reached or refused the key (401/403). A command is one entry in COMMANDS.
import fs from "node:fs";
import { setTimeout as sleep } from "node:timers/promises";
import { DatasetError, formatOf, parseDataset, type ChatMessage, type EvalCaseInput } from "../lib/evals/dataset";
import { DEFAULT_PASS, SCORERS, ScorerError, caseProblem, scoreAnswer, type ScoreTools, type ScorerKind } from "../lib/evals/scorers";
import { ciText, summarize } from "../lib/evals/summary";
import { retryAfterMs } from "../lib/providers/retry";

const EXIT = { pass: 0, below: 1, usage: 2, unreachable: 3 } as const;

/** A mistake in the command or its files (exit 2): its message says what to change; a bad option also shows the usage. */
class UsageError extends Error {
  constructor(message: string, readonly showUsage = true) {
    super(message);
  }
}
/** Keel could not be reached, or refused the key (exit 3): nothing was evaluated. */
class KeelUnavailable extends Error {}

type Command = { summary: string; usage: string; run: (args: string[]) => Promise<number> };

const lower = (k: ScorerKind) => k.toLowerCase();
const EVAL_USAGE = `Usage: npm run keel -- eval --url <Keel's URL> --endpoint <name> --dataset <file> --min-score <0-1> [options]

Runs every case of the dataset through the endpoint, scores the answers and compares their mean
score with --min-score.

  --url <url>                   Keel's base URL, e.g. https://keel.example.com (calls <url>/api/v1/…)
  --key <key>                   an API key of the tenant; default: $KEEL_API_KEY
  --endpoint <name>             the endpoint to evaluate (sent as "model")
  --dataset <file>              .jsonl (input or messages, expected, rubric, schema) or
                                .csv (columns input, expected, rubric, schema, system)
  --min-score <0-1>             the mean score the run must reach
  --scorer <kind>               ${SCORERS.map(lower).join("|")};
                                default: json_schema when every case has a schema, else exact
                                when every case has expected
  --pass-at <0-1>               the score at which a case passes; default: 1
                                (similarity ${DEFAULT_PASS.SIMILARITY}, judge ${DEFAULT_PASS.JUDGE})
  --judge-endpoint <name>       a chat endpoint that grades answers (judge scorer)
  --embeddings-endpoint <name>  an embeddings endpoint (similarity scorer)
  --concurrency <n>             cases in flight at once; default: 4
  --timeout <seconds>           per request; default: 120
  --json                        print the result as JSON instead of text

Exit codes: 0 the mean score is at or above --min-score, 1 below it, 2 a usage error or an
unreadable dataset, 3 Keel could not be reached or refused the key (401/403).`;

const COMMANDS: Record<string, Command> = {
  eval: { summary: "score an endpoint on a dataset; fail under a minimum score", usage: EVAL_USAGE, run: runEval },
};

const MAIN_USAGE = `Usage: npm run keel -- <command> [options]   (--help after a command for its options)

Commands:
${Object.entries(COMMANDS).map(([name, c]) => `  ${name.padEnd(10)}${c.summary}`).join("\n")}`;

// --- options -----------------------------------------------------------------------------------

type OptionSpec = Record<string, "value" | "flag">;

/** `--name value`, `--name=value` and `--flag`. Errors name the option, never a value: one may be the key. */
function parseOptions(args: string[], spec: OptionSpec): Map<string, string> {
  const seen = new Map<string, string>();
  for (let i = 0; i < args.length; i++) {
    const arg = args[i];
    if (!arg.startsWith("--")) throw new UsageError(`unexpected argument at position ${i + 1} (options are --name value)`);
    const eq = arg.indexOf("=");
    const name = arg.slice(2, eq < 0 ? undefined : eq);
    if (!(name in spec)) throw new UsageError(`unknown option --${name}`);
    if (seen.has(name)) throw new UsageError(`--${name} is given twice`);
    if (spec[name] === "flag") {
      if (eq >= 0) throw new UsageError(`--${name} takes no value`);
      seen.set(name, "");
    } else if (eq >= 0) seen.set(name, arg.slice(eq + 1));
    else if (i + 1 < args.length && !args[i + 1].startsWith("--")) seen.set(name, args[++i]);
    else throw new UsageError(`--${name} needs a value`);
  }
  return seen;
}

function numberOption(opts: Map<string, string>, name: string, min: number, max: number, fallback?: number, integer = false): number {
  const text = opts.get(name);
  if (text === undefined) {
    if (fallback === undefined) throw new UsageError(`give --${name}`);
    return fallback;
  }
  const value = Number(text);
  if (text.trim() === "" || !Number.isFinite(value) || value < min || value > max || (integer && !Number.isInteger(value))) {
    throw new UsageError(`--${name} must be ${integer ? "a whole number" : "a number"} from ${min} to ${max}`);
  }
  return value;
}

function required(opts: Map<string, string>, name: string): string {
  const value = opts.get(name);
  if (!value) throw new UsageError(`give --${name}`);
  return value;
}

/** Keel's base URL; a trailing /api/v1 is forgiven. */
function baseUrl(text: string): string {
  let url: URL;
  try {
    url = new URL(text);
  } catch {
    throw new UsageError("--url must be a URL such as https://keel.example.com");
  }
  if (url.protocol !== "http:" && url.protocol !== "https:") throw new UsageError("--url must start with http:// or https://");
  return url.href.replace(/\/+$/, "").replace(/\/api\/v1$/, "");
}

// --- Keel's API --------------------------------------------------------------------------------

type Reply = { ok: true; json: Record<string, unknown>; requestId: string | null } | { ok: false; status: number | null; message: string; requestId: string | null };

const RETRIES = 2;
const MAX_RETRY_WAIT_MS = 10_000;

/** Calls Keel's /api/v1 with the key, retrying 429, 5xx and refused connections twice with backoff. */
function keelClient(base: string, key: string, timeoutMs: number) {
  return async (method: "GET" | "POST", path: string, body?: unknown): Promise<Reply> => {
    for (let attempt = 0; ; attempt++) {
      let res: Response;
      let text: string;
      try {
        res = await fetch(`${base}/api/v1/${path}`, {
          method,
          headers: { authorization: `Bearer ${key}`, ...(body === undefined ? {} : { "content-type": "application/json" }) },
          body: body === undefined ? undefined : JSON.stringify(body),
          signal: AbortSignal.timeout(timeoutMs),
          // A redirect would send the cases (and, same-origin, the key) somewhere --url did not name.
          redirect: "error",
        });
        text = await res.text();
      } catch (error) {
        // A request that hung is the endpoint's failure, not Keel's absence: the case goes unscored, as Keel's own retries do not repeat a timeout.
        if ((error as Error).name === "TimeoutError") return { ok: false, status: null, message: `no answer within ${timeoutMs / 1000} s`, requestId: null };
        if (attempt < RETRIES) {
          await sleep(backoff(attempt));
          continue;
        }
        const cause = (error as { cause?: { code?: string; message?: string } }).cause;
        throw new KeelUnavailable(`could not reach Keel at ${base}: ${cause?.code ?? cause?.message ?? (error as Error).message}`);
      }
      const requestId = res.headers.get("x-request-id");
      if (res.ok) {
        try {
          return { ok: true, json: JSON.parse(text) as Record<string, unknown>, requestId };
        } catch {
          return { ok: false, status: res.status, message: "the answer is not JSON", requestId };
        }
      }
      const message = errorMessage(text);
      if (res.status === 401 || res.status === 403) throw new KeelUnavailable(`Keel refused the key (${res.status}): ${message}`);
      if ((res.status === 429 || res.status >= 500) && attempt < RETRIES) {
        const asked = retryAfterMs({ "retry-after": res.headers.get("retry-after") ?? undefined, "retry-after-ms": res.headers.get("retry-after-ms") ?? undefined });
        await sleep(asked === null ? backoff(attempt) : Math.min(asked, MAX_RETRY_WAIT_MS));
        continue;
      }
      return { ok: false, status: res.status, message, requestId };
    }
  };
}

const backoff = (attempt: number) => Math.round(500 * 2 ** attempt * (0.75 + Math.random() * 0.5));

/** Keel's `{ error: { code, message } }` as one short line. */
function errorMessage(text: string): string {
  let message = text;
  try {
    const { error } = JSON.parse(text) as { error?: { code?: unknown; message?: unknown } };
    if (typeof error?.message === "string") message = typeof error.code === "string" ? `${error.code}: ${error.message}` : error.message;
  } catch {
    // not JSON: the text itself
  }
  return oneLine(message, 200) || "(no message)";
}

const oneLine = (text: string, max: number) => {
  const line = text.replace(/[\s\u0000-\u001f\u007f-\u009f\u2028\u2029]+/g, " ").trim();
  return line.length > max ? `${line.slice(0, max - 1)}…` : line;
};

type Call = ReturnType<typeof keelClient>;

/** An endpoint the key may use, checked before any case runs, so a typo is a usage error and not a failed evaluation. */
async function checkEndpoint(call: Call, name: string, flag: string): Promise<void> {
  const reply = await call("GET", `models/${encodeURIComponent(name)}`);
  if (reply.ok) return;
  if (reply.status === 404 || reply.status === 400) throw new UsageError(`${flag}: Keel has no endpoint "${name}" that this key may use (${reply.message})`, false);
  throw new KeelUnavailable(`Keel could not serve ${flag} "${name}" (${reply.status ?? "timeout"}): ${reply.message}`);
}

function chatText(json: Record<string, unknown>): string {
  const message = (json.choices as { message?: { content?: unknown; refusal?: unknown } }[] | undefined)?.[0]?.message;
  return typeof message?.content === "string" ? message.content : typeof message?.refusal === "string" ? message.refusal : "";
}

// --- eval --------------------------------------------------------------------------------------

const EVAL_OPTIONS: OptionSpec = {
  url: "value", key: "value", endpoint: "value", dataset: "value", "min-score": "value", scorer: "value", "pass-at": "value",
  "judge-endpoint": "value", "embeddings-endpoint": "value", concurrency: "value", timeout: "value", json: "flag", help: "flag",
};

type CaseResult = { index: number; score: number; passed: boolean; unscored: boolean; detail: string; requestId: string | null; status: number | null };

/** The scorer when --scorer is absent: JSON Schema when every case has a schema, else exact when every case has expected. */
function defaultScorer(cases: EvalCaseInput[]): ScorerKind {
  if (cases.every((c) => c.schema !== null)) return "JSON_SCHEMA";
  if (cases.every((c) => c.expected !== null)) return "EXACT";
  throw new UsageError('give --scorer: the default needs a "schema" (json_schema) or an "expected" (exact) in every case');
}

async function runEval(args: string[]): Promise<number> {
  const opts = parseOptions(args, EVAL_OPTIONS);
  if (opts.has("help")) {
    console.log(EVAL_USAGE);
    return EXIT.pass;
  }
  const base = baseUrl(required(opts, "url"));
  const key = opts.get("key") || process.env.KEEL_API_KEY;
  if (!key) throw new UsageError("give the API key with --key or in the KEEL_API_KEY environment variable");
  const endpoint = required(opts, "endpoint");
  const minScore = numberOption(opts, "min-score", 0, 1);
  const scorerText = opts.get("scorer");
  const named = scorerText === undefined ? null : SCORERS.find((k) => lower(k) === scorerText.toLowerCase());
  if (named === undefined) throw new UsageError(`--scorer must be one of ${SCORERS.map(lower).join(", ")}`);
  const concurrency = numberOption(opts, "concurrency", 1, 64, 4, true);
  const timeoutMs = numberOption(opts, "timeout", 1, 3600, 120) * 1000;
  const file = required(opts, "dataset");
  const cases = readDataset(file);
  const scorer = named ?? defaultScorer(cases);
  const passAt = numberOption(opts, "pass-at", 0, 1, DEFAULT_PASS[scorer]);
  const problems = cases.flatMap((c, i) => {
    const problem = caseProblem(scorer, c);
    return problem ? [`case ${i + 1}: ${problem}`] : [];
  });
  if (problems.length) {
    throw new UsageError(`dataset ${file}: ${problems.length} case(s) cannot be scored with the ${lower(scorer)} scorer:\n  ${problems.slice(0, 5).join("\n  ")}`, false);
  }
  const judgeEndpoint = opts.get("judge-endpoint");
  const embeddingsEndpoint = opts.get("embeddings-endpoint");
  if (scorer === "JUDGE" && !judgeEndpoint) throw new UsageError("the judge scorer needs --judge-endpoint");
  if (scorer === "SIMILARITY" && !embeddingsEndpoint) throw new UsageError("the similarity scorer needs --embeddings-endpoint");

  const call = keelClient(base, key, timeoutMs);
  await checkEndpoint(call, endpoint, "--endpoint");
  if (scorer === "JUDGE") await checkEndpoint(call, judgeEndpoint!, "--judge-endpoint");
  if (scorer === "SIMILARITY") await checkEndpoint(call, embeddingsEndpoint!, "--embeddings-endpoint");
  const tools = scoreTools(call, judgeEndpoint, embeddingsEndpoint);
  const json = opts.has("json");

  const results = await runCases(cases, concurrency, (c, index) => runCase(call, endpoint, scorer, passAt, tools, c, index), (r) => {
    if (!json) console.log(caseLine(r));
  });
  const summary = summarize(results.filter((r) => !r.unscored), results.filter((r) => r.unscored).length);
  const verdict = summary.meanScore >= minScore ? "pass" : "fail";
  if (json) {
    console.log(JSON.stringify({ endpoint, scorer: lower(scorer), passAt, minScore, verdict, summary, cases: results }, null, 2));
  } else {
    console.log(`\n${summary.cases} case${summary.cases === 1 ? "" : "s"}, endpoint ${endpoint}, scorer ${lower(scorer)} (a case passes at ${passAt})`);
    console.log(`passed ${summary.passed} of ${summary.cases}${summary.failed ? `, ${summary.failed} unscored (count as 0)` : ""}`);
    console.log(`mean score ${ciText(summary.meanScore, summary.meanCi)}`);
    console.log(`pass rate ${ciText(summary.passRate, summary.passCi)}`);
    const mean = summary.meanScore.toFixed(4);
    console.log(verdict === "pass" ? `PASS: mean score ${mean} ≥ --min-score ${minScore}` : `FAIL: mean score ${mean} < --min-score ${minScore}`);
  }
  return verdict === "pass" ? EXIT.pass : EXIT.below;
}

function readDataset(file: string): EvalCaseInput[] {
  let text: string;
  try {
    text = fs.readFileSync(file, "utf8");
  } catch (error) {
    const code = (error as { code?: string }).code;
    const why = code === "ENOENT" ? "no such file" : code === "EISDIR" ? "it is a folder" : code === "EACCES" ? "permission denied" : (error as Error).message;
    throw new UsageError(`cannot read the dataset ${file}: ${why}`, false);
  }
  try {
    return parseDataset(text, formatOf(file));
  } catch (error) {
    if (error instanceof DatasetError) throw new UsageError(`dataset ${file}: ${error.message}`, false);
    throw error;
  }
}

/** The judge and the embeddings, called through the same Keel with the same key. */
function scoreTools(call: Call, judgeEndpoint: string | undefined, embeddingsEndpoint: string | undefined): ScoreTools {
  const failed = (what: string, r: Extract<Reply, { ok: false }>) =>
    new ScorerError(`${what} failed (${r.status ?? "timeout"}: ${r.message}${r.requestId ? `, x-request-id ${r.requestId}` : ""})`);
  return {
    judge: judgeEndpoint
      ? async (messages: ChatMessage[]) => {
          const reply = await call("POST", "chat/completions", { model: judgeEndpoint, messages });
          if (!reply.ok) throw failed("the judge call", reply);
          return chatText(reply.json);
        }
      : undefined,
    embed: embeddingsEndpoint
      ? async (texts: string[]) => {
          const reply = await call("POST", "embeddings", { model: embeddingsEndpoint, input: texts });
          if (!reply.ok) throw failed("the embeddings call", reply);
          const data = (reply.json.data ?? []) as { index: number; embedding: number[] }[];
          return [...data].sort((a, b) => a.index - b.index).map((d) => d.embedding);
        }
      : undefined,
  };
}

async function runCase(call: Call, endpoint: string, scorer: ScorerKind, passAt: number, tools: ScoreTools, c: EvalCaseInput, index: number): Promise<CaseResult> {
  const reply = await call("POST", "chat/completions", { model: endpoint, messages: c.messages });
  const unscored = (detail: string, status: number | null, requestId: string | null): CaseResult => ({ index, score: 0, passed: false, unscored: true, detail, requestId, status });
  if (!reply.ok) return unscored(reply.status ? `Keel answered ${reply.status}: ${reply.message}` : reply.message, reply.status, reply.requestId);
  const output = chatText(reply.json);
  try {
    const s = await scoreAnswer(scorer, c, output, passAt, tools);
    const detail = s.passed ? s.detail : `${s.detail}; got ${JSON.stringify(oneLine(output, 60))}`;
    return { index, score: s.score, passed: s.passed, unscored: false, detail, requestId: reply.requestId, status: 200 };
  } catch (error) {
    if (error instanceof ScorerError) return unscored(`not scored: ${error.message}`, 200, reply.requestId);
    throw error;
  }
}

/** Runs cases `concurrency` at a time and reports each in the dataset's order as soon as those before it are done. */
async function runCases<T>(cases: EvalCaseInput[], concurrency: number, run: (c: EvalCaseInput, index: number) => Promise<T>, report: (r: T) => void): Promise<T[]> {
  const results: T[] = [];
  let next = 0;
  let reported = 0;
  const worker = async () => {
    while (next < cases.length) {
      const i = next++;
      results[i] = await run(cases[i], i + 1);
      while (reported < cases.length && reported in results) report(results[reported++]);
    }
  };
  await Promise.all(Array.from({ length: Math.min(concurrency, cases.length) }, worker));
  return results;
}

function caseLine(r: CaseResult): string {
  const outcome = r.unscored ? "unscored" : r.passed ? "pass" : "fail";
  return printable(`case ${String(r.index).padStart(4)}  ${r.score.toFixed(2)}  ${outcome.padEnd(8)}  ${r.detail}${r.requestId ? `  (x-request-id ${r.requestId})` : ""}`);
}

/** Model output never writes its own lines into a CI log (no control characters, no line breaks). */
const printable = (text: string) => text.replace(/[\u0000-\u001f\u007f-\u009f\u2028\u2029]/g, " ");

// --- main --------------------------------------------------------------------------------------

async function main(argv: string[]): Promise<number> {
  const [name, ...rest] = argv;
  if (name === "--help" || name === "-h" || name === "help") {
    console.log(MAIN_USAGE);
    return EXIT.pass;
  }
  const command = name === undefined ? undefined : COMMANDS[name];
  if (!command) {
    console.error(`keel: ${name === undefined ? "give a command" : `unknown command ${name}`}\n${MAIN_USAGE}`);
    return EXIT.usage;
  }
  try {
    return await command.run(rest);
  } catch (error) {
    if (error instanceof UsageError) {
      console.error(`keel ${name}: ${error.message}${error.showUsage ? `\n\n${command.usage}` : ""}`);
      return EXIT.usage;
    }
    if (error instanceof KeelUnavailable) {
      console.error(`keel ${name}: ${error.message}`);
      return EXIT.unreachable;
    }
    throw error;
  }
}

process.exit(await main(process.argv.slice(2)));
