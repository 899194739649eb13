// The audit tests' own data (tests/integration/audit-*.int.test.ts): events inserted with SQL, each
// stamped at the moment it is inserted so ids grow with time as the portal writes them (the table
// refuses changes, not inserts); a plain-SQL oracle for what the team's auditors see; every page of
// audit.list by cursor; and an RFC 4180 reader for the CSV export.
import type { AuditEventView } from "@wheelhouse/shared";
import { expect } from "vitest";
import type { ApiClient } from "./api-client.ts";
import { sql } from "./database.ts";
import type { Portal } from "./portal.ts";

export const AWKWARD_ACTOR = 'Robert "Bobby", Tables\nline two';
export const FORMULAS = ['=HYPERLINK("http://evil.example","click")', "+1", "-1", "@SUM(A1)"];

export interface Seed {
  teamId: string | null;
  action: string;
  actorEmail: string | null;
  targetId: string | null;
  outcome: string;
  details?: Record<string, unknown>;
}

export class AuditFixture {
  constructor(
    readonly portal: Portal,
    readonly auditor: ApiClient,
    readonly teamId: string,
  ) {}

  /** The team of a portal set up with one admin. */
  static async forPortal(portal: Portal, auditor: ApiClient): Promise<AuditFixture> {
    const [team] = await sql<{ id: string }>(portal.databaseUrl, `SELECT id FROM "Team"`);
    if (!team) throw new Error("no team");
    return new AuditFixture(portal, auditor, team.id);
  }

  /** SQLite holds Prisma's DateTime as text in this form; PostgreSQL parses either. */
  stamp(date = new Date()): string {
    const iso = date.toISOString();
    return this.portal.databaseUrl.startsWith("file:") ? iso.replace("Z", "+00:00") : iso;
  }

  /** Inserts `seeds` in order, each stamped now, as the portal would store it. */
  async insertEvents(seeds: Seed[]): Promise<void> {
    for (const seed of seeds) {
      await sql(
        this.portal.databaseUrl,
        `INSERT INTO "AuditEvent" ("at", "teamId", "action", "actorEmail", "targetType", "targetId", "outcome", "ip", "details")
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)`,
        [
          this.stamp(),
          seed.teamId,
          seed.action,
          seed.actorEmail,
          seed.targetId ? "app" : null,
          seed.targetId,
          seed.outcome,
          "192.0.2.7",
          JSON.stringify(seed.details ?? {}),
        ],
      );
    }
  }

  /** The ids the team's auditors see, newest first, by a plain query (no keyset, no index games). */
  async expectedIds(where = "", params: unknown[] = []): Promise<number[]> {
    const rows = await sql<{ id: number }>(
      this.portal.databaseUrl,
      `SELECT id FROM "AuditEvent" WHERE ("teamId" = $1 OR "teamId" IS NULL) ${where} ORDER BY id DESC`,
      [this.teamId, ...params],
    );
    return rows.map((row) => Number(row.id));
  }

  /** Every page of `audit.list` with `filter`, following the cursor. */
  async allPages(filter: Record<string, unknown>, limit = 7): Promise<AuditEventView[]> {
    const events: AuditEventView[] = [];
    let cursor: number | undefined;
    for (let page = 0; page < 200; page++) {
      const result = await this.auditor.query<{ events: AuditEventView[]; nextCursor: number | null }>("audit.list", {
        ...filter,
        limit,
        ...(cursor === undefined ? {} : { cursor }),
      });
      if (!result.data) throw new Error(`audit.list failed: ${JSON.stringify(result.error)}`);
      expect(result.data.events.length).toBeLessThanOrEqual(limit);
      events.push(...result.data.events);
      if (result.data.nextCursor === null) return events;
      cursor = result.data.nextCursor;
    }
    throw new Error("audit.list did not end within 200 pages");
  }

  /**
   * 30 events of the team over two actors, five actions (one a namesake of `apps`), three targets
   * and three outcomes; 5 of another team, never shown; 3 team-less, always shown; and five with
   * awkward values: commas, quotes and a newline, and cells a spreadsheet would run as formulas.
   */
  async seedStandardEvents(): Promise<void> {
    const teamId = this.teamId;
    const actions = ["apps.deploy", "apps.rollback", "appstore.open", "apps.maintenance.on", "hosts.revoke"];
    const outcomes = ["success", "denied", "failure"];
    await this.insertEvents(
      Array.from({ length: 30 }, (_, i) => ({
        teamId,
        action: actions[i % actions.length] ?? "apps.deploy",
        actorEmail: i % 2 ? "alice@example.com" : "bob@example.com",
        targetId: `app-${i % 3}`,
        outcome: outcomes[i % outcomes.length] ?? "success",
        details: { seed: i },
      })),
    );
    // Another team's events, which this team must never see, and team-less ones, which it does.
    await this.insertEvents(
      Array.from({ length: 5 }, () => ({
        teamId: "another-team",
        action: "apps.deploy",
        actorEmail: "alice@example.com",
        targetId: "app-1",
        outcome: "success",
      })),
    );
    await this.insertEvents(
      Array.from({ length: 3 }, () => ({
        teamId: null,
        action: "session.create",
        actorEmail: "nobody@example.com",
        targetId: null,
        outcome: "failure",
      })),
    );
    await this.insertEvents([
      { teamId, action: "apps.update", actorEmail: AWKWARD_ACTOR, targetId: "app-9", outcome: "success" },
      ...FORMULAS.map((targetId) => ({
        teamId,
        action: "apps.update",
        actorEmail: "=cmd|' /C calc'!A0",
        targetId,
        outcome: "success",
        details: { note: '+1, "quoted"\nnext line' },
      })),
    ]);
  }
}

/** RFC 4180: quoted fields may hold commas, doubled quotes and line breaks; records end in CRLF. */
export function parseCsv(text: string): string[][] {
  const records: string[][] = [];
  let record: string[] = [];
  let field = "";
  let quoted = false;
  for (let i = 0; i < text.length; i++) {
    const char = text[i];
    if (quoted) {
      if (char === '"' && text[i + 1] === '"') {
        field += '"';
        i++;
      } else if (char === '"') quoted = false;
      else field += char;
    } else if (char === '"' && field === "") quoted = true;
    else if (char === ",") {
      record.push(field);
      field = "";
    } else if (char === "\r" && text[i + 1] === "\n") {
      record.push(field);
      records.push(record);
      record = [];
      field = "";
      i++;
    } else field += char;
  }
  if (field !== "" || record.length > 0) throw new Error(`the CSV does not end with CRLF: ${JSON.stringify(field)}`);
  return records;
}
