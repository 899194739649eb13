-- CreateTable
CREATE TABLE "ApiKey" (
    "id" TEXT NOT NULL PRIMARY KEY,
    "userId" TEXT NOT NULL,
    "name" TEXT NOT NULL,
    "prefix" TEXT NOT NULL,
    "keyHash" TEXT NOT NULL,
    "createdAt" DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "lastUsedAt" DATETIME,
    "revokedAt" DATETIME,
    CONSTRAINT "ApiKey_userId_fkey" FOREIGN KEY ("userId") REFERENCES "User" ("id") ON DELETE CASCADE ON UPDATE CASCADE
);

-- CreateTable
CREATE TABLE "App" (
    "id" TEXT NOT NULL PRIMARY KEY,
    "teamId" TEXT NOT NULL,
    "name" TEXT NOT NULL,
    "environment" TEXT NOT NULL,
    "image" TEXT NOT NULL,
    "port" INTEGER NOT NULL,
    "healthPath" TEXT NOT NULL,
    "healthTimeoutSeconds" INTEGER NOT NULL,
    "replicas" INTEGER NOT NULL,
    "network" TEXT NOT NULL,
    "restartPolicy" TEXT NOT NULL,
    "domains" TEXT NOT NULL DEFAULT '[]',
    "hostIds" TEXT NOT NULL DEFAULT '[]',
    "env" TEXT NOT NULL DEFAULT '{}',
    "secrets" TEXT NOT NULL DEFAULT '{}',
    "maintenance" BOOLEAN NOT NULL DEFAULT false,
    "createdAt" DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updatedAt" DATETIME NOT NULL,
    CONSTRAINT "App_teamId_fkey" FOREIGN KEY ("teamId") REFERENCES "Team" ("id") ON DELETE CASCADE ON UPDATE CASCADE
);

-- CreateTable
CREATE TABLE "Release" (
    "id" TEXT NOT NULL PRIMARY KEY,
    "appId" TEXT NOT NULL,
    "number" INTEGER NOT NULL,
    "imageRef" TEXT NOT NULL,
    "imageDigest" TEXT NOT NULL,
    "config" TEXT NOT NULL,
    "reason" TEXT,
    "createdById" TEXT,
    "createdByEmail" TEXT,
    "createdAt" DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP,
    CONSTRAINT "Release_appId_fkey" FOREIGN KEY ("appId") REFERENCES "App" ("id") ON DELETE CASCADE ON UPDATE CASCADE
);

-- CreateTable
CREATE TABLE "Deployment" (
    "id" TEXT NOT NULL PRIMARY KEY,
    "appId" TEXT NOT NULL,
    "releaseId" TEXT,
    "kind" TEXT NOT NULL,
    "status" TEXT NOT NULL,
    "imageRef" TEXT NOT NULL,
    "replicas" INTEGER NOT NULL,
    "reason" TEXT,
    "failureReason" TEXT,
    "requestedById" TEXT,
    "requestedByEmail" TEXT,
    "createdAt" DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "finishedAt" DATETIME,
    CONSTRAINT "Deployment_appId_fkey" FOREIGN KEY ("appId") REFERENCES "App" ("id") ON DELETE CASCADE ON UPDATE CASCADE,
    CONSTRAINT "Deployment_releaseId_fkey" FOREIGN KEY ("releaseId") REFERENCES "Release" ("id") ON DELETE SET NULL ON UPDATE CASCADE
);

-- CreateTable
CREATE TABLE "DeploymentTransition" (
    "id" INTEGER NOT NULL PRIMARY KEY AUTOINCREMENT,
    "deploymentId" TEXT NOT NULL,
    "status" TEXT NOT NULL,
    "at" DATETIME NOT NULL,
    CONSTRAINT "DeploymentTransition_deploymentId_fkey" FOREIGN KEY ("deploymentId") REFERENCES "Deployment" ("id") ON DELETE CASCADE ON UPDATE CASCADE
);

-- CreateTable
CREATE TABLE "DeploymentLogLine" (
    "id" INTEGER NOT NULL PRIMARY KEY AUTOINCREMENT,
    "deploymentId" TEXT NOT NULL,
    "at" DATETIME NOT NULL,
    "text" TEXT NOT NULL,
    CONSTRAINT "DeploymentLogLine_deploymentId_fkey" FOREIGN KEY ("deploymentId") REFERENCES "Deployment" ("id") ON DELETE CASCADE ON UPDATE CASCADE
);

-- CreateTable
CREATE TABLE "ContainerInstance" (
    "id" TEXT NOT NULL PRIMARY KEY,
    "appId" TEXT NOT NULL,
    "deploymentId" TEXT NOT NULL,
    "releaseId" TEXT NOT NULL,
    "hostId" TEXT NOT NULL,
    "containerId" TEXT,
    "containerName" TEXT,
    "hostPort" INTEGER,
    "status" TEXT NOT NULL,
    "failureReason" TEXT,
    "createdAt" DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updatedAt" DATETIME NOT NULL,
    CONSTRAINT "ContainerInstance_appId_fkey" FOREIGN KEY ("appId") REFERENCES "App" ("id") ON DELETE CASCADE ON UPDATE CASCADE,
    CONSTRAINT "ContainerInstance_deploymentId_fkey" FOREIGN KEY ("deploymentId") REFERENCES "Deployment" ("id") ON DELETE CASCADE ON UPDATE CASCADE
);

-- CreateIndex
CREATE UNIQUE INDEX "ApiKey_keyHash_key" ON "ApiKey"("keyHash");

-- CreateIndex
CREATE INDEX "ApiKey_userId_idx" ON "ApiKey"("userId");

-- CreateIndex
CREATE UNIQUE INDEX "App_teamId_name_key" ON "App"("teamId", "name");

-- CreateIndex
CREATE UNIQUE INDEX "Release_appId_number_key" ON "Release"("appId", "number");

-- CreateIndex
CREATE INDEX "Deployment_appId_createdAt_idx" ON "Deployment"("appId", "createdAt");

-- CreateIndex
CREATE INDEX "Deployment_status_idx" ON "Deployment"("status");

-- CreateIndex
CREATE INDEX "DeploymentTransition_deploymentId_idx" ON "DeploymentTransition"("deploymentId");

-- CreateIndex
CREATE INDEX "DeploymentLogLine_deploymentId_id_idx" ON "DeploymentLogLine"("deploymentId", "id");

-- CreateIndex
CREATE INDEX "ContainerInstance_hostId_status_idx" ON "ContainerInstance"("hostId", "status");

-- CreateIndex
CREATE INDEX "ContainerInstance_appId_idx" ON "ContainerInstance"("appId");

-- CreateIndex
CREATE INDEX "ContainerInstance_deploymentId_idx" ON "ContainerInstance"("deploymentId");

-- Hand-written: a release is immutable. Rows may be deleted with their app, never changed.
CREATE TRIGGER "Release_no_update" BEFORE UPDATE ON "Release"
BEGIN
  SELECT RAISE(ABORT, 'Release is immutable');
END;
