-- AlterTable
ALTER TABLE "Endpoint" ADD COLUMN     "fallbackVersionIds" TEXT[] DEFAULT ARRAY[]::TEXT[];
