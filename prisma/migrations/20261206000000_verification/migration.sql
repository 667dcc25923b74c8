-- Verify and repair (issue 9): a task state for repair rounds a passing verify made
-- unnecessary, and each chain's verification outcome.

-- AlterEnum
ALTER TYPE "TaskStatus" ADD VALUE 'unneeded';

-- CreateEnum
CREATE TYPE "VerificationOutcome" AS ENUM ('verified', 'verify_failed', 'not_verified');

-- AlterTable
ALTER TABLE "Chain" ADD COLUMN     "verification" "VerificationOutcome",
ADD COLUMN     "verificationStep" TEXT,
ADD COLUMN     "verificationSummary" TEXT;
