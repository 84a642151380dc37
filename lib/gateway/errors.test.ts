import http from "node:http";
import type { AddressInfo } from "node:net";
import { afterAll, describe, expect, it } from "vitest";
import { answering, sendJson } from "./errors";

let respond: (res: http.ServerResponse) => void = () => {};
const server = http.createServer((_req, res) => respond(res));
const listening = new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

/** The raw header lines of one response, as a caller's proxy would read them. */
async function rawHeaders(write: (res: http.ServerResponse) => void): Promise<string[]> {
  await listening;
  respond = write;
  const res = await fetch(`http://127.0.0.1:${(server.address() as AddressInfo).port}/`);
  await res.text();
  const lines: string[] = [];
  res.headers.forEach((value, name) => lines.push(`${name}: ${value}`));
  return lines;
}

describe("sendJson", () => {
  it("sends each header once: the request id and its own fields stand over what the headers given repeat", async () => {
    const lines = await rawHeaders((res) => {
      answering(res, "req-1");
      sendJson(res, 200, '{"ok":true}', { "x-request-id": "forged", "Content-Length": "2", "content-type": "text/html", "retry-after": "3" });
    });
    expect(lines.filter((l) => /^(x-request-id|content-length|content-type|retry-after):/.test(l)).sort()).toEqual([
      "content-length: 11", "content-type: application/json", "retry-after: 3", "x-request-id: req-1",
    ]);
  });

  it("keeps the request id when a header was set before (a connection to close)", async () => {
    const lines = await rawHeaders((res) => {
      answering(res, "req-2");
      res.setHeader("connection", "close");
      sendJson(res, 401, "{}", { "x-request-id": "forged" });
    });
    expect(lines).toEqual(expect.arrayContaining(["x-request-id: req-2", "connection: close", "content-length: 2"]));
    expect(lines.filter((l) => l.startsWith("x-request-id:"))).toHaveLength(1);
  });
});
