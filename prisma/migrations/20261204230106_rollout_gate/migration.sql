-- AlterTable
ALTER TABLE "Tenant" ADD COLUMN     "rolloutGateDatasetId" TEXT,
ADD COLUMN     "rolloutGateMinScore" DOUBLE PRECISION;
