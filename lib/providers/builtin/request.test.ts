import { describe, expect, it } from "vitest";
import { toBuiltinChatRequest } from "./request";
import { GatewayError } from "@/lib/gateway/errors";

const refusal = (body: Record<string, unknown>) => {
  try {
    toBuiltinChatRequest(body);
  } catch (error) {
    return error as GatewayError;
  }
  throw new Error("expected a refusal");
};

describe("toBuiltinChatRequest", () => {
  it("maps OpenAI messages and sampling parameters", () => {
    const request = toBuiltinChatRequest({
      messages: [
        { role: "developer", content: "Be brief." },
        { role: "user", content: [{ type: "text", text: "Hello" }, { type: "text", text: "there" }] },
        { role: "assistant", content: null },
      ],
      max_completion_tokens: 50,
      max_tokens: 10,
      temperature: 0.3,
      stop: "END",
      seed: 7,
      response_format: { type: "json_schema", json_schema: { name: "x", schema: { type: "object" } } },
      frequency_penalty: 0.5,
    });
    expect(request).toEqual({
      messages: [
        { role: "system", content: "Be brief." },
        { role: "user", content: "Hello\nthere" },
        { role: "assistant", content: "" },
      ],
      maxTokens: 50,
      temperature: 0.3,
      topP: undefined,
      seed: 7,
      stop: ["END"],
      json: { schema: { type: "object" } },
    });
    expect(toBuiltinChatRequest({ messages: [{ role: "user", content: "hi" }] }).maxTokens).toBe(256);
    expect(toBuiltinChatRequest({ messages: [{ role: "user", content: "hi" }], response_format: { type: "json_object" } }).json).toEqual({ schema: null });
  });

  it("refuses what the tiny model cannot do with a 400 naming the parameter", () => {
    const user = [{ role: "user", content: "hi" }];
    const cases: [Record<string, unknown>, string, RegExp][] = [
      [{ messages: user, tools: [{ type: "function" }] }, "tools", /does not support tools/],
      [{ messages: user, n: 2 }, "n", /one choice/],
      [{ messages: [{ role: "user", content: [{ type: "image_url", image_url: { url: "x" } }] }] }, "messages[0].content", /text only/],
      [{ messages: [{ role: "tool", content: "42", tool_call_id: "c" }] }, "messages[0].role", /`tool` messages/],
      [{ messages: user, response_format: { type: "grammar" } }, "response_format", /Unknown response_format/],
    ];
    for (const [body, param, message] of cases) {
      const error = refusal(body);
      expect(error).toBeInstanceOf(GatewayError);
      expect(error.status).toBe(400);
      expect(error.param).toBe(param);
      expect(error.message).toMatch(message);
    }
    // tools with tool_choice "none" ask for plain text, which the model can give.
    expect(toBuiltinChatRequest({ messages: user, tools: [{ type: "function" }], tool_choice: "none" }).messages).toHaveLength(1);
  });
});
