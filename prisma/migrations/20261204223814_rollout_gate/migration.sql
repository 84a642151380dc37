-- AlterTable
ALTER TABLE "Tenant" ADD COLUMN     "rolloutGateMinScore" DOUBLE PRECISION;
