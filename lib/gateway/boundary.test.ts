import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { packagesReachedFrom } from "@/lib/testing/import-graph";

/** What the gateway must never load: it runs without Next, and may run in a process of its own. */
const FORBIDDEN = ["next", "next-auth", "react", "react-dom", "server-only"];

const forbiddenIn = (dir: string) => packagesReachedFrom(dir).filter((u) => FORBIDDEN.includes(u.pkg));

describe("the gateway's import boundary", () => {
  it("reaches no Next, NextAuth, React or server-only, directly or through what it imports", () => {
    const found = forbiddenIn(path.join(__dirname));
    expect(found.map((u) => `${u.pkg} via ${u.chain.join(" -> ")}`)).toEqual([]);
  });

  it("catches a forbidden import two files away, naming the chain", () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "keel-boundary-"));
    try {
      fs.mkdirSync(path.join(dir, "gateway"));
      fs.mkdirSync(path.join(dir, "shared"));
      fs.writeFileSync(path.join(dir, "gateway", "step.ts"), `import { helper } from "../shared/helper";\nexport const x = helper;\n`);
      fs.writeFileSync(path.join(dir, "gateway", "step.test.ts"), `import "react";\n`);
      fs.writeFileSync(path.join(dir, "shared", "helper.ts"), `import type { NextRequest } from "next/server";\nexport const helper = 1;\n`);
      const found = forbiddenIn(path.join(dir, "gateway"));
      expect(found).toEqual([{ pkg: "next", chain: [expect.stringMatching(/step\.ts$/), expect.stringMatching(/helper\.ts$/)] }]);
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
});
