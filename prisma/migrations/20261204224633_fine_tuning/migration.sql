-- CreateEnum
CREATE TYPE "FineTuneStatus" AS ENUM ('QUEUED', 'RUNNING', 'SUCCEEDED', 'FAILED', 'CANCELLED');

-- CreateTable
CREATE TABLE "FineTuneJob" (
    "id" TEXT NOT NULL,
    "tenantId" TEXT NOT NULL,
    "providerId" TEXT NOT NULL,
    "endpointId" TEXT NOT NULL,
    "baseModel" TEXT NOT NULL,
    "suffix" TEXT,
    "trainingName" TEXT NOT NULL,
    "trainingHash" TEXT NOT NULL,
    "trainingExamples" INTEGER NOT NULL,
    "trainingData" TEXT NOT NULL,
    "hyperparameters" JSONB,
    "providerFileId" TEXT,
    "providerJobId" TEXT,
    "providerStatus" TEXT,
    "status" "FineTuneStatus" NOT NULL DEFAULT 'QUEUED',
    "cancelRequested" BOOLEAN NOT NULL DEFAULT false,
    "fineTunedModel" TEXT,
    "versionId" TEXT,
    "error" TEXT,
    "createdById" TEXT NOT NULL,
    "createdAt" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updatedAt" TIMESTAMPTZ(3) NOT NULL,
    "finishedAt" TIMESTAMPTZ(3),

    CONSTRAINT "FineTuneJob_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE INDEX "FineTuneJob_tenantId_createdAt_idx" ON "FineTuneJob"("tenantId", "createdAt");

-- CreateIndex
CREATE INDEX "FineTuneJob_status_idx" ON "FineTuneJob"("status");

-- AddForeignKey
ALTER TABLE "FineTuneJob" ADD CONSTRAINT "FineTuneJob_tenantId_fkey" FOREIGN KEY ("tenantId") REFERENCES "Tenant"("id") ON DELETE RESTRICT ON UPDATE CASCADE;
