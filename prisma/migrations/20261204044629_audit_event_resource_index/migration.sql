-- CreateIndex
CREATE INDEX "AuditEvent_tenantId_resourceType_resourceId_seq_idx" ON "AuditEvent"("tenantId", "resourceType", "resourceId", "seq");
