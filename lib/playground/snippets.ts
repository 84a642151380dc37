import type { PromptParameters } from "@/lib/prompts/schemas";
import type { PlaygroundMessage } from "./schemas";

/** What "Use in code" writes a snippet for: one endpoint, the thread and a column's parameters. */
export type SnippetInput = { publicUrl: string; endpointName: string; messages: PlaygroundMessage[]; params: PromptParameters };

export type Snippets = { typescript: string; python: string; curl: string };

/** The environment variable every snippet reads the API key from; no key is ever written into one. */
export const API_KEY_VARIABLE = "KEEL_API_KEY";

/** The chat request body: the parameters already carry OpenAI's names and only what was set, so the endpoint's defaults apply to the rest. */
export function chatRequestBody(endpointName: string, messages: PlaygroundMessage[], params: PromptParameters): Record<string, unknown> {
  return { model: endpointName, messages, ...params };
}

/** The base URL applications give the openai client: Keel's OpenAI-compatible API. */
export function apiBaseUrl(publicUrl: string): string {
  return `${publicUrl.replace(/\/+$/, "")}/api/v1`;
}

/** Copy-ready calls with the official openai client (TypeScript, Python) and curl. Pure: strings in, strings out. */
export function buildSnippets(input: SnippetInput): Snippets {
  const body = chatRequestBody(input.endpointName, input.messages, input.params);
  const baseUrl = apiBaseUrl(input.publicUrl);
  return { typescript: typescriptSnippet(baseUrl, body), python: pythonSnippet(baseUrl, body), curl: curlSnippet(baseUrl, body) };
}

function typescriptSnippet(baseUrl: string, body: Record<string, unknown>): string {
  // JSON is a valid JavaScript expression, strings escaped included.
  return [
    'import OpenAI from "openai";',
    "",
    "const client = new OpenAI({",
    `  baseURL: ${JSON.stringify(baseUrl)},`,
    `  apiKey: process.env.${API_KEY_VARIABLE},`,
    "});",
    "",
    `const completion = await client.chat.completions.create(${JSON.stringify(body, null, 2)});`,
    "",
    "console.log(completion.choices[0].message.content);",
    "",
  ].join("\n");
}

/** A Python literal for a JSON value: JSON's strings are valid Python strings; true, false and null are spelled differently. */
function python(value: unknown, indent: string): string {
  if (value === null || value === undefined) return "None";
  if (value === true) return "True";
  if (value === false) return "False";
  if (typeof value === "number" || typeof value === "string") return JSON.stringify(value);
  const inner = `${indent}    `;
  if (Array.isArray(value)) {
    if (value.length === 0) return "[]";
    return `[\n${value.map((v) => `${inner}${python(v, inner)},`).join("\n")}\n${indent}]`;
  }
  const entries = Object.entries(value as Record<string, unknown>);
  if (entries.length === 0) return "{}";
  return `{\n${entries.map(([k, v]) => `${inner}${JSON.stringify(k)}: ${python(v, inner)},`).join("\n")}\n${indent}}`;
}

function pythonSnippet(baseUrl: string, body: Record<string, unknown>): string {
  const args = Object.entries(body).map(([k, v]) => `    ${k}=${python(v, "    ")},`);
  return [
    "import os",
    "",
    "from openai import OpenAI",
    "",
    "client = OpenAI(",
    `    base_url=${JSON.stringify(baseUrl)},`,
    `    api_key=os.environ[${JSON.stringify(API_KEY_VARIABLE)}],`,
    ")",
    "",
    "completion = client.chat.completions.create(",
    ...args,
    ")",
    "",
    "print(completion.choices[0].message.content)",
    "",
  ].join("\n");
}

/** Quotes for a POSIX shell: inside single quotes nothing expands; a quote itself closes, escapes and reopens. */
function shellQuote(text: string): string {
  return `'${text.replaceAll("'", `'\\''`)}'`;
}

function curlSnippet(baseUrl: string, body: Record<string, unknown>): string {
  return [
    `curl ${shellQuote(`${baseUrl}/chat/completions`)} \\`,
    `  -H "Authorization: Bearer $${API_KEY_VARIABLE}" \\`,
    '  -H "Content-Type: application/json" \\',
    `  -d ${shellQuote(JSON.stringify(body, null, 2))}`,
    "",
  ].join("\n");
}
