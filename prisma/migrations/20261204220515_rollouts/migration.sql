-- CreateEnum
CREATE TYPE "RolloutStatus" AS ENUM ('RUNNING', 'COMPLETED', 'ROLLED_BACK', 'REJECTED', 'CANCELLED');

-- CreateEnum
CREATE TYPE "RolloutStickiness" AS ENUM ('KEY', 'USER');

-- CreateEnum
CREATE TYPE "RolloutVerdict" AS ENUM ('APPROVED', 'REJECTED');

-- AlterEnum
ALTER TYPE "AlertKind" ADD VALUE 'ROLLBACK';

-- AlterTable
ALTER TABLE "Tenant" ADD COLUMN     "rolloutApprovals" INTEGER NOT NULL DEFAULT 1;

-- CreateTable
CREATE TABLE "Rollout" (
    "id" TEXT NOT NULL,
    "tenantId" TEXT NOT NULL,
    "endpointId" TEXT NOT NULL,
    "baselineVersionId" TEXT NOT NULL,
    "candidateVersionId" TEXT NOT NULL,
    "stepsBp" INTEGER[],
    "stepIndex" INTEGER NOT NULL DEFAULT 0,
    "stepStartedAt" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "stickiness" "RolloutStickiness" NOT NULL,
    "burnInMinutes" INTEGER NOT NULL,
    "guards" JSONB NOT NULL,
    "status" "RolloutStatus" NOT NULL DEFAULT 'RUNNING',
    "requestedById" TEXT NOT NULL,
    "endReason" TEXT,
    "endedAt" TIMESTAMPTZ(3),
    "createdAt" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "Rollout_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "RolloutDecision" (
    "id" TEXT NOT NULL,
    "tenantId" TEXT NOT NULL,
    "rolloutId" TEXT NOT NULL,
    "toStep" INTEGER NOT NULL,
    "verdict" "RolloutVerdict" NOT NULL,
    "comment" TEXT NOT NULL,
    "deciderId" TEXT NOT NULL,
    "evidence" JSONB NOT NULL,
    "createdAt" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "RolloutDecision_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE INDEX "Rollout_tenantId_createdAt_idx" ON "Rollout"("tenantId", "createdAt");

-- CreateIndex
CREATE INDEX "Rollout_tenantId_endpointId_createdAt_idx" ON "Rollout"("tenantId", "endpointId", "createdAt");

-- CreateIndex
CREATE INDEX "Rollout_status_idx" ON "Rollout"("status");

-- CreateIndex
CREATE INDEX "RolloutDecision_tenantId_rolloutId_idx" ON "RolloutDecision"("tenantId", "rolloutId");

-- CreateIndex
CREATE UNIQUE INDEX "RolloutDecision_rolloutId_toStep_deciderId_verdict_key" ON "RolloutDecision"("rolloutId", "toStep", "deciderId", "verdict");

-- AddForeignKey
ALTER TABLE "Rollout" ADD CONSTRAINT "Rollout_tenantId_fkey" FOREIGN KEY ("tenantId") REFERENCES "Tenant"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "Rollout" ADD CONSTRAINT "Rollout_endpointId_fkey" FOREIGN KEY ("endpointId") REFERENCES "Endpoint"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "RolloutDecision" ADD CONSTRAINT "RolloutDecision_tenantId_fkey" FOREIGN KEY ("tenantId") REFERENCES "Tenant"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "RolloutDecision" ADD CONSTRAINT "RolloutDecision_rolloutId_fkey" FOREIGN KEY ("rolloutId") REFERENCES "Rollout"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- An endpoint has at most one running rollout (Prisma's schema cannot describe a partial index).
CREATE UNIQUE INDEX "Rollout_running_endpoint_key" ON "Rollout"("endpointId") WHERE "status" = 'RUNNING';
