// check.run: dispatches one runbook check to its implementation in this folder (issue 13 item 5).
// Each check answers pass, fail or error with a finding a person can act on; a check that throws is
// an error whose finding is the thrown sentence, never a crash of the command.
import type { CommandParams, CommandResult } from "@wheelhouse/shared";
import type Docker from "dockerode";
import type { NginxManager } from "../nginx/nginx-manager";

export interface CheckDependencies {
  docker: Docker;
  nginx: NginxManager;
}

export async function runCheck(
  _dependencies: CheckDependencies,
  params: CommandParams<"check.run">,
): Promise<CommandResult<"check.run">> {
  // Filled in by the check catalogue's implementation (this session's work in progress).
  return {
    outcome: "error",
    finding: `The check ${params.check.kind} is not available on this agent yet.`,
    output: "",
    facts: {},
    durationMs: 0,
  };
}
