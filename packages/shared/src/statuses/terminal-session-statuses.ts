// How a terminal session (browser shell or `wheelhouse exec`) ended, defined once (issue 10). A
// session without an end reason is live. Stored in TerminalSession.endReason, shown on the Audit page.

export const TERMINAL_END_REASONS = [
  "exited",
  "closed",
  "idle",
  "detached",
  "agent-lost",
  "portal-restart",
  "failed",
  // Its owner's role, shell grant or session no longer allowed it (shell-revocation.ts).
  "revoked",
] as const;
export type TerminalEndReason = (typeof TERMINAL_END_REASONS)[number];
