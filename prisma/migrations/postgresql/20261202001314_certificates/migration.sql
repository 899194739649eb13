-- AlterTable
ALTER TABLE "App" ADD COLUMN     "hsts" BOOLEAN NOT NULL DEFAULT false,
ADD COLUMN     "httpsRedirect" BOOLEAN NOT NULL DEFAULT false;

-- CreateTable
CREATE TABLE "AcmeSettings" (
    "id" INTEGER NOT NULL DEFAULT 1,
    "directoryUrl" TEXT NOT NULL,
    "caBundlePem" TEXT,
    "email" TEXT,
    "updatedAt" TIMESTAMP(3) NOT NULL,

    CONSTRAINT "AcmeSettings_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "AcmeAccount" (
    "id" TEXT NOT NULL,
    "directoryUrl" TEXT NOT NULL,
    "email" TEXT,
    "accountUrl" TEXT,
    "accountKey" TEXT NOT NULL,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "AcmeAccount_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "Certificate" (
    "id" TEXT NOT NULL,
    "teamId" TEXT NOT NULL,
    "appId" TEXT NOT NULL,
    "domain" TEXT NOT NULL,
    "source" TEXT NOT NULL,
    "status" TEXT NOT NULL,
    "fullChainPem" TEXT,
    "keyPem" TEXT,
    "notBefore" TIMESTAMP(3),
    "notAfter" TIMESTAMP(3),
    "issuer" TEXT,
    "serial" TEXT,
    "renewAt" TIMESTAMP(3),
    "errorType" TEXT,
    "errorDetail" TEXT,
    "failures" INTEGER NOT NULL DEFAULT 0,
    "nextAttemptAt" TIMESTAMP(3),
    "lockedUntil" TIMESTAMP(3),
    "expiryWarnedFor" TIMESTAMP(3),
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updatedAt" TIMESTAMP(3) NOT NULL,

    CONSTRAINT "Certificate_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "CertificateEvent" (
    "id" SERIAL NOT NULL,
    "certificateId" TEXT NOT NULL,
    "at" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "kind" TEXT NOT NULL,
    "details" TEXT NOT NULL DEFAULT '{}',

    CONSTRAINT "CertificateEvent_pkey" PRIMARY KEY ("id")
);

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

-- AddForeignKey
ALTER TABLE "Certificate" ADD CONSTRAINT "Certificate_teamId_fkey" FOREIGN KEY ("teamId") REFERENCES "Team"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "Certificate" ADD CONSTRAINT "Certificate_appId_fkey" FOREIGN KEY ("appId") REFERENCES "App"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "CertificateEvent" ADD CONSTRAINT "CertificateEvent_certificateId_fkey" FOREIGN KEY ("certificateId") REFERENCES "Certificate"("id") ON DELETE CASCADE ON UPDATE CASCADE;
