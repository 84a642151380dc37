-- CreateTable
CREATE TABLE "Prompt" (
    "id" TEXT NOT NULL,
    "tenantId" TEXT NOT NULL,
    "name" TEXT NOT NULL,
    "description" TEXT,
    "latestVersion" INTEGER NOT NULL,
    "fetchCount" INTEGER NOT NULL DEFAULT 0,
    "createdAt" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updatedAt" TIMESTAMPTZ(3) NOT NULL,

    CONSTRAINT "Prompt_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "PromptVersion" (
    "id" TEXT NOT NULL,
    "tenantId" TEXT NOT NULL,
    "promptId" TEXT NOT NULL,
    "version" INTEGER NOT NULL,
    "content" JSONB NOT NULL,
    "endpointName" TEXT,
    "note" TEXT NOT NULL DEFAULT '',
    "createdById" TEXT,
    "restoredFrom" INTEGER,
    "createdAt" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "PromptVersion_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE INDEX "Prompt_tenantId_updatedAt_idx" ON "Prompt"("tenantId", "updatedAt");

-- CreateIndex
CREATE INDEX "Prompt_tenantId_fetchCount_idx" ON "Prompt"("tenantId", "fetchCount");

-- CreateIndex
CREATE UNIQUE INDEX "Prompt_tenantId_name_key" ON "Prompt"("tenantId", "name");

-- CreateIndex
CREATE UNIQUE INDEX "Prompt_tenantId_id_key" ON "Prompt"("tenantId", "id");

-- CreateIndex
CREATE UNIQUE INDEX "PromptVersion_tenantId_promptId_version_key" ON "PromptVersion"("tenantId", "promptId", "version");

-- AddForeignKey
ALTER TABLE "Prompt" ADD CONSTRAINT "Prompt_tenantId_fkey" FOREIGN KEY ("tenantId") REFERENCES "Tenant"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "PromptVersion" ADD CONSTRAINT "PromptVersion_tenantId_promptId_fkey" FOREIGN KEY ("tenantId", "promptId") REFERENCES "Prompt"("tenantId", "id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- A prompt version never changes: an edit, or a restore, is a new version. Deleting a prompt
-- deletes its versions, so DELETE stays allowed; UPDATE is refused whoever asks.
CREATE FUNCTION keel_prompt_version_immutable() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  RAISE EXCEPTION 'PromptVersion rows are immutable: save a new version instead' USING ERRCODE = 'insufficient_privilege';
END;
$$;
CREATE TRIGGER "PromptVersion_immutable" BEFORE UPDATE ON "PromptVersion"
  FOR EACH ROW EXECUTE FUNCTION keel_prompt_version_immutable();
