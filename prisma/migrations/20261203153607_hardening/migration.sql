-- AlterTable
ALTER TABLE "Invitation" ADD COLUMN     "setsPassword" BOOLEAN NOT NULL DEFAULT false;

-- AlterTable
ALTER TABLE "ModelVersion" ADD COLUMN     "priced" BOOLEAN NOT NULL DEFAULT true;

-- AlterTable
ALTER TABLE "RequestRecord" ADD COLUMN     "insertedAt" TIMESTAMPTZ(6) NOT NULL DEFAULT CURRENT_TIMESTAMP,
ADD COLUMN     "mac" TEXT;

-- AlterTable
ALTER TABLE "User" ADD COLUMN     "oidcSubject" TEXT;

-- CreateTable
CREATE TABLE "SignInThrottle" (
    "key" TEXT NOT NULL,
    "failures" INTEGER NOT NULL DEFAULT 0,
    "nextAllowedAt" TIMESTAMPTZ(3) NOT NULL,
    "updatedAt" TIMESTAMPTZ(3) NOT NULL,

    CONSTRAINT "SignInThrottle_pkey" PRIMARY KEY ("key")
);

-- CreateTable
CREATE TABLE "AuditHead" (
    "id" TEXT NOT NULL,
    "tenantId" TEXT NOT NULL,
    "seq" INTEGER NOT NULL,
    "hash" TEXT NOT NULL,
    "keyId" TEXT NOT NULL,
    "signature" TEXT NOT NULL,
    "signedAt" TIMESTAMPTZ(3) NOT NULL,

    CONSTRAINT "AuditHead_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "RequestSeal" (
    "id" TEXT NOT NULL,
    "tenantId" TEXT NOT NULL,
    "seq" INTEGER NOT NULL,
    "auditSeq" INTEGER NOT NULL,
    "firstInsertedAt" TIMESTAMPTZ(6) NOT NULL,
    "firstId" TEXT NOT NULL,
    "lastInsertedAt" TIMESTAMPTZ(6) NOT NULL,
    "lastId" TEXT NOT NULL,
    "count" INTEGER NOT NULL,
    "root" TEXT NOT NULL,
    "recordIds" TEXT[],
    "createdAt" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "RequestSeal_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE UNIQUE INDEX "AuditHead_tenantId_seq_key" ON "AuditHead"("tenantId", "seq");

-- CreateIndex
CREATE UNIQUE INDEX "RequestSeal_tenantId_seq_key" ON "RequestSeal"("tenantId", "seq");

-- CreateIndex
CREATE INDEX "RequestRecord_tenantId_insertedAt_id_idx" ON "RequestRecord"("tenantId", "insertedAt", "id");

-- CreateIndex
CREATE UNIQUE INDEX "User_oidcSubject_key" ON "User"("oidcSubject");

-- AddForeignKey
ALTER TABLE "AuditHead" ADD CONSTRAINT "AuditHead_tenantId_fkey" FOREIGN KEY ("tenantId") REFERENCES "Tenant"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "RequestSeal" ADD CONSTRAINT "RequestSeal_tenantId_fkey" FOREIGN KEY ("tenantId") REFERENCES "Tenant"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- Request records, signed audit heads and request seals are append-only for the application, like
-- the audit trail: someone holding only the database password must leave traces (signatures and
-- seals) to change them, and verify finds those.
CREATE FUNCTION keel_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  RAISE EXCEPTION '% is append-only: % is not allowed', TG_TABLE_NAME, TG_OP USING ERRCODE = 'insufficient_privilege';
END;
$$;
CREATE TRIGGER "RequestRecord_append_only" BEFORE UPDATE OR DELETE ON "RequestRecord"
  FOR EACH ROW EXECUTE FUNCTION keel_append_only();
CREATE TRIGGER "RequestRecord_no_truncate" BEFORE TRUNCATE ON "RequestRecord"
  FOR EACH STATEMENT EXECUTE FUNCTION keel_append_only();
CREATE TRIGGER "AuditHead_append_only" BEFORE UPDATE OR DELETE ON "AuditHead"
  FOR EACH ROW EXECUTE FUNCTION keel_append_only();
CREATE TRIGGER "AuditHead_no_truncate" BEFORE TRUNCATE ON "AuditHead"
  FOR EACH STATEMENT EXECUTE FUNCTION keel_append_only();
CREATE TRIGGER "RequestSeal_append_only" BEFORE UPDATE OR DELETE ON "RequestSeal"
  FOR EACH ROW EXECUTE FUNCTION keel_append_only();
CREATE TRIGGER "RequestSeal_no_truncate" BEFORE TRUNCATE ON "RequestSeal"
  FOR EACH STATEMENT EXECUTE FUNCTION keel_append_only();
