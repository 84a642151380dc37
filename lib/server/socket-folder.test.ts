import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { makeSocketFolder } from "./socket-folder";

const home = fs.mkdtempSync(path.join(os.tmpdir(), "keel-home-"));
afterAll(() => fs.rmSync(home, { recursive: true, force: true }));

describe("the console's socket folder", () => {
  it("is a folder under KEEL_HOME that only this user may open", () => {
    const folder = makeSocketFolder(home);
    expect(folder.socketPath.startsWith(path.join(home, "run", "console-"))).toBe(true);
    expect(fs.statSync(path.dirname(folder.socketPath)).mode & 0o777).toBe(0o700);
    expect(() => folder.check()).not.toThrow();
    folder.remove();
  });

  it("is refused once it is gone, opened up, or swapped for a link to another folder", () => {
    const folder = makeSocketFolder(home);
    const dir = path.dirname(folder.socketPath);
    fs.chmodSync(dir, 0o755);
    expect(() => folder.check()).toThrow(/was replaced/);
    fs.rmSync(dir, { recursive: true });
    expect(() => folder.check()).toThrow();
    const elsewhere = fs.mkdtempSync(path.join(os.tmpdir(), "keel-elsewhere-"));
    fs.symlinkSync(elsewhere, dir);
    expect(() => folder.check()).toThrow(/was replaced/);
    fs.rmSync(dir);
    fs.rmSync(elsewhere, { recursive: true });
  });

  it("moves to the temp folder when KEEL_HOME's path is too long for a socket", () => {
    const deep = path.join(home, "x".repeat(90));
    const folder = makeSocketFolder(deep);
    expect(folder.socketPath.startsWith(deep)).toBe(false);
    expect(Buffer.byteLength(folder.socketPath)).toBeLessThanOrEqual(100);
    folder.remove();
  });
});
