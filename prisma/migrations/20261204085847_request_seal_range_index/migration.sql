-- CreateIndex
CREATE INDEX "RequestSeal_tenantId_lastInsertedAt_lastId_idx" ON "RequestSeal"("tenantId", "lastInsertedAt", "lastId");
