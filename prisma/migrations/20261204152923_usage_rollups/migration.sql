-- CreateEnum
CREATE TYPE "RollupGrain" AS ENUM ('MINUTE', 'HOUR', 'DAY');

-- CreateTable
CREATE TABLE "UsageRollup" (
    "tenantId" TEXT NOT NULL,
    "endpointId" TEXT NOT NULL,
    "versionId" TEXT NOT NULL,
    "apiKeyId" TEXT NOT NULL,
    "grain" "RollupGrain" NOT NULL,
    "bucket" TIMESTAMPTZ(3) NOT NULL,
    "requests" INTEGER NOT NULL,
    "errors" INTEGER NOT NULL,
    "errorCodes" JSONB NOT NULL,
    "inputTokens" BIGINT NOT NULL,
    "outputTokens" BIGINT NOT NULL,
    "costUsd" DECIMAL(20,8) NOT NULL,
    "latency" BIGINT[],
    "ttft" BIGINT[],

    CONSTRAINT "UsageRollup_pkey" PRIMARY KEY ("tenantId","endpointId","versionId","apiKeyId","grain","bucket")
);

-- CreateTable
CREATE TABLE "RollupCursor" (
    "tenantId" TEXT NOT NULL,
    "lastInsertedAt" TIMESTAMPTZ(6) NOT NULL,
    "lastId" TEXT NOT NULL,
    "records" BIGINT NOT NULL DEFAULT 0,
    "updatedAt" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "RollupCursor_pkey" PRIMARY KEY ("tenantId")
);

-- CreateIndex
CREATE INDEX "UsageRollup_grain_bucket_idx" ON "UsageRollup"("grain", "bucket");

-- AddForeignKey
ALTER TABLE "UsageRollup" ADD CONSTRAINT "UsageRollup_tenantId_fkey" FOREIGN KEY ("tenantId") REFERENCES "Tenant"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "RollupCursor" ADD CONSTRAINT "RollupCursor_tenantId_fkey" FOREIGN KEY ("tenantId") REFERENCES "Tenant"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- Rollup arithmetic (lib/monitoring/rollup.ts). Histograms are arrays of counts that add bucket by
-- bucket; the shorter one counts as zeros past its end. Error codes are JSON objects of counts.
CREATE FUNCTION keel_hist_add(a BIGINT[], b BIGINT[]) RETURNS BIGINT[] LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$
  SELECT CASE WHEN a IS NULL THEN b WHEN b IS NULL THEN a ELSE (
    SELECT coalesce(array_agg(coalesce(a[i], 0) + coalesce(b[i], 0) ORDER BY i), '{}')
    FROM generate_series(1, greatest(cardinality(a), cardinality(b))) AS i
  ) END
$$;

CREATE AGGREGATE keel_hist_sum(BIGINT[]) (SFUNC = keel_hist_add, STYPE = BIGINT[], PARALLEL = SAFE);

CREATE FUNCTION keel_counts_add(a JSONB, b JSONB) RETURNS JSONB LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$
  SELECT CASE WHEN a IS NULL THEN b WHEN b IS NULL THEN a ELSE (
    SELECT coalesce(jsonb_object_agg(k, coalesce((a->>k)::bigint, 0) + coalesce((b->>k)::bigint, 0)), '{}'::jsonb)
    FROM (SELECT jsonb_object_keys(a) UNION SELECT jsonb_object_keys(b)) AS keys(k)
  ) END
$$;

CREATE AGGREGATE keel_counts_sum(JSONB) (SFUNC = keel_counts_add, STYPE = JSONB, PARALLEL = SAFE);
