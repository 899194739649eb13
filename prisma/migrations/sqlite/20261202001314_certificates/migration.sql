-- CreateTable
CREATE TABLE "AcmeSettings" (
    "id" INTEGER NOT NULL PRIMARY KEY AUTOINCREMENT DEFAULT 1,
    "directoryUrl" TEXT NOT NULL,
    "caBundlePem" TEXT,
    "email" TEXT,
    "updatedAt" DATETIME NOT NULL
);

-- CreateTable
CREATE TABLE "AcmeAccount" (
    "id" TEXT NOT NULL PRIMARY KEY,
    "directoryUrl" TEXT NOT NULL,
    "email" TEXT,
    "accountUrl" TEXT,
    "accountKey" TEXT NOT NULL,
    "createdAt" DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP
);

-- CreateTable
CREATE TABLE "Certificate" (
    "id" TEXT NOT NULL PRIMARY KEY,
    "teamId" TEXT NOT NULL,
    "appId" TEXT NOT NULL,
    "domain" TEXT NOT NULL,
    "source" TEXT NOT NULL,
    "status" TEXT NOT NULL,
    "fullChainPem" TEXT,
    "keyPem" TEXT,
    "notBefore" DATETIME,
    "notAfter" DATETIME,
    "issuer" TEXT,
    "serial" TEXT,
    "renewAt" DATETIME,
    "errorType" TEXT,
    "errorDetail" TEXT,
    "failures" INTEGER NOT NULL DEFAULT 0,
    "nextAttemptAt" DATETIME,
    "lockedUntil" DATETIME,
    "expiryWarnedFor" DATETIME,
    "createdAt" DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updatedAt" DATETIME NOT NULL,
    CONSTRAINT "Certificate_teamId_fkey" FOREIGN KEY ("teamId") REFERENCES "Team" ("id") ON DELETE CASCADE ON UPDATE CASCADE,
    CONSTRAINT "Certificate_appId_fkey" FOREIGN KEY ("appId") REFERENCES "App" ("id") ON DELETE CASCADE ON UPDATE CASCADE
);

-- CreateTable
CREATE TABLE "CertificateEvent" (
    "id" INTEGER NOT NULL PRIMARY KEY AUTOINCREMENT,
    "certificateId" TEXT NOT NULL,
    "at" DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "kind" TEXT NOT NULL,
    "details" TEXT NOT NULL DEFAULT '{}',
    CONSTRAINT "CertificateEvent_certificateId_fkey" FOREIGN KEY ("certificateId") REFERENCES "Certificate" ("id") ON DELETE CASCADE ON UPDATE CASCADE
);

-- AlterTable
-- Written by hand instead of Prisma's table redefinition (new_App, copy, DROP TABLE "App"): the
-- migrations run inside a transaction, where PRAGMA foreign_keys=OFF has no effect, so dropping
-- App would cascade to its domains, hosts, releases and deployments. Added columns go last; the
-- order of columns means nothing to Prisma.
ALTER TABLE "App" ADD COLUMN "httpsRedirect" BOOLEAN NOT NULL DEFAULT false;
ALTER TABLE "App" ADD COLUMN "hsts" BOOLEAN NOT NULL DEFAULT false;

-- CreateIndex
CREATE UNIQUE INDEX "AcmeAccount_directoryUrl_key" ON "AcmeAccount"("directoryUrl");

-- CreateIndex
CREATE UNIQUE INDEX "Certificate_domain_key" ON "Certificate"("domain");

-- CreateIndex
CREATE INDEX "Certificate_teamId_idx" ON "Certificate"("teamId");

-- CreateIndex
CREATE INDEX "Certificate_appId_idx" ON "Certificate"("appId");

-- CreateIndex
CREATE INDEX "Certificate_status_nextAttemptAt_idx" ON "Certificate"("status", "nextAttemptAt");

-- CreateIndex
CREATE INDEX "CertificateEvent_certificateId_id_idx" ON "CertificateEvent"("certificateId", "id");
