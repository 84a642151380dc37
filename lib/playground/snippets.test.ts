import { execFileSync } from "node:child_process";
import { describe, expect, it } from "vitest";
import { apiBaseUrl, buildSnippets, chatRequestBody, type SnippetInput } from "./snippets";

const tricky = `He said "hi" \\ then left.\nIt's a 'test'; $HOME \`whoami\` ${"$"}{x}`;

const input: SnippetInput = {
  publicUrl: "https://keel.example.com/",
  endpointName: "support-bot",
  messages: [
    { role: "system", content: "Answer in JSON." },
    { role: "user", content: tricky },
  ],
  params: {
    temperature: 0.3,
    top_p: 0.9,
    max_tokens: 200,
    stop: ["END", "\n\n"],
    seed: 42,
    response_format: { type: "json_schema", json_schema: { name: "answer", schema: { type: "object", properties: { ok: { type: "boolean" } }, required: ["ok"] }, strict: true } },
  },
};

const expectedBody = {
  model: "support-bot",
  messages: input.messages,
  temperature: 0.3,
  top_p: 0.9,
  max_tokens: 200,
  stop: ["END", "\n\n"],
  seed: 42,
  response_format: { type: "json_schema", json_schema: { name: "answer", schema: { type: "object", properties: { ok: { type: "boolean" } }, required: ["ok"] }, strict: true } },
};

describe("the request body", () => {
  it("sends every parameter under the name it already has, OpenAI's", () => {
    expect(chatRequestBody(input.endpointName, input.messages, input.params)).toEqual(expectedBody);
  });

  it("leaves unset parameters out, so the endpoint's defaults apply", () => {
    expect(chatRequestBody("m", [{ role: "user", content: "hi" }], {})).toEqual({ model: "m", messages: [{ role: "user", content: "hi" }] });
    expect(chatRequestBody("m", [], { response_format: { type: "json_object" }, temperature: 0 })).toMatchObject({ temperature: 0, response_format: { type: "json_object" } });
  });

  it("points at Keel's OpenAI-compatible API, whatever the public URL ends with", () => {
    expect(apiBaseUrl("https://keel.example.com")).toBe("https://keel.example.com/api/v1");
    expect(apiBaseUrl("https://keel.example.com//")).toBe("https://keel.example.com/api/v1");
  });
});

describe("snippets", () => {
  const snippets = buildSnippets(input);

  it("TypeScript: the official client, the key from the environment, and the body as written", () => {
    const ts = snippets.typescript;
    expect(ts).toContain('import OpenAI from "openai";');
    expect(ts).toContain('baseURL: "https://keel.example.com/api/v1"');
    expect(ts).toContain("apiKey: process.env.KEEL_API_KEY");
    const start = ts.indexOf("create(") + "create(".length;
    const literal = ts.slice(start, ts.indexOf(");\n", start));
    expect(JSON.parse(literal)).toEqual(expectedBody);
  });

  it("Python: the openai package, keyword arguments, and Python's own True", () => {
    const py = snippets.python;
    expect(py).toContain("from openai import OpenAI");
    expect(py).toContain('api_key=os.environ["KEEL_API_KEY"]');
    expect(py).toContain('base_url="https://keel.example.com/api/v1"');
    for (const arg of ['model="support-bot",', "temperature=0.3,", "top_p=0.9,", "max_tokens=200,", "seed=42,", '"strict": True,']) expect(py).toContain(arg);
    // The content is a JSON string literal, which Python reads the same way: quotes, backslashes and newlines escaped.
    expect(py).toContain(`"content": ${JSON.stringify(tricky)},`);
    expect(py).not.toContain("true");
  });

  it("curl: the shell passes the body through untouched, quotes and dollar signs included", () => {
    const curl = snippets.curl;
    expect(curl).toContain(`curl 'https://keel.example.com/api/v1/chat/completions'`);
    expect(curl).toContain('-H "Authorization: Bearer $KEEL_API_KEY"');
    const quoted = curl.slice(curl.indexOf("-d ") + 3).trimEnd();
    const seen = execFileSync("sh", ["-c", `printf %s ${quoted}`], { encoding: "utf8" });
    expect(JSON.parse(seen)).toEqual(expectedBody);
  });

  it("writes no key into any snippet", () => {
    for (const text of Object.values(snippets)) expect(text).not.toMatch(/keel_[A-Za-z0-9]/);
  });
});
