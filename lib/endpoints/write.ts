import type { AuditInput } from "@/lib/audit/record";
import type { Tx } from "@/lib/db/client";
import { Prisma } from "@/lib/db/generated/client";
import type { EndpointKind } from "@/lib/db/generated/enums";
import { markReleased } from "@/lib/catalog/release";

/** A model version as it is created: provider, provider model, defaults and prices. */
export type VersionInput = {
  label: string;
  providerId: string;
  providerModel: string;
  params: Record<string, unknown>;
  inputPricePerMTok: number;
  outputPricePerMTok: number;
  /** False for a version no manager has priced yet; true when left out. */
  priced?: boolean;
};

/**
 * Writes an endpoint with its first version and its `endpoint.created` audit event, in the caller's
 * transaction. The version answers at once when it is priced; an unpriced one waits, with the
 * endpoint, for a manager to price it. Callers check the name and provider first: the
 * createEndpoint action and the seed's demo endpoints.
 */
export async function insertEndpoint(
  tx: Tx,
  tenantId: string,
  input: VersionInput & { name: string; kind: EndpointKind; description?: string },
  audit: (event: AuditInput) => Promise<unknown>,
) {
  const endpoint = await tx.endpoint.create({ data: { tenantId, name: input.name, kind: input.kind, description: input.description || null } });
  const version = await createVersion(tx, tenantId, endpoint.id, input);
  if (version.priced) {
    await tx.endpoint.update({ where: { id: endpoint.id, tenantId }, data: { activeVersionId: version.id } });
    await markReleased(tx, tenantId, [version.id]);
  }
  await audit({
    action: "endpoint.created",
    resourceType: "endpoint",
    resourceId: endpoint.id,
    after: {
      name: endpoint.name,
      kind: endpoint.kind,
      activeVersion: version.priced ? describeVersion(version) : null,
      ...(version.priced ? {} : { versionAwaitingPrices: describeVersion(version) }),
    },
  });
  return { endpoint, version };
}

export function createVersion(tx: Tx, tenantId: string, endpointId: string, v: VersionInput) {
  return tx.modelVersion.create({
    data: {
      tenantId,
      endpointId,
      label: v.label,
      providerId: v.providerId,
      providerModel: v.providerModel,
      params: v.params as Prisma.InputJsonObject,
      inputPricePerMTok: new Prisma.Decimal(v.inputPricePerMTok),
      outputPricePerMTok: new Prisma.Decimal(v.outputPricePerMTok),
      priced: v.priced ?? true,
    },
  });
}

/** A version as audit events show it. */
export function describeVersion(v: {
  id: string;
  label: string;
  providerId: string;
  providerModel: string;
  params: unknown;
  inputPricePerMTok: Prisma.Decimal;
  outputPricePerMTok: Prisma.Decimal;
  priced: boolean;
}) {
  return {
    id: v.id,
    label: v.label,
    providerId: v.providerId,
    providerModel: v.providerModel,
    params: v.params,
    inputPricePerMTok: v.inputPricePerMTok.toString(),
    outputPricePerMTok: v.outputPricePerMTok.toString(),
    priced: v.priced,
  };
}
