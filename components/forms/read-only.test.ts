import { describe, expect, it } from "vitest";
import { cannotChangeNote, mayChange, rolesThatCan } from "./read-only";

describe("rolesThatCan", () => {
  it("names the roles from the permission table, in its order", () => {
    expect(rolesThatCan("settings.manage")).toBe("Owners and admins");
    expect(rolesThatCan("keys.manage")).toBe("Owners, admins and developers");
    expect(rolesThatCan("rollouts.approve")).toBe("Approvers (compliance)");
    expect(rolesThatCan("audit.read", "or")).toBe("Owners, admins, approvers (compliance) or auditors");
  });
});

describe("what a screen offers", () => {
  const viewer = { role: "VIEWER", readOnly: false, status: "ACTIVE" } as const;
  const owner = { role: "OWNER", readOnly: false, status: "ACTIVE" } as const;

  it("offers a change only to a role that holds it, in an active tenant, outside a read-only visit", () => {
    expect(mayChange(owner, "settings.manage")).toBe(true);
    expect(mayChange(viewer, "settings.manage")).toBe(false);
    expect(mayChange({ ...owner, status: "SUSPENDED" }, "settings.manage")).toBe(false);
    expect(mayChange({ ...owner, readOnly: true }, "settings.manage")).toBe(false);
  });

  it("says who can, or why nobody can now", () => {
    expect(cannotChangeNote(viewer, "settings.manage")).toBe("Owners and admins can change this.");
    expect(cannotChangeNote(viewer, "keys.manage", "create and revoke keys")).toBe("Owners, admins and developers can create and revoke keys.");
    expect(cannotChangeNote({ ...owner, readOnly: true }, "settings.manage")).toMatch(/read-only visit/);
    expect(cannotChangeNote({ ...owner, status: "SUSPENDED" }, "settings.manage")).toMatch(/suspended/);
  });
});
