-- AlterTable
ALTER TABLE "TemplateVersion" ADD COLUMN "source" TEXT NOT NULL DEFAULT 'user',
ADD COLUMN "builtinRevision" INTEGER;

-- AlterTable
ALTER TABLE "Chain" ADD COLUMN "templates" JSONB;

-- Ranking reads this small vector (name, tags, description) instead of the large one, whose
-- detoasting per matching row dominated search time; matching still uses "searchVector".
ALTER TABLE "PromptTemplate" ADD COLUMN "rankVector" tsvector GENERATED ALWAYS AS (
    setweight(to_tsvector('english'::regconfig, coalesce("name", '')), 'A') ||
    setweight(to_tsvector('english'::regconfig, coalesce(takoss_tags_text("tags"), '')), 'A') ||
    setweight(to_tsvector('english'::regconfig, coalesce("description", '')), 'B')
) STORED;

-- Templates are read far more than written: without the pending list, a search never scans
-- unmerged entries.
ALTER INDEX "PromptTemplate_searchVector_idx" SET (fastupdate = off);
