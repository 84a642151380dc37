import { can } from "@/lib/auth/permissions";
import type { Prisma } from "@/lib/db/generated/client";
import type { ProviderKind, Role } from "@/lib/db/generated/enums";
import { ActionError } from "@/lib/tenancy/result";

/** What a new version costs; `priced: false` means no manager has set it yet, and it cannot serve. */
export type VersionPrices = { inputPricePerMTok: number; outputPricePerMTok: number; priced: boolean };

type GivenPrices = { inputPricePerMTok?: number; outputPricePerMTok?: number };
type PricedVersion = { providerId: string; providerModel: string; inputPricePerMTok: Prisma.Decimal; outputPricePerMTok: Prisma.Decimal; priced: boolean };

/** The fix every refusal about an unpriced version names. */
export const PRICES_NEEDED = "a manager (owner or admin) must set its prices";

/**
 * The prices a new version gets. Prices decide what counts against a tenant's budget, so only a
 * member with prices.manage sets them, both at once. Anyone else sets none, and the version then
 * costs what the endpoint's active version costs when it is the same provider model, nothing on
 * the built-in provider (local and free), and otherwise is unpriced: it cannot answer, be
 * activated or stand as a fallback until a manager prices it. A manager who leaves both empty
 * gets the same.
 */
export function pricesForNewVersion(
  role: Role,
  given: GivenPrices,
  provider: { id: string; kind: ProviderKind },
  providerModel: string,
  active: PricedVersion | null,
): VersionPrices {
  const fields = (["inputPricePerMTok", "outputPricePerMTok"] as const).filter((f) => given[f] !== undefined);
  if (fields.length > 0 && !can(role, "prices.manage")) {
    throw new ActionError(
      "Forbidden: only an owner or admin may set prices. Leave them empty: the version copies the active version's prices for the same model, or waits for a manager.",
      "forbidden",
      Object.fromEntries(fields.map((f) => [f, ["Only an owner or admin may set prices"]])),
    );
  }
  if (given.inputPricePerMTok !== undefined && given.outputPricePerMTok !== undefined) {
    return { inputPricePerMTok: given.inputPricePerMTok, outputPricePerMTok: given.outputPricePerMTok, priced: true };
  }
  if (fields.length === 1) {
    const missing = fields[0] === "inputPricePerMTok" ? "outputPricePerMTok" : "inputPricePerMTok";
    throw new ActionError("Enter both prices, or leave both empty.", "invalid", { [missing]: ["Enter this price too, or leave both empty"] });
  }
  if (provider.kind === "BUILTIN") return { inputPricePerMTok: 0, outputPricePerMTok: 0, priced: true };
  if (active?.priced && active.providerId === provider.id && active.providerModel === providerModel) {
    return { inputPricePerMTok: Number(active.inputPricePerMTok), outputPricePerMTok: Number(active.outputPricePerMTok), priced: true };
  }
  return { inputPricePerMTok: 0, outputPricePerMTok: 0, priced: false };
}

/** Refuses to let unpriced versions answer traffic, naming them and the fix. */
export function requirePriced(versions: { label: string; priced: boolean }[], role: "active" | "fallback", field?: string): void {
  const unpriced = versions.filter((v) => !v.priced).map((v) => v.label);
  if (unpriced.length === 0) return;
  const which = unpriced.join(", ");
  const verb = unpriced.length === 1 ? "has" : "have";
  const message = `${which} ${verb} no prices yet, so ${unpriced.length === 1 ? "it" : "they"} cannot be ${role === "active" ? "made active" : "a fallback"}: ${PRICES_NEEDED}.`;
  throw new ActionError(message, "invalid", field ? { [field]: [message] } : undefined);
}
