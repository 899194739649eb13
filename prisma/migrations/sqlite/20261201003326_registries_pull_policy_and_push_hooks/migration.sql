-- CreateTable
CREATE TABLE "RegistryLogin" (
    "id" TEXT NOT NULL PRIMARY KEY,
    "teamId" TEXT NOT NULL,
    "host" TEXT NOT NULL,
    "username" TEXT NOT NULL,
    "passwordSealed" TEXT NOT NULL,
    "createdById" TEXT,
    "createdByEmail" TEXT,
    "createdAt" DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updatedAt" DATETIME NOT NULL,
    CONSTRAINT "RegistryLogin_teamId_fkey" FOREIGN KEY ("teamId") REFERENCES "Team" ("id") ON DELETE CASCADE ON UPDATE CASCADE
);

-- CreateTable
CREATE TABLE "HookToken" (
    "id" TEXT NOT NULL PRIMARY KEY,
    "teamId" TEXT NOT NULL,
    "kind" TEXT NOT NULL,
    "prefix" TEXT NOT NULL,
    "tokenHash" TEXT NOT NULL,
    "createdById" TEXT,
    "createdAt" DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP,
    CONSTRAINT "HookToken_teamId_fkey" FOREIGN KEY ("teamId") REFERENCES "Team" ("id") ON DELETE CASCADE ON UPDATE CASCADE
);

-- CreateTable
CREATE TABLE "RegistryPush" (
    "id" TEXT NOT NULL PRIMARY KEY,
    "teamId" TEXT NOT NULL,
    "eventId" TEXT NOT NULL,
    "repository" TEXT NOT NULL,
    "tag" TEXT NOT NULL,
    "digest" TEXT NOT NULL,
    "receivedAt" DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "deployments" INTEGER NOT NULL DEFAULT 0,
    "handledAt" DATETIME,
    CONSTRAINT "RegistryPush_teamId_fkey" FOREIGN KEY ("teamId") REFERENCES "Team" ("id") ON DELETE CASCADE ON UPDATE CASCADE
);

-- AlterTable (by hand: Prisma's diff rebuilds "App", and dropping it would cascade to every
-- release, deployment and domain row when the migrator runs inside a transaction, where SQLite
-- ignores PRAGMA foreign_keys=OFF. Adding the columns in place needs no rebuild.)
ALTER TABLE "App" ADD COLUMN "pullPolicy" TEXT NOT NULL DEFAULT 'always';
ALTER TABLE "App" ADD COLUMN "autoDeploy" BOOLEAN NOT NULL DEFAULT false;

-- CreateIndex
CREATE UNIQUE INDEX "RegistryLogin_teamId_host_key" ON "RegistryLogin"("teamId", "host");

-- CreateIndex
CREATE UNIQUE INDEX "HookToken_tokenHash_key" ON "HookToken"("tokenHash");

-- CreateIndex
CREATE UNIQUE INDEX "HookToken_teamId_kind_key" ON "HookToken"("teamId", "kind");

-- CreateIndex
CREATE INDEX "RegistryPush_teamId_repository_tag_receivedAt_idx" ON "RegistryPush"("teamId", "repository", "tag", "receivedAt");

-- CreateIndex
CREATE UNIQUE INDEX "RegistryPush_teamId_eventId_key" ON "RegistryPush"("teamId", "eventId");
