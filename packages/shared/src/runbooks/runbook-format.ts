// The runbook format (issue 13 item 4): one YAML document per runbook, in runbooks/ for the built-in
// library or written on the Runbooks page. `parseRunbook` answers either the runbook or every error
// with its line, so `wheelhouse runbooks validate`, the library test and the editor say the same.
import { isMap, isScalar, isSeq, LineCounter, type Node, parseDocument } from "yaml";
import { z } from "zod";
import { SIGNAL_KINDS } from "../incidents/signals";
import { SEVERITIES } from "../statuses/incident-statuses";
import { ADMIN_ONLY_CHECKS, CHECK_KINDS, CHECK_PARAMS, type CheckKind } from "./check-catalogue";
import { fillPlaceholders, PLACEHOLDER_SAMPLES } from "./placeholders";

const slug = z
  .string()
  .regex(
    /^[a-z][a-z0-9-]{1,98}[a-z0-9]$/,
    "An id is 3–100 lower-case letters, digits and dashes, starting with a letter.",
  );

/** When a runbook attaches to an incident by itself: every listed condition must hold. */
export const attachRuleSchema = z
  .object({
    /** The kind of the signal that opened the incident. */
    signal: z.enum(SIGNAL_KINDS).optional(),
    /** Its reason class: a probe's ("readiness", "liveness"), an alert's name. */
    reason: z.string().min(1).max(200).optional(),
    severity: z.array(z.enum(SEVERITIES)).min(1).optional(),
    environment: z.enum(["production", "staging"]).optional(),
  })
  .strict()
  .refine(
    (rule) => Object.keys(rule).length > 0,
    "An attach rule names at least one condition (signal, reason, severity, environment).",
  );
export type AttachRule = z.infer<typeof attachRuleSchema>;

/**
 * A step is manual (instructions and a checkbox) or automatic: with `check`, it names a check of the
 * catalogue, its parameters, what a pass means (`expect`) and what a failure means (`onFail`).
 * One object schema rather than a union, so a mistyped check name gets its own sentence.
 */
export const runbookStepSchema = z
  .object({
    id: slug,
    title: z.string().min(1).max(200),
    /** Markdown: what to do (manual) or what the check looks at (automatic). */
    instructions: z.string().max(10_000).optional(),
    check: z.enum(CHECK_KINDS, { message: `check must be one of: ${CHECK_KINDS.join(", ")}.` }).optional(),
    /** The check's parameters; strings may hold placeholders such as {app.port} (placeholders.ts). */
    params: z.record(z.string(), z.unknown()).optional(),
    /** What a pass means, in a few words ("the port is free"). */
    expect: z.string().min(1).max(500).optional(),
    /** What it means when it fails, and what to do next. */
    onFail: z.string().min(1).max(2_000).optional(),
    /** Runs by itself when the runbook attaches (otherwise one click). */
    auto: z.boolean().optional(),
  })
  .strict()
  .superRefine((step, context) => {
    if (step.check) {
      if (!step.expect)
        context.addIssue({
          code: "custom",
          path: ["expect"],
          message: "An automatic step says what a pass means (expect).",
        });
      if (!step.onFail)
        context.addIssue({
          code: "custom",
          path: ["onFail"],
          message: "An automatic step says what a failure means (onFail).",
        });
    } else {
      for (const key of ["params", "expect", "onFail", "auto"] as const)
        if (step[key] !== undefined)
          context.addIssue({
            code: "custom",
            path: [key],
            message: `${key} belongs to an automatic step; add check: to make it one.`,
          });
      if (!step.instructions)
        context.addIssue({ code: "custom", path: ["instructions"], message: "A manual step has instructions." });
    }
  });
export type RunbookStep = z.infer<typeof runbookStepSchema>;
export type CheckStep = RunbookStep & { check: CheckKind; expect: string; onFail: string };

export function isCheckStep(step: RunbookStep): step is CheckStep {
  return step.check !== undefined;
}

export const runbookSchema = z
  .object({
    id: slug,
    version: z.number().int().min(1).max(100_000),
    title: z.string().min(1).max(200),
    summary: z.string().min(1).max(2_000),
    /** The troubleshooting sections this runbook turns into steps, e.g. "Troubleshooting guide › Port conflicts". */
    sources: z.array(z.string().min(1).max(300)).max(20).default([]),
    /** What a person sees (error messages, behaviour): shown on the library page and searched. */
    symptoms: z.array(z.string().min(1).max(300)).max(50).default([]),
    attach: z.array(attachRuleSchema).max(20).default([]),
    steps: z.array(runbookStepSchema).min(1).max(100),
  })
  .strict();
export type RunbookDefinition = z.infer<typeof runbookSchema>;

export interface RunbookError {
  /** 1-based; 0 when the error is about the whole file. */
  line: number;
  message: string;
}
export type RunbookParse = { ok: true; runbook: RunbookDefinition } | { ok: false; errors: RunbookError[] };

export const RUNBOOK_MAX_BYTES = 256 * 1024;

/** Whether a step runs an arbitrary command: only admins may write such a runbook. */
export function runbookHasCommand(runbook: RunbookDefinition): boolean {
  return runbook.steps.some((step) => isCheckStep(step) && ADMIN_ONLY_CHECKS.includes(step.check));
}

/** Parses and validates one runbook; every error carries its line. */
export function parseRunbook(text: string): RunbookParse {
  if (new TextEncoder().encode(text).length > RUNBOOK_MAX_BYTES)
    return { ok: false, errors: [{ line: 0, message: `A runbook is at most ${RUNBOOK_MAX_BYTES / 1024} KiB.` }] };
  const lines = new LineCounter();
  const document = parseDocument(text, { lineCounter: lines, prettyErrors: false, uniqueKeys: true });
  const lineOf = (offset: number | undefined) => (offset === undefined ? 0 : lines.linePos(offset).line);
  if (document.errors.length > 0)
    return {
      ok: false,
      errors: document.errors.map((error) => ({
        line: lineOf(error.pos[0]),
        message: error.message.split("\n")[0] ?? error.message,
      })),
    };

  const nodeAt = (path: readonly PropertyKey[]): Node | null => {
    let node: unknown = document.contents;
    let last: Node | null = (document.contents as Node | null) ?? null;
    for (const key of path) {
      if (isMap(node)) node = node.get(key, true);
      else if (isSeq(node) && typeof key === "number") node = node.get(key, true);
      else break;
      if (node && (isMap(node) || isSeq(node) || isScalar(node))) last = node as Node;
      else break;
    }
    return last;
  };
  const lineAt = (path: readonly PropertyKey[]) => lineOf(nodeAt(path)?.range?.[0]);

  const parsed = runbookSchema.safeParse(document.toJS());
  if (!parsed.success) {
    return {
      ok: false,
      errors: parsed.error.issues.map((issue) => {
        // An unknown key is reported at its own line, not its parent's.
        const path = issue.code === "unrecognized_keys" && issue.keys[0] ? [...issue.path, issue.keys[0]] : issue.path;
        return {
          line: lineAt(path),
          message: `${issue.path.length > 0 ? `${issue.path.join(".")}: ` : ""}${issue.message}`,
        };
      }),
    };
  }

  // Beyond the shape: unique step ids, and each check's parameters valid once placeholders are filled.
  const errors: RunbookError[] = [];
  const seen = new Set<string>();
  parsed.data.steps.forEach((step, index) => {
    if (seen.has(step.id))
      errors.push({
        line: lineAt(["steps", index, "id"]),
        message: `steps.${index}.id: "${step.id}" is used by an earlier step.`,
      });
    seen.add(step.id);
    if (!isCheckStep(step)) return;
    const filled = fillPlaceholders(step.params ?? {}, PLACEHOLDER_SAMPLES);
    if (!filled.ok) {
      errors.push({ line: lineAt(["steps", index, "params"]), message: `steps.${index}.params: ${filled.message}` });
      return;
    }
    const result = CHECK_PARAMS[step.check as CheckKind].safeParse(filled.value);
    if (!result.success) {
      for (const issue of result.error.issues)
        errors.push({
          line: lineAt(["steps", index, "params", ...issue.path]),
          message: `steps.${index}.params${issue.path.length > 0 ? `.${issue.path.join(".")}` : ""}: ${issue.message}`,
        });
    }
  });
  return errors.length > 0 ? { ok: false, errors } : { ok: true, runbook: parsed.data };
}
