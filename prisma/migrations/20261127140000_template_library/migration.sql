-- AlterTable
ALTER TABLE "TemplateVersion" ADD COLUMN "source" TEXT NOT NULL DEFAULT 'user',
ADD COLUMN "builtinRevision" INTEGER;

-- AlterTable
ALTER TABLE "Chain" ADD COLUMN "templates" JSONB;
