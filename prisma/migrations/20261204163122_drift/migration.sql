-- AlterTable
ALTER TABLE "ModelVersion" ADD COLUMN     "driftReferenceFrom" TIMESTAMPTZ(3),
ADD COLUMN     "driftReferenceTo" TIMESTAMPTZ(3);

-- AlterTable
ALTER TABLE "UsageRollup" ADD COLUMN     "outputs" BIGINT[];
