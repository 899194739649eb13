-- AlterTable
ALTER TABLE "App" ADD COLUMN     "healthFailureThreshold" INTEGER NOT NULL DEFAULT 3,
ADD COLUMN     "healthIntervalSeconds" INTEGER NOT NULL DEFAULT 10,
ADD COLUMN     "healthProbeTimeoutSeconds" INTEGER NOT NULL DEFAULT 2,
ADD COLUMN     "healthSuccessThreshold" INTEGER NOT NULL DEFAULT 2,
ADD COLUMN     "livenessPath" TEXT,
ADD COLUMN     "metricsPath" TEXT,
ADD COLUMN     "metricsPort" INTEGER,
ADD COLUMN     "probePort" INTEGER;

-- AlterTable
ALTER TABLE "ContainerInstance" ADD COLUMN     "probeHealthy" BOOLEAN,
ADD COLUMN     "probeHostPort" INTEGER,
ADD COLUMN     "probeReason" TEXT,
ADD COLUMN     "probedAt" TIMESTAMP(3);

-- CreateTable
CREATE TABLE "Signal" (
    "id" TEXT NOT NULL,
    "teamId" TEXT NOT NULL,
    "kind" TEXT NOT NULL,
    "fingerprint" TEXT NOT NULL,
    "appId" TEXT,
    "hostId" TEXT,
    "severity" TEXT,
    "state" TEXT NOT NULL DEFAULT 'firing',
    "summary" TEXT NOT NULL,
    "details" TEXT NOT NULL DEFAULT '{}',
    "receivedAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "outcome" TEXT NOT NULL,
    "incidentId" TEXT,

    CONSTRAINT "Signal_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "IncidentRules" (
    "teamId" TEXT NOT NULL,
    "rules" TEXT NOT NULL,
    "updatedAt" TIMESTAMP(3) NOT NULL,
    "updatedById" TEXT,

    CONSTRAINT "IncidentRules_pkey" PRIMARY KEY ("teamId")
);

-- CreateTable
CREATE TABLE "Incident" (
    "id" TEXT NOT NULL,
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
    "openedAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "resolvedAt" TIMESTAMP(3),
    "updatedAt" TIMESTAMP(3) NOT NULL,
    "postmortem" TEXT NOT NULL DEFAULT '{}',

    CONSTRAINT "Incident_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "IncidentEvent" (
    "id" SERIAL NOT NULL,
    "incidentId" TEXT NOT NULL,
    "at" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "kind" TEXT NOT NULL,
    "actorId" TEXT,
    "actorEmail" TEXT,
    "data" TEXT NOT NULL DEFAULT '{}',

    CONSTRAINT "IncidentEvent_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "Runbook" (
    "id" TEXT NOT NULL,
    "teamId" TEXT NOT NULL,
    "slug" TEXT NOT NULL,
    "version" INTEGER NOT NULL,
    "source" TEXT NOT NULL,
    "title" TEXT NOT NULL,
    "hasCommand" BOOLEAN NOT NULL DEFAULT false,
    "createdById" TEXT,
    "createdByEmail" TEXT,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "Runbook_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "RunbookRun" (
    "id" TEXT NOT NULL,
    "incidentId" TEXT NOT NULL,
    "slug" TEXT NOT NULL,
    "version" INTEGER NOT NULL,
    "origin" TEXT NOT NULL,
    "title" TEXT NOT NULL,
    "definition" TEXT NOT NULL,
    "attachedBy" TEXT NOT NULL,
    "attachedById" TEXT,
    "attachedByEmail" TEXT,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "RunbookRun_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "RunbookStepRun" (
    "id" SERIAL NOT NULL,
    "runId" TEXT NOT NULL,
    "stepId" TEXT NOT NULL,
    "outcome" TEXT NOT NULL,
    "finding" TEXT,
    "output" TEXT,
    "hostId" TEXT,
    "actorId" TEXT,
    "actorEmail" TEXT,
    "automatic" BOOLEAN NOT NULL DEFAULT false,
    "startedAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "finishedAt" TIMESTAMP(3),

    CONSTRAINT "RunbookStepRun_pkey" PRIMARY KEY ("id")
);

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

-- AddForeignKey
ALTER TABLE "Signal" ADD CONSTRAINT "Signal_teamId_fkey" FOREIGN KEY ("teamId") REFERENCES "Team"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "Signal" ADD CONSTRAINT "Signal_incidentId_fkey" FOREIGN KEY ("incidentId") REFERENCES "Incident"("id") ON DELETE SET NULL ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "IncidentRules" ADD CONSTRAINT "IncidentRules_teamId_fkey" FOREIGN KEY ("teamId") REFERENCES "Team"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "Incident" ADD CONSTRAINT "Incident_teamId_fkey" FOREIGN KEY ("teamId") REFERENCES "Team"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "IncidentEvent" ADD CONSTRAINT "IncidentEvent_incidentId_fkey" FOREIGN KEY ("incidentId") REFERENCES "Incident"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "Runbook" ADD CONSTRAINT "Runbook_teamId_fkey" FOREIGN KEY ("teamId") REFERENCES "Team"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "RunbookRun" ADD CONSTRAINT "RunbookRun_incidentId_fkey" FOREIGN KEY ("incidentId") REFERENCES "Incident"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "RunbookStepRun" ADD CONSTRAINT "RunbookStepRun_runId_fkey" FOREIGN KEY ("runId") REFERENCES "RunbookRun"("id") ON DELETE CASCADE ON UPDATE CASCADE;
