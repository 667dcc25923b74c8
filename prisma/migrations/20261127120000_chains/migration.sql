-- CreateEnum
CREATE TYPE "ChainStatus" AS ENUM ('queued', 'running', 'succeeded', 'failed', 'partial', 'cancelled', 'budget_exceeded');

-- CreateEnum
CREATE TYPE "TaskStatus" AS ENUM ('waiting', 'queued', 'running', 'generated', 'succeeded', 'failed', 'skipped', 'cancelled');

-- CreateTable
CREATE TABLE "Chain" (
    "id" TEXT NOT NULL,
    "request" TEXT NOT NULL,
    "workspace" TEXT NOT NULL,
    "model" TEXT NOT NULL,
    "status" "ChainStatus" NOT NULL DEFAULT 'queued',
    "concurrency" INTEGER NOT NULL,
    "budgetUsd" DECIMAL(12,6),
    "graph" JSONB NOT NULL,
    "inputTokens" INTEGER NOT NULL DEFAULT 0,
    "outputTokens" INTEGER NOT NULL DEFAULT 0,
    "cacheReadTokens" INTEGER NOT NULL DEFAULT 0,
    "cacheWriteTokens" INTEGER NOT NULL DEFAULT 0,
    "costUsd" DECIMAL(12,6) NOT NULL DEFAULT 0,
    "error" TEXT,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updatedAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "finishedAt" TIMESTAMP(3),

    CONSTRAINT "Chain_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "ChainTask" (
    "chainId" TEXT NOT NULL,
    "taskId" TEXT NOT NULL,
    "position" INTEGER NOT NULL,
    "title" TEXT NOT NULL,
    "description" TEXT NOT NULL,
    "category" TEXT NOT NULL,
    "template" TEXT,
    "dependsOn" TEXT[] DEFAULT ARRAY[]::TEXT[],
    "status" "TaskStatus" NOT NULL DEFAULT 'waiting',
    "attempts" INTEGER NOT NULL DEFAULT 0,
    "startedAt" TIMESTAMP(3),
    "finishedAt" TIMESTAMP(3),
    "inputTokens" INTEGER NOT NULL DEFAULT 0,
    "outputTokens" INTEGER NOT NULL DEFAULT 0,
    "cacheReadTokens" INTEGER NOT NULL DEFAULT 0,
    "cacheWriteTokens" INTEGER NOT NULL DEFAULT 0,
    "costUsd" DECIMAL(12,6) NOT NULL DEFAULT 0,
    "summary" TEXT,
    "output" JSONB,
    "context" JSONB,
    "fileOutcomes" JSONB,
    "error" TEXT,

    CONSTRAINT "ChainTask_pkey" PRIMARY KEY ("chainId","taskId")
);

-- CreateTable
CREATE TABLE "ChainFile" (
    "chainId" TEXT NOT NULL,
    "path" TEXT NOT NULL,
    "sha256" TEXT NOT NULL,
    "taskId" TEXT NOT NULL,
    "writtenAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "ChainFile_pkey" PRIMARY KEY ("chainId","path")
);

-- CreateIndex
CREATE INDEX "Chain_createdAt_idx" ON "Chain"("createdAt");

-- AddForeignKey
ALTER TABLE "ChainTask" ADD CONSTRAINT "ChainTask_chainId_fkey" FOREIGN KEY ("chainId") REFERENCES "Chain"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "ChainFile" ADD CONSTRAINT "ChainFile_chainId_fkey" FOREIGN KEY ("chainId") REFERENCES "Chain"("id") ON DELETE CASCADE ON UPDATE CASCADE;
