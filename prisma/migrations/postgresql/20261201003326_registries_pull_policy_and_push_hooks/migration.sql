-- AlterTable
ALTER TABLE "App" ADD COLUMN     "autoDeploy" BOOLEAN NOT NULL DEFAULT false,
ADD COLUMN     "pullPolicy" TEXT NOT NULL DEFAULT 'always';

-- CreateTable
CREATE TABLE "RegistryLogin" (
    "id" TEXT NOT NULL,
    "teamId" TEXT NOT NULL,
    "host" TEXT NOT NULL,
    "username" TEXT NOT NULL,
    "passwordSealed" TEXT NOT NULL,
    "createdById" TEXT,
    "createdByEmail" TEXT,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updatedAt" TIMESTAMP(3) NOT NULL,

    CONSTRAINT "RegistryLogin_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "HookToken" (
    "id" TEXT NOT NULL,
    "teamId" TEXT NOT NULL,
    "kind" TEXT NOT NULL,
    "prefix" TEXT NOT NULL,
    "tokenHash" TEXT NOT NULL,
    "createdById" TEXT,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "HookToken_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "RegistryPush" (
    "id" TEXT NOT NULL,
    "teamId" TEXT NOT NULL,
    "eventId" TEXT NOT NULL,
    "repository" TEXT NOT NULL,
    "tag" TEXT NOT NULL,
    "digest" TEXT NOT NULL,
    "receivedAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "deployments" INTEGER NOT NULL DEFAULT 0,
    "handledAt" TIMESTAMP(3),

    CONSTRAINT "RegistryPush_pkey" PRIMARY KEY ("id")
);

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

-- AddForeignKey
ALTER TABLE "RegistryLogin" ADD CONSTRAINT "RegistryLogin_teamId_fkey" FOREIGN KEY ("teamId") REFERENCES "Team"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "HookToken" ADD CONSTRAINT "HookToken_teamId_fkey" FOREIGN KEY ("teamId") REFERENCES "Team"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "RegistryPush" ADD CONSTRAINT "RegistryPush_teamId_fkey" FOREIGN KEY ("teamId") REFERENCES "Team"("id") ON DELETE CASCADE ON UPDATE CASCADE;
