-- AlterTable
ALTER TABLE "Tenant" ADD COLUMN     "contentRetentionDays" INTEGER;

-- CreateTable
CREATE TABLE "RequestContent" (
    "id" TEXT NOT NULL,
    "tenantId" TEXT NOT NULL,
    "input" TEXT NOT NULL,
    "output" TEXT,
    "redactions" INTEGER NOT NULL,
    "createdAt" TIMESTAMPTZ(3) NOT NULL,
    "expiresAt" TIMESTAMPTZ(3) NOT NULL,

    CONSTRAINT "RequestContent_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE INDEX "RequestContent_tenantId_expiresAt_idx" ON "RequestContent"("tenantId", "expiresAt");

-- CreateIndex
CREATE INDEX "RequestContent_expiresAt_idx" ON "RequestContent"("expiresAt");

-- AddForeignKey
ALTER TABLE "RequestContent" ADD CONSTRAINT "RequestContent_tenantId_fkey" FOREIGN KEY ("tenantId") REFERENCES "Tenant"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- A retention outside 1..3650 days is refused by the settings action; the database refuses it too.
ALTER TABLE "Tenant" ADD CONSTRAINT "Tenant_contentRetentionDays_check" CHECK ("contentRetentionDays" BETWEEN 1 AND 3650);
