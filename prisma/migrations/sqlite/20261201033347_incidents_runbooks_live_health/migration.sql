-- AlterTable
ALTER TABLE "ContainerInstance" ADD COLUMN "probeHealthy" BOOLEAN;
ALTER TABLE "ContainerInstance" ADD COLUMN "probeHostPort" INTEGER;
ALTER TABLE "ContainerInstance" ADD COLUMN "probeReason" TEXT;
ALTER TABLE "ContainerInstance" ADD COLUMN "probedAt" DATETIME;

-- CreateTable
CREATE TABLE "Signal" (
    "id" TEXT NOT NULL PRIMARY KEY,
    "teamId" TEXT NOT NULL,
    "kind" TEXT NOT NULL,
    "fingerprint" TEXT NOT NULL,
    "appId" TEXT,
    "hostId" TEXT,
    "severity" TEXT,
    "state" TEXT NOT NULL DEFAULT 'firing',
    "summary" TEXT NOT NULL,
    "details" TEXT NOT NULL DEFAULT '{}',
    "receivedAt" DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "outcome" TEXT NOT NULL,
    "incidentId" TEXT,
    CONSTRAINT "Signal_teamId_fkey" FOREIGN KEY ("teamId") REFERENCES "Team" ("id") ON DELETE CASCADE ON UPDATE CASCADE,
    CONSTRAINT "Signal_incidentId_fkey" FOREIGN KEY ("incidentId") REFERENCES "Incident" ("id") ON DELETE SET NULL ON UPDATE CASCADE
);

-- CreateTable
CREATE TABLE "IncidentRules" (
    "teamId" TEXT NOT NULL PRIMARY KEY,
    "rules" TEXT NOT NULL,
    "updatedAt" DATETIME NOT NULL,
    "updatedById" TEXT,
    CONSTRAINT "IncidentRules_teamId_fkey" FOREIGN KEY ("teamId") REFERENCES "Team" ("id") ON DELETE CASCADE ON UPDATE CASCADE
);

-- CreateTable
CREATE TABLE "Incident" (
    "id" TEXT NOT NULL PRIMARY KEY,
    "teamId" TEXT NOT NULL,
    "number" INTEGER NOT NULL,
    "title" TEXT NOT NULL,
    "severity" TEXT NOT NULL,
    "status" TEXT NOT NULL,
    "appId" TEXT,
    "hostId" TEXT,
    "leadId" TEXT,
    "openedById" TEXT,
    "openedByEmail" TEXT,
    "fingerprint" TEXT,
    "openedAt" DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "resolvedAt" DATETIME,
    "updatedAt" DATETIME NOT NULL,
    "postmortem" TEXT NOT NULL DEFAULT '{}',
    CONSTRAINT "Incident_teamId_fkey" FOREIGN KEY ("teamId") REFERENCES "Team" ("id") ON DELETE CASCADE ON UPDATE CASCADE
);

-- CreateTable
CREATE TABLE "IncidentEvent" (
    "id" INTEGER NOT NULL PRIMARY KEY AUTOINCREMENT,
    "incidentId" TEXT NOT NULL,
    "at" DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "kind" TEXT NOT NULL,
    "actorId" TEXT,
    "actorEmail" TEXT,
    "data" TEXT NOT NULL DEFAULT '{}',
    CONSTRAINT "IncidentEvent_incidentId_fkey" FOREIGN KEY ("incidentId") REFERENCES "Incident" ("id") ON DELETE CASCADE ON UPDATE CASCADE
);

-- CreateTable
CREATE TABLE "Runbook" (
    "id" TEXT NOT NULL PRIMARY KEY,
    "teamId" TEXT NOT NULL,
    "slug" TEXT NOT NULL,
    "version" INTEGER NOT NULL,
    "source" TEXT NOT NULL,
    "title" TEXT NOT NULL,
    "hasCommand" BOOLEAN NOT NULL DEFAULT false,
    "createdById" TEXT,
    "createdByEmail" TEXT,
    "createdAt" DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP,
    CONSTRAINT "Runbook_teamId_fkey" FOREIGN KEY ("teamId") REFERENCES "Team" ("id") ON DELETE CASCADE ON UPDATE CASCADE
);

-- CreateTable
CREATE TABLE "RunbookRun" (
    "id" TEXT NOT NULL PRIMARY KEY,
    "incidentId" TEXT NOT NULL,
    "slug" TEXT NOT NULL,
    "version" INTEGER NOT NULL,
    "origin" TEXT NOT NULL,
    "title" TEXT NOT NULL,
    "definition" TEXT NOT NULL,
    "attachedBy" TEXT NOT NULL,
    "attachedById" TEXT,
    "attachedByEmail" TEXT,
    "createdAt" DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP,
    CONSTRAINT "RunbookRun_incidentId_fkey" FOREIGN KEY ("incidentId") REFERENCES "Incident" ("id") ON DELETE CASCADE ON UPDATE CASCADE
);

-- CreateTable
CREATE TABLE "RunbookStepRun" (
    "id" INTEGER NOT NULL PRIMARY KEY AUTOINCREMENT,
    "runId" TEXT NOT NULL,
    "stepId" TEXT NOT NULL,
    "outcome" TEXT NOT NULL,
    "finding" TEXT,
    "output" TEXT,
    "hostId" TEXT,
    "actorId" TEXT,
    "actorEmail" TEXT,
    "automatic" BOOLEAN NOT NULL DEFAULT false,
    "startedAt" DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "finishedAt" DATETIME,
    CONSTRAINT "RunbookStepRun_runId_fkey" FOREIGN KEY ("runId") REFERENCES "RunbookRun" ("id") ON DELETE CASCADE ON UPDATE CASCADE
);

-- AlterTable: columns added in place (a table rebuild would cascade-delete App's children)
ALTER TABLE "App" ADD COLUMN "probePort" INTEGER;
ALTER TABLE "App" ADD COLUMN "livenessPath" TEXT;
ALTER TABLE "App" ADD COLUMN "healthIntervalSeconds" INTEGER NOT NULL DEFAULT 10;
ALTER TABLE "App" ADD COLUMN "healthProbeTimeoutSeconds" INTEGER NOT NULL DEFAULT 2;
ALTER TABLE "App" ADD COLUMN "healthFailureThreshold" INTEGER NOT NULL DEFAULT 3;
ALTER TABLE "App" ADD COLUMN "healthSuccessThreshold" INTEGER NOT NULL DEFAULT 2;
ALTER TABLE "App" ADD COLUMN "metricsPath" TEXT;
ALTER TABLE "App" ADD COLUMN "metricsPort" INTEGER;

-- CreateIndex
CREATE INDEX "Signal_teamId_receivedAt_idx" ON "Signal"("teamId", "receivedAt");

-- CreateIndex
CREATE INDEX "Signal_incidentId_idx" ON "Signal"("incidentId");

-- CreateIndex
CREATE INDEX "Incident_teamId_status_idx" ON "Incident"("teamId", "status");

-- CreateIndex
CREATE INDEX "Incident_teamId_fingerprint_idx" ON "Incident"("teamId", "fingerprint");

-- CreateIndex
CREATE INDEX "Incident_appId_status_idx" ON "Incident"("appId", "status");

-- CreateIndex
CREATE UNIQUE INDEX "Incident_teamId_number_key" ON "Incident"("teamId", "number");

-- CreateIndex
CREATE INDEX "IncidentEvent_incidentId_id_idx" ON "IncidentEvent"("incidentId", "id");

-- CreateIndex
CREATE INDEX "Runbook_teamId_slug_idx" ON "Runbook"("teamId", "slug");

-- CreateIndex
CREATE UNIQUE INDEX "Runbook_teamId_slug_version_key" ON "Runbook"("teamId", "slug", "version");

-- CreateIndex
CREATE INDEX "RunbookRun_incidentId_idx" ON "RunbookRun"("incidentId");

-- CreateIndex
CREATE UNIQUE INDEX "RunbookRun_incidentId_slug_key" ON "RunbookRun"("incidentId", "slug");

-- CreateIndex
CREATE INDEX "RunbookStepRun_runId_stepId_id_idx" ON "RunbookStepRun"("runId", "stepId", "id");
