// Every domain's router, mounted at /api/trpc. The client imports only the type.
import { accountRouter } from "../access/account-router";
import { authRouter } from "../access/auth-router";
import { invitesRouter } from "../access/invites-router";
import { passwordResetRouter } from "../access/password-reset-router";
import { ssoRouter } from "../access/sso/sso-router";
import { teamsRouter } from "../access/teams-router";
import { usersRouter } from "../access/users-router";
import { approvalsRouter } from "../approvals/approvals-router";
import { appsRouter } from "../apps/apps-router";
import { auditRouter } from "../audit/audit-router";
import { certificatesRouter } from "../certificates/certificates-router";
import { hooksRouter } from "../hooks/hooks-router";
import { containersRouter } from "../hosts/containers-router";
import { hostsRouter } from "../hosts/hosts-router";
import { incidentsRouter } from "../incidents/incidents-router";
import { logsRouter } from "../logs/logs-router";
import { webhooksRouter } from "../notifications/webhooks-router";
import { registriesRouter } from "../registries/registries-router";
import { runbooksRouter } from "../runbooks/runbooks-router";
import { signalsRouter } from "../signals/signals-router";
import { terminalRouter } from "../terminal/terminal-router";
import { router } from "./trpc";

export const appRouter = router({
  auth: authRouter,
  account: accountRouter,
  apps: appsRouter,
  approvals: approvalsRouter,
  users: usersRouter,
  teams: teamsRouter,
  invites: invitesRouter,
  passwordReset: passwordResetRouter,
  sso: ssoRouter,
  audit: auditRouter,
  hosts: hostsRouter,
  containers: containersRouter,
  logs: logsRouter,
  terminal: terminalRouter,
  hooks: hooksRouter,
  registries: registriesRouter,
  certificates: certificatesRouter,
  incidents: incidentsRouter,
  runbooks: runbooksRouter,
  signals: signalsRouter,
  webhooks: webhooksRouter,
});

export type AppRouter = typeof appRouter;
