-- AlterTable
ALTER TABLE "Membership" ADD COLUMN     "containerShellGrant" BOOLEAN NOT NULL DEFAULT false;

-- CreateTable
CREATE TABLE "TerminalSession" (
    "id" TEXT NOT NULL,
    "teamId" TEXT NOT NULL,
    "userId" TEXT,
    "userEmail" TEXT NOT NULL,
    "kind" TEXT NOT NULL,
    "hostId" TEXT NOT NULL,
    "hostName" TEXT NOT NULL,
    "containerId" TEXT,
    "containerName" TEXT,
    "command" TEXT NOT NULL DEFAULT '[]',
    "startedAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "endedAt" TIMESTAMP(3),
    "exitCode" INTEGER,
    "endReason" TEXT,
    "bytesOut" BIGINT NOT NULL DEFAULT 0,
    "bytesIn" BIGINT NOT NULL DEFAULT 0,
    "recordingPath" TEXT,
    "recordingBytes" INTEGER NOT NULL DEFAULT 0,
    "recordingTruncated" BOOLEAN NOT NULL DEFAULT false,

    CONSTRAINT "TerminalSession_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE INDEX "TerminalSession_teamId_startedAt_idx" ON "TerminalSession"("teamId", "startedAt");

-- CreateIndex
CREATE INDEX "TerminalSession_hostId_startedAt_idx" ON "TerminalSession"("hostId", "startedAt");
