-- AlterTable
ALTER TABLE "RequestRecord" ADD COLUMN     "endUser" TEXT;

-- CreateTable
CREATE TABLE "EndUserRollup" (
    "tenantId" TEXT NOT NULL,
    "endUser" TEXT NOT NULL,
    "day" TIMESTAMPTZ(3) NOT NULL,
    "requests" INTEGER NOT NULL,
    "errors" INTEGER NOT NULL,
    "inputTokens" BIGINT NOT NULL,
    "outputTokens" BIGINT NOT NULL,
    "costUsd" DECIMAL(20,8) NOT NULL,

    CONSTRAINT "EndUserRollup_pkey" PRIMARY KEY ("tenantId","day","endUser")
);

-- AddForeignKey
ALTER TABLE "EndUserRollup" ADD CONSTRAINT "EndUserRollup_tenantId_fkey" FOREIGN KEY ("tenantId") REFERENCES "Tenant"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- The audit explorer's "requests of this end user", in its order (Prisma's schema cannot describe a
-- partial index; records without an end user pay nothing for it).
CREATE INDEX "RequestRecord_end_user_idx" ON "RequestRecord"("tenantId", "endUser", "createdAt", "id") WHERE "endUser" IS NOT NULL;
