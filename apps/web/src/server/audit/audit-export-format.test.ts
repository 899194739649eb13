import type { AuditEventView } from "@wheelhouse/shared";
import { describe, expect, it } from "vitest";
import { csvCell, csvHeader, csvRow, exportFileName, jsonLine } from "./audit-export-format";

const event: AuditEventView = {
  id: 7,
  at: "2026-12-01T08:00:00.000Z",
  actorId: "u1",
  actorEmail: 'Robert "Bobby", Tables',
  teamId: "t1",
  action: "apps.rollback",
  targetType: "app",
  targetId: '=HYPERLINK("http://evil.example")',
  outcome: "denied",
  ip: null,
  details: { reason: "line one\nline two" },
};

describe("audit export format", () => {
  it("quotes by RFC 4180 only what needs it", () => {
    expect(csvCell("plain")).toBe("plain");
    expect(csvCell('say "hi"')).toBe('"say ""hi"""');
    expect(csvCell("a,b")).toBe('"a,b"');
    expect(csvCell("one\ntwo")).toBe('"one\ntwo"');
    expect(csvCell("one\r\ntwo")).toBe('"one\r\ntwo"');
    expect(csvCell(null)).toBe("");
    expect(csvCell(42)).toBe("42");
  });

  it("defuses cells a spreadsheet would run as formulas", () => {
    for (const formula of ["=1+1", "+1", "-1", "@SUM(A1)", "\tx", "\rx"]) {
      expect(csvCell(formula).replace(/^"/, "")).toMatch(/^'/);
    }
    expect(csvCell("=a,b")).toBe(`"'=a,b"`);
    expect(csvCell("mid=dle")).toBe("mid=dle");
    // Numbers are the export's own (ids), never a formula.
    expect(csvCell(-1)).toBe("-1");
  });

  it("writes a header and one CRLF-ended row per event, details as one JSON cell", () => {
    expect(csvHeader()).toBe("id,at,actorId,actorEmail,teamId,action,targetType,targetId,outcome,ip,details\r\n");
    expect(csvRow(event)).toBe(
      '7,2026-12-01T08:00:00.000Z,u1,"Robert ""Bobby"", Tables",t1,apps.rollback,app,"\'=HYPERLINK(""http://evil.example"")",denied,,"{""reason"":""line one\\nline two""}"\r\n',
    );
  });

  it("writes JSON lines exactly, with no defusing", () => {
    expect(JSON.parse(jsonLine(event))).toEqual(event);
    expect(jsonLine(event).endsWith("}\n")).toBe(true);
    expect(jsonLine(event).split("\n")).toHaveLength(2);
  });

  it("names the file by the day in UTC", () => {
    expect(exportFileName("csv", new Date("2026-12-01T23:59:59Z"))).toBe("wheelhouse-audit-2026-12-01.csv");
    expect(exportFileName("jsonl", new Date("2026-12-02T00:00:00Z"))).toBe("wheelhouse-audit-2026-12-02.jsonl");
  });
});
