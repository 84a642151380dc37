-- AlterTable
ALTER TABLE "RequestRecord" ADD COLUMN     "finishReason" TEXT;

-- AlterTable
ALTER TABLE "UsageRollup" ADD COLUMN     "finishReasons" JSONB NOT NULL DEFAULT '{}';

-- CreateTable
CREATE TABLE "InputSample" (
    "id" TEXT NOT NULL,
    "tenantId" TEXT NOT NULL,
    "versionId" TEXT NOT NULL,
    "createdAt" TIMESTAMPTZ(3) NOT NULL,
    "expiresAt" TIMESTAMPTZ(3) NOT NULL,
    "embedding" REAL[],

    CONSTRAINT "InputSample_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE INDEX "InputSample_tenantId_versionId_createdAt_idx" ON "InputSample"("tenantId", "versionId", "createdAt");

-- CreateIndex
CREATE INDEX "InputSample_expiresAt_idx" ON "InputSample"("expiresAt");

-- AddForeignKey
ALTER TABLE "InputSample" ADD CONSTRAINT "InputSample_tenantId_fkey" FOREIGN KEY ("tenantId") REFERENCES "Tenant"("id") ON DELETE RESTRICT ON UPDATE CASCADE;
