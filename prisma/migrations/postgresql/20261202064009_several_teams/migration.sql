-- AlterTable
ALTER TABLE "Session" ADD COLUMN     "teamId" TEXT;

-- AlterTable
ALTER TABLE "ApiKey" ADD COLUMN     "teamId" TEXT;

-- AddForeignKey
ALTER TABLE "Session" ADD CONSTRAINT "Session_teamId_fkey" FOREIGN KEY ("teamId") REFERENCES "Team"("id") ON DELETE SET NULL ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "ApiKey" ADD CONSTRAINT "ApiKey_teamId_fkey" FOREIGN KEY ("teamId") REFERENCES "Team"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- Keys made before several teams act in the person's first team, as they did (hand-written).
UPDATE "ApiKey" SET "teamId" = (
  SELECT "m"."teamId" FROM "Membership" "m" WHERE "m"."userId" = "ApiKey"."userId" ORDER BY "m"."createdAt" ASC LIMIT 1
);
