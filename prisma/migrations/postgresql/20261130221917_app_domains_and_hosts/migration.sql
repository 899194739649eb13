-- CreateTable
CREATE TABLE "AppDomain" (
    "domain" TEXT NOT NULL,
    "appId" TEXT NOT NULL,
    "position" INTEGER NOT NULL,

    CONSTRAINT "AppDomain_pkey" PRIMARY KEY ("domain")
);

-- CreateTable
CREATE TABLE "AppHost" (
    "appId" TEXT NOT NULL,
    "hostId" TEXT NOT NULL,
    "position" INTEGER NOT NULL,

    CONSTRAINT "AppHost_pkey" PRIMARY KEY ("appId","hostId")
);

-- CreateIndex
CREATE INDEX "AppDomain_appId_idx" ON "AppDomain"("appId");

-- CreateIndex
CREATE INDEX "AppHost_hostId_idx" ON "AppHost"("hostId");

-- AddForeignKey
ALTER TABLE "AppDomain" ADD CONSTRAINT "AppDomain_appId_fkey" FOREIGN KEY ("appId") REFERENCES "App"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "AppHost" ADD CONSTRAINT "AppHost_appId_fkey" FOREIGN KEY ("appId") REFERENCES "App"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "AppHost" ADD CONSTRAINT "AppHost_hostId_fkey" FOREIGN KEY ("hostId") REFERENCES "Host"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- Hand-written (docs/decisions/023-app-lists-as-tables.md): each app's JSON lists become rows, in
-- the order they were written, before their columns are dropped.
-- A domain that two apps listed (the old read-then-write check could race) stays with the older app;
-- the other app's loss is written to the audit trail, so nobody has to guess where it went.
INSERT INTO "AppDomain" ("domain", "appId", "position")
SELECT "domain", "appId", "position" FROM (
    SELECT d.value AS "domain", a."id" AS "appId", (d.ordinality - 1)::integer AS "position",
        ROW_NUMBER() OVER (PARTITION BY d.value ORDER BY a."createdAt", a."id", d.ordinality) AS "claim"
    FROM "App" a
    CROSS JOIN LATERAL json_array_elements_text(a."domains"::json) WITH ORDINALITY AS d(value, ordinality)
) listed
WHERE "claim" = 1;

INSERT INTO "AuditEvent" ("teamId", "action", "targetType", "targetId", "outcome", "details")
SELECT a."teamId", 'app.domain.remove', 'app', a."id", 'success',
    json_build_object('domain', d.value, 'keptBy', kept_app."name",
        'reason', 'Two apps listed this domain; when domains became a checked table the older app kept it.')::text
FROM "App" a
CROSS JOIN LATERAL json_array_elements_text(a."domains"::json) AS d(value)
JOIN "AppDomain" kept ON kept."domain" = d.value
JOIN "App" kept_app ON kept_app."id" = kept."appId"
WHERE kept."appId" <> a."id";

-- Ids of hosts deleted since (a revoked host replaced by re-enrolment) have no row to point at: they
-- are left out, as the foreign key's cascade would have removed them.
INSERT INTO "AppHost" ("appId", "hostId", "position")
SELECT "appId", "hostId", "position" FROM (
    SELECT a."id" AS "appId", h.value AS "hostId", (h.ordinality - 1)::integer AS "position",
        ROW_NUMBER() OVER (PARTITION BY a."id", h.value ORDER BY h.ordinality) AS "seen"
    FROM "App" a
    CROSS JOIN LATERAL json_array_elements_text(a."hostIds"::json) WITH ORDINALITY AS h(value, ordinality)
    JOIN "Host" ON "Host"."id" = h.value
) listed
WHERE "seen" = 1;

-- AlterTable (moved after the data move above)
ALTER TABLE "App" DROP COLUMN "domains",
DROP COLUMN "hostIds";
