// check.run: dispatches one runbook check to its implementation in this folder (issue 13 item 5).
// Each check answers pass, fail or error with a finding a person can act on; a check that throws is
// an error whose finding is the thrown sentence, never a crash of the command.
import {
  type AgentCheck,
  CHECK_PARAMS,
  type CheckParams,
  type CommandParams,
  type CommandResult,
} from "@wheelhouse/shared";
import type Docker from "dockerode";
import type { z } from "zod";
import type { NginxManager } from "../nginx/nginx-manager";
import { type CheckContext, type CheckDraft, capOutput, messageOf, oneLine } from "./check-result";
import { commandRun } from "./command-run";
import { containerResources } from "./container-resources";
import { containerStateCheck } from "./container-state";
import { databaseReachable } from "./database-reachable";
import { diskSpace } from "./disk-space";
import { dnsResolve } from "./dns-resolve";
import { fdLimit } from "./fd-limit";
import { httpProbe } from "./http-probe";
import { nginxTest, nginxUpstream } from "./nginx-checks";
import { pathPermissions } from "./path-permissions";
import { portOwner } from "./port-owner";
import { tlsCertificate } from "./tls-certificate";

export interface CheckDependencies {
  docker: Docker;
  nginx: NginxManager;
}

type AgentCheckKind = AgentCheck["kind"];

/** One implementation per agent check; the compiler demands one for each kind the catalogue runs here. */
const CHECKS: { [K in AgentCheckKind]: (context: CheckContext, params: CheckParams<K>) => Promise<CheckDraft> } = {
  "port.owner": portOwner,
  "http.probe": httpProbe,
  "container.state": containerStateCheck,
  "nginx.test": nginxTest,
  "nginx.upstream": nginxUpstream,
  "tls.certificate": tlsCertificate,
  "disk.space": diskSpace,
  "database.reachable": databaseReachable,
  "dns.resolve": dnsResolve,
  "path.permissions": pathPermissions,
  "process.fd-limit": fdLimit,
  "container.resources": containerResources,
  "command.run": commandRun,
};

function dispatch<K extends AgentCheckKind>(kind: K, rawParams: unknown, context: CheckContext): Promise<CheckDraft> {
  // Parsed again here, with defaults applied: the agent trusts no parameter it did not parse itself.
  const parsed = (CHECK_PARAMS[kind] as z.ZodType).safeParse(rawParams);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    throw new Error(`its parameters are refused: ${issue?.path.join(".") || "params"}: ${issue?.message}`);
  }
  return CHECKS[kind](context, parsed.data as CheckParams<K>);
}

export async function runCheck(
  { docker, nginx }: CheckDependencies,
  { check, app }: CommandParams<"check.run">,
): Promise<CommandResult<"check.run">> {
  const started = performance.now();
  let draft: CheckDraft;
  try {
    draft = await dispatch(check.kind, check.params, { docker, nginx, app });
  } catch (error) {
    draft = { outcome: "error", finding: `${check.kind} could not run: ${messageOf(error)}` };
  }
  return {
    outcome: draft.outcome,
    finding: oneLine(draft.finding),
    output: capOutput(draft.output ?? ""),
    facts: draft.facts ?? {},
    durationMs: Math.max(0, Math.round(performance.now() - started)),
  };
}
