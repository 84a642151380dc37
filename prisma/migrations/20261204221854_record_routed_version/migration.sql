-- AlterTable
ALTER TABLE "RequestRecord" ADD COLUMN     "routedVersionId" TEXT;

-- A rollout's evidence reads the requests routed to a version whichever version answered them
-- (Prisma's schema cannot describe a partial index; these rows are rare: a fallback answered).
CREATE INDEX "RequestRecord_routed_idx" ON "RequestRecord"("tenantId", "routedVersionId", "createdAt") WHERE "routedVersionId" IS NOT NULL;
