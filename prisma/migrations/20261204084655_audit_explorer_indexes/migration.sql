-- DropIndex
DROP INDEX "RequestRecord_tenantId_createdAt_idx";

-- CreateIndex
CREATE INDEX "AuditEvent_tenantId_actorId_createdAt_idx" ON "AuditEvent"("tenantId", "actorId", "createdAt");

-- CreateIndex
CREATE INDEX "AuditEvent_tenantId_requestId_idx" ON "AuditEvent"("tenantId", "requestId");

-- CreateIndex
CREATE INDEX "RequestRecord_tenantId_createdAt_id_idx" ON "RequestRecord"("tenantId", "createdAt", "id");

-- CreateIndex
CREATE INDEX "RequestRecord_tenantId_modelVersionId_createdAt_idx" ON "RequestRecord"("tenantId", "modelVersionId", "createdAt");

-- CreateIndex
CREATE INDEX "RequestRecord_tenantId_userId_createdAt_idx" ON "RequestRecord"("tenantId", "userId", "createdAt");

-- CreateIndex
CREATE INDEX "RequestRecord_tenantId_status_createdAt_idx" ON "RequestRecord"("tenantId", "status", "createdAt");

-- CreateIndex
CREATE INDEX "RequestRecord_tenantId_inputHash_idx" ON "RequestRecord"("tenantId", "inputHash");
