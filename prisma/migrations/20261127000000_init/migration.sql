-- CreateEnum
CREATE TYPE "TemplateCategory" AS ENUM ('frontend', 'backend', 'database', 'testing', 'devops', 'docs', 'general', 'decomposer', 'verify');

-- CreateEnum
CREATE TYPE "ExecutionStatus" AS ENUM ('succeeded', 'failed', 'cancelled');

-- array_to_string is only STABLE; a generated column needs IMMUTABLE, which it is for text[].
CREATE FUNCTION "takoss_tags_text"(tags TEXT[]) RETURNS TEXT
    LANGUAGE sql IMMUTABLE PARALLEL SAFE
    AS $$ SELECT array_to_string(tags, ' ') $$;

-- CreateTable
CREATE TABLE "PromptTemplate" (
    "id" UUID NOT NULL DEFAULT gen_random_uuid(),
    "name" TEXT NOT NULL,
    "description" TEXT NOT NULL,
    "category" "TemplateCategory" NOT NULL,
    "modelType" TEXT NOT NULL DEFAULT 'claude',
    "tags" TEXT[] DEFAULT ARRAY[]::TEXT[],
    "isActive" BOOLEAN NOT NULL DEFAULT true,
    "usageCount" INTEGER NOT NULL DEFAULT 0,
    "lastUsedAt" TIMESTAMP(3),
    "productionText" TEXT NOT NULL DEFAULT '',
    "searchVector" tsvector GENERATED ALWAYS AS (
        setweight(to_tsvector('english'::regconfig, coalesce("name", '')), 'A') ||
        setweight(to_tsvector('english'::regconfig, coalesce(takoss_tags_text("tags"), '')), 'A') ||
        setweight(to_tsvector('english'::regconfig, coalesce("description", '')), 'B') ||
        setweight(to_tsvector('english'::regconfig, coalesce("productionText", '')), 'C')
    ) STORED,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updatedAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "PromptTemplate_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "TemplateVersion" (
    "id" UUID NOT NULL DEFAULT gen_random_uuid(),
    "templateId" UUID NOT NULL,
    "version" INTEGER NOT NULL,
    "text" TEXT NOT NULL,
    "systemPrompt" TEXT,
    "variables" JSONB NOT NULL DEFAULT '[]',
    "modelParams" JSONB NOT NULL DEFAULT '{}',
    "changeNote" TEXT,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "TemplateVersion_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "TemplateLabel" (
    "templateId" UUID NOT NULL,
    "label" TEXT NOT NULL,
    "versionId" UUID NOT NULL,
    "updatedAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "TemplateLabel_pkey" PRIMARY KEY ("templateId","label")
);

-- CreateTable
CREATE TABLE "TemplateExample" (
    "id" UUID NOT NULL DEFAULT gen_random_uuid(),
    "templateId" UUID NOT NULL,
    "versionId" UUID,
    "name" TEXT NOT NULL,
    "variables" JSONB NOT NULL DEFAULT '{}',
    "expectedOutput" TEXT NOT NULL,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "TemplateExample_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "TemplateCollection" (
    "id" UUID NOT NULL DEFAULT gen_random_uuid(),
    "name" TEXT NOT NULL,
    "description" TEXT NOT NULL DEFAULT '',
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updatedAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "TemplateCollection_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "TemplateCollectionMember" (
    "collectionId" UUID NOT NULL,
    "templateId" UUID NOT NULL,
    "position" INTEGER NOT NULL DEFAULT 0,
    "addedAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "TemplateCollectionMember_pkey" PRIMARY KEY ("collectionId","templateId")
);

-- CreateTable
CREATE TABLE "TemplateExecution" (
    "id" UUID NOT NULL DEFAULT gen_random_uuid(),
    "templateVersionId" UUID NOT NULL,
    "chainId" TEXT NOT NULL,
    "taskId" TEXT NOT NULL,
    "model" TEXT NOT NULL,
    "status" "ExecutionStatus" NOT NULL,
    "attempts" INTEGER NOT NULL DEFAULT 1,
    "executionTimeMs" INTEGER NOT NULL,
    "promptTokens" INTEGER NOT NULL DEFAULT 0,
    "completionTokens" INTEGER NOT NULL DEFAULT 0,
    "cacheReadTokens" INTEGER NOT NULL DEFAULT 0,
    "cacheWriteTokens" INTEGER NOT NULL DEFAULT 0,
    "costUsd" DECIMAL(12,6) NOT NULL DEFAULT 0,
    "error" TEXT,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "TemplateExecution_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE UNIQUE INDEX "PromptTemplate_name_key" ON "PromptTemplate"("name");

-- CreateIndex
CREATE INDEX "PromptTemplate_category_idx" ON "PromptTemplate"("category");

-- CreateIndex
CREATE INDEX "PromptTemplate_searchVector_idx" ON "PromptTemplate" USING GIN ("searchVector");

-- CreateIndex
CREATE UNIQUE INDEX "TemplateVersion_templateId_version_key" ON "TemplateVersion"("templateId", "version");

-- CreateIndex
CREATE INDEX "TemplateLabel_versionId_idx" ON "TemplateLabel"("versionId");

-- CreateIndex
CREATE INDEX "TemplateExample_templateId_idx" ON "TemplateExample"("templateId");

-- CreateIndex
CREATE UNIQUE INDEX "TemplateCollection_name_key" ON "TemplateCollection"("name");

-- CreateIndex
CREATE INDEX "TemplateCollectionMember_templateId_idx" ON "TemplateCollectionMember"("templateId");

-- CreateIndex
CREATE INDEX "TemplateExecution_templateVersionId_createdAt_idx" ON "TemplateExecution"("templateVersionId", "createdAt");

-- CreateIndex
CREATE INDEX "TemplateExecution_chainId_idx" ON "TemplateExecution"("chainId");

-- CreateIndex
CREATE UNIQUE INDEX "TemplateExecution_chainId_taskId_templateVersionId_key" ON "TemplateExecution"("chainId", "taskId", "templateVersionId");

-- AddForeignKey
ALTER TABLE "TemplateVersion" ADD CONSTRAINT "TemplateVersion_templateId_fkey" FOREIGN KEY ("templateId") REFERENCES "PromptTemplate"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "TemplateLabel" ADD CONSTRAINT "TemplateLabel_templateId_fkey" FOREIGN KEY ("templateId") REFERENCES "PromptTemplate"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "TemplateLabel" ADD CONSTRAINT "TemplateLabel_versionId_fkey" FOREIGN KEY ("versionId") REFERENCES "TemplateVersion"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "TemplateExample" ADD CONSTRAINT "TemplateExample_templateId_fkey" FOREIGN KEY ("templateId") REFERENCES "PromptTemplate"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "TemplateExample" ADD CONSTRAINT "TemplateExample_versionId_fkey" FOREIGN KEY ("versionId") REFERENCES "TemplateVersion"("id") ON DELETE SET NULL ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "TemplateCollectionMember" ADD CONSTRAINT "TemplateCollectionMember_collectionId_fkey" FOREIGN KEY ("collectionId") REFERENCES "TemplateCollection"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "TemplateCollectionMember" ADD CONSTRAINT "TemplateCollectionMember_templateId_fkey" FOREIGN KEY ("templateId") REFERENCES "PromptTemplate"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "TemplateExecution" ADD CONSTRAINT "TemplateExecution_templateVersionId_fkey" FOREIGN KEY ("templateVersionId") REFERENCES "TemplateVersion"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- Template versions are immutable: history is never rewritten, only labels move.
CREATE FUNCTION "takoss_refuse_version_update"() RETURNS trigger
    LANGUAGE plpgsql
    AS $$
BEGIN
    RAISE EXCEPTION 'TemplateVersion rows are immutable; create a new version instead';
END
$$;

CREATE TRIGGER "TemplateVersion_immutable"
    BEFORE UPDATE ON "TemplateVersion"
    FOR EACH ROW EXECUTE FUNCTION "takoss_refuse_version_update"();
