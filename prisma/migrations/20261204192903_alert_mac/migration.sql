-- AlterTable
ALTER TABLE "Alert" ADD COLUMN     "mac" TEXT;
