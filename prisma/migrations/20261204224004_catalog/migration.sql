-- AlterTable
ALTER TABLE "ModelVersion" ADD COLUMN     "artifactDigest" TEXT,
ADD COLUMN     "baseModel" TEXT,
ADD COLUMN     "datasetHash" TEXT,
ADD COLUMN     "datasetName" TEXT,
ADD COLUMN     "datasetUri" TEXT,
ADD COLUMN     "fineTuneJobId" TEXT,
ADD COLUMN     "hyperparameters" JSONB,
ADD COLUMN     "modelCard" JSONB,
ADD COLUMN     "ownerId" TEXT,
ADD COLUMN     "releasedAt" TIMESTAMPTZ(3),
ADD COLUMN     "retiredAt" TIMESTAMPTZ(3);

-- Versions serving today (active, or a fallback) were released before Keel kept the time.
UPDATE "ModelVersion" v SET "releasedAt" = v."createdAt"
WHERE EXISTS (SELECT 1 FROM "Endpoint" e WHERE e."activeVersionId" = v."id" OR v."id" = ANY (e."fallbackVersionIds"))
   OR EXISTS (SELECT 1 FROM "Rollout" r WHERE r."candidateVersionId" = v."id");
