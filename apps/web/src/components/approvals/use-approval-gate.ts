"use client";
// The approval gate as a dialog of a gated app action (rollback, deploy, restart, scale, maintenance)
// sees it: asks `approvals.requirement` when the dialog opens, holds the reason and the admin's
// break-glass choice, and says whether the dialog may be submitted. The server decides again when
// the action is sent; this only shows the person beforehand what will happen.
import { useQuery } from "@tanstack/react-query";
import type { GatedAction } from "@wheelhouse/shared";
import { useState } from "react";
import { useCan } from "../../client/session";
import { useTRPC } from "../../client/trpc";
import { REQUEST_LABELS } from "./format";

export function useApprovalGate(appName: string, action: GatedAction, opened: boolean) {
  const trpc = useTRPC();
  const mayBreakGlass = useCan("approvals.break-glass");
  const requirement = useQuery(
    trpc.approvals.requirement.queryOptions({ app: appName, action }, { enabled: opened, staleTime: 0 }),
  );
  const [reason, setReason] = useState("");
  const [breakGlass, setBreakGlass] = useState(false);
  const required = requirement.data?.required ?? false;
  const trimmed = reason.trim();
  const reasonRequired = required || breakGlass;
  return {
    requirement: requirement.data,
    /** The question failed: the dialog still works, and the server's answer says what happens. */
    requirementError: requirement.error,
    required,
    mayBreakGlass: mayBreakGlass && required,
    reason,
    setReason,
    breakGlass: breakGlass && required,
    setBreakGlass,
    reasonRequired,
    /** Submittable: the requirement is known (or could not be asked) and a needed reason is given. */
    ready: !requirement.isFetching && (!reasonRequired || trimmed.length > 0),
    /** The fields the gated procedure takes (gateFields in packages/shared). */
    fields: {
      ...(trimmed ? { reason: trimmed } : {}),
      ...(breakGlass && required ? { breakGlass: true } : {}),
    },
    /** The submit button's words: the action's own while it runs at once, "Request …" while it waits. */
    label(runsAtOnce: string, breakGlassLabel: string): string {
      if (!required) return runsAtOnce;
      return breakGlass ? breakGlassLabel : REQUEST_LABELS[action];
    },
    reset() {
      setReason("");
      setBreakGlass(false);
    },
  };
}

export type ApprovalGate = ReturnType<typeof useApprovalGate>;
