-- CreateEnum
CREATE TYPE "ProviderKind" AS ENUM ('OPENAI_COMPATIBLE', 'BUILTIN');

-- CreateEnum
CREATE TYPE "EndpointKind" AS ENUM ('CHAT', 'EMBEDDINGS');

-- AlterTable
ALTER TABLE "Tenant" ADD COLUMN     "monthlyBudgetUsd" DECIMAL(12,2);

-- CreateTable
CREATE TABLE "Provider" (
    "id" TEXT NOT NULL,
    "tenantId" TEXT NOT NULL,
    "name" TEXT NOT NULL,
    "kind" "ProviderKind" NOT NULL,
    "baseUrl" TEXT,
    "apiKeySealed" TEXT,
    "createdAt" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updatedAt" TIMESTAMPTZ(3) NOT NULL,

    CONSTRAINT "Provider_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "Endpoint" (
    "id" TEXT NOT NULL,
    "tenantId" TEXT NOT NULL,
    "name" TEXT NOT NULL,
    "kind" "EndpointKind" NOT NULL,
    "description" TEXT,
    "disabledAt" TIMESTAMPTZ(3),
    "activeVersionId" TEXT,
    "createdAt" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updatedAt" TIMESTAMPTZ(3) NOT NULL,

    CONSTRAINT "Endpoint_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "ModelVersion" (
    "id" TEXT NOT NULL,
    "tenantId" TEXT NOT NULL,
    "endpointId" TEXT NOT NULL,
    "label" TEXT NOT NULL,
    "providerId" TEXT NOT NULL,
    "providerModel" TEXT NOT NULL,
    "params" JSONB NOT NULL DEFAULT '{}',
    "inputPricePerMTok" DECIMAL(12,6) NOT NULL DEFAULT 0,
    "outputPricePerMTok" DECIMAL(12,6) NOT NULL DEFAULT 0,
    "createdAt" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "ModelVersion_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "ApiKey" (
    "id" TEXT NOT NULL,
    "tenantId" TEXT NOT NULL,
    "name" TEXT NOT NULL,
    "prefix" TEXT NOT NULL,
    "secretHash" TEXT NOT NULL,
    "allowedEndpoints" TEXT[] DEFAULT ARRAY[]::TEXT[],
    "requestsPerMinute" INTEGER,
    "tokensPerMinute" INTEGER,
    "expiresAt" TIMESTAMPTZ(3),
    "revokedAt" TIMESTAMPTZ(3),
    "lastUsedAt" TIMESTAMPTZ(3),
    "createdById" TEXT,
    "createdAt" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "ApiKey_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "RequestRecord" (
    "id" TEXT NOT NULL,
    "tenantId" TEXT NOT NULL,
    "apiKeyId" TEXT,
    "userId" TEXT,
    "endpointId" TEXT,
    "endpointName" TEXT,
    "modelVersionId" TEXT,
    "route" TEXT NOT NULL,
    "stream" BOOLEAN NOT NULL DEFAULT false,
    "inputHash" TEXT,
    "inputTokens" INTEGER NOT NULL DEFAULT 0,
    "outputTokens" INTEGER NOT NULL DEFAULT 0,
    "tokensEstimated" BOOLEAN NOT NULL DEFAULT false,
    "costUsd" DECIMAL(14,8) NOT NULL DEFAULT 0,
    "latencyMs" INTEGER NOT NULL,
    "ttftMs" INTEGER,
    "status" INTEGER NOT NULL,
    "errorCode" TEXT,
    "attempts" INTEGER NOT NULL DEFAULT 1,
    "createdAt" TIMESTAMPTZ(3) NOT NULL,

    CONSTRAINT "RequestRecord_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE UNIQUE INDEX "Provider_tenantId_name_key" ON "Provider"("tenantId", "name");

-- CreateIndex
CREATE UNIQUE INDEX "Endpoint_activeVersionId_key" ON "Endpoint"("activeVersionId");

-- CreateIndex
CREATE UNIQUE INDEX "Endpoint_tenantId_name_key" ON "Endpoint"("tenantId", "name");

-- CreateIndex
CREATE INDEX "ModelVersion_tenantId_providerId_idx" ON "ModelVersion"("tenantId", "providerId");

-- CreateIndex
CREATE UNIQUE INDEX "ModelVersion_tenantId_endpointId_label_key" ON "ModelVersion"("tenantId", "endpointId", "label");

-- CreateIndex
CREATE UNIQUE INDEX "ApiKey_secretHash_key" ON "ApiKey"("secretHash");

-- CreateIndex
CREATE INDEX "ApiKey_tenantId_createdAt_idx" ON "ApiKey"("tenantId", "createdAt");

-- CreateIndex
CREATE INDEX "RequestRecord_tenantId_createdAt_idx" ON "RequestRecord"("tenantId", "createdAt");

-- CreateIndex
CREATE INDEX "RequestRecord_tenantId_endpointId_createdAt_idx" ON "RequestRecord"("tenantId", "endpointId", "createdAt");

-- CreateIndex
CREATE INDEX "RequestRecord_tenantId_apiKeyId_createdAt_idx" ON "RequestRecord"("tenantId", "apiKeyId", "createdAt");

-- AddForeignKey
ALTER TABLE "Provider" ADD CONSTRAINT "Provider_tenantId_fkey" FOREIGN KEY ("tenantId") REFERENCES "Tenant"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "Endpoint" ADD CONSTRAINT "Endpoint_tenantId_fkey" FOREIGN KEY ("tenantId") REFERENCES "Tenant"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "Endpoint" ADD CONSTRAINT "Endpoint_activeVersionId_fkey" FOREIGN KEY ("activeVersionId") REFERENCES "ModelVersion"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "ModelVersion" ADD CONSTRAINT "ModelVersion_endpointId_fkey" FOREIGN KEY ("endpointId") REFERENCES "Endpoint"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "ModelVersion" ADD CONSTRAINT "ModelVersion_providerId_fkey" FOREIGN KEY ("providerId") REFERENCES "Provider"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "ApiKey" ADD CONSTRAINT "ApiKey_tenantId_fkey" FOREIGN KEY ("tenantId") REFERENCES "Tenant"("id") ON DELETE RESTRICT ON UPDATE CASCADE;
