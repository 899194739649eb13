-- CreateTable
CREATE TABLE "AppDomain" (
    "domain" TEXT NOT NULL PRIMARY KEY,
    "appId" TEXT NOT NULL,
    "position" INTEGER NOT NULL,
    CONSTRAINT "AppDomain_appId_fkey" FOREIGN KEY ("appId") REFERENCES "App" ("id") ON DELETE CASCADE ON UPDATE CASCADE
);

-- CreateTable
CREATE TABLE "AppHost" (
    "appId" TEXT NOT NULL,
    "hostId" TEXT NOT NULL,
    "position" INTEGER NOT NULL,

    PRIMARY KEY ("appId", "hostId"),
    CONSTRAINT "AppHost_appId_fkey" FOREIGN KEY ("appId") REFERENCES "App" ("id") ON DELETE CASCADE ON UPDATE CASCADE,
    CONSTRAINT "AppHost_hostId_fkey" FOREIGN KEY ("hostId") REFERENCES "Host" ("id") ON DELETE CASCADE ON UPDATE CASCADE
);

-- CreateIndex
CREATE INDEX "AppDomain_appId_idx" ON "AppDomain"("appId");

-- CreateIndex
CREATE INDEX "AppHost_hostId_idx" ON "AppHost"("hostId");

-- Hand-written (docs/decisions/023-app-lists-as-tables.md): each app's JSON lists become rows, in
-- the order they were written, before their columns are dropped.
-- A domain that two apps listed (the old read-then-write check could race) stays with the older app;
-- the other app's loss is written to the audit trail, so nobody has to guess where it went.
INSERT INTO "AppDomain" ("domain", "appId", "position")
SELECT "domain", "appId", "position" FROM (
    SELECT d."value" AS "domain", a."id" AS "appId", d."key" AS "position",
        ROW_NUMBER() OVER (PARTITION BY d."value" ORDER BY a."createdAt", a."id", d."key") AS "claim"
    FROM "App" a, json_each(a."domains") d
) WHERE "claim" = 1;

INSERT INTO "AuditEvent" ("at", "teamId", "action", "targetType", "targetId", "outcome", "details")
SELECT strftime('%Y-%m-%dT%H:%M:%f+00:00', 'now'), a."teamId", 'app.domain.remove', 'app', a."id", 'success',
    json_object('domain', d."value", 'keptBy', kept_app."name",
        'reason', 'Two apps listed this domain; when domains became a checked table the older app kept it.')
FROM "App" a, json_each(a."domains") d
JOIN "AppDomain" kept ON kept."domain" = d."value"
JOIN "App" kept_app ON kept_app."id" = kept."appId"
WHERE kept."appId" <> a."id";

-- Ids of hosts deleted since (a revoked host replaced by re-enrolment) have no row to point at: they
-- are left out, as the foreign key's cascade would have removed them.
INSERT INTO "AppHost" ("appId", "hostId", "position")
SELECT "appId", "hostId", "position" FROM (
    SELECT a."id" AS "appId", h."value" AS "hostId", h."key" AS "position",
        ROW_NUMBER() OVER (PARTITION BY a."id", h."value" ORDER BY h."key") AS "seen"
    FROM "App" a, json_each(a."hostIds") h
    JOIN "Host" ON "Host"."id" = h."value"
) WHERE "seen" = 1;

-- In place, not Prisma's usual table rebuild: the migrator runs inside one transaction with foreign
-- keys on (PRAGMA foreign_keys cannot change there), so dropping and re-creating "App" would
-- cascade-delete every release, deployment and instance.
ALTER TABLE "App" DROP COLUMN "domains";
ALTER TABLE "App" DROP COLUMN "hostIds";
