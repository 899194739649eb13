// The portal's REST API as the CLI uses it: one method per endpoint, each answer parsed with the
// schema from @wheelhouse/shared that the portal declares for it.
import {
  type AddRegistryLoginInput,
  addedRegistryLoginSchema,
  appDetailSchema,
  appLogsSchema,
  approvalListSchema,
  approvalPendingSchema,
  approvalRequestSchema,
  appSchema,
  type CertificateUpload,
  type CreateAppInput,
  certificateAnswerSchema,
  certificatesAnswerSchema,
  createdApiKeySchema,
  createdInviteSchema,
  createdResetLinkSchema,
  createdTeamSchema,
  deploymentLogSchema,
  deploymentSchema,
  enrollmentSchema,
  gatedDeploymentSchema,
  hostListSchema,
  incidentDetailSchema,
  incidentSummarySchema,
  meSchema,
  myTeamsAnswerSchema,
  registryLoginsAnswerSchema,
  releaseSchema,
  removedMemberSchema,
  removedRegistryLoginSchema,
  runbookSummarySchema,
  teamUserSchema,
  type UpdateAppInput,
} from "@wheelhouse/shared";
import { z } from "zod";
import { type Connection, request } from "./request";

export interface PasswordKeyInput {
  email: string;
  password: string;
  name: string;
}

export interface CreateUserInput {
  email: string;
  name?: string;
  password: string;
  role: string;
  team?: string;
}

const appsAnswer = z.object({ apps: z.array(appSchema) });
const appAnswer = z.object({ app: appSchema });
/** A gated action's answer: what ran, or the approval request it opened instead (issue 14). */
const maintenanceAnswer = z.object({ app: appSchema, approval: approvalPendingSchema.optional() });
const approvalAnswer = z.object({ request: approvalRequestSchema });
const appDetailAnswer = z.object({ app: appDetailSchema });
const deploymentAnswer = z.object({ deployment: deploymentSchema });
const releasesAnswer = z.object({ releases: z.array(releaseSchema) });
const usersAnswer = z.object({ users: z.array(teamUserSchema) });
const userAnswer = z.object({ user: teamUserSchema });
const revokedAnswer = z.object({ ok: z.literal(true) });
const incidentsAnswer = z.object({ incidents: z.array(incidentSummarySchema) });
const incidentAnswer = z.object({ incident: incidentDetailSchema });
const runbooksAnswer = z.object({ runbooks: z.array(runbookSummarySchema) });
const execAnswer = z.object({
  exitCode: z.number().int(),
  stdout: z.base64(),
  stderr: z.base64(),
  truncated: z.boolean(),
  instance: z.object({ host: z.string(), container: z.string() }),
});

/** What every gated action takes besides its own parameters (gateFields in @wheelhouse/shared). */
export interface GateBody {
  reason?: string;
  breakGlass?: true;
}

function segment(value: string): string {
  return encodeURIComponent(value);
}

export class ApiClient {
  constructor(readonly connection: Connection) {}

  /** Signs in with a password and mints an API key in one step (no key needed). */
  createPasswordKey(input: PasswordKeyInput) {
    return request(this.connection, "POST", "/auth/api-keys/password", createdApiKeySchema, { body: input });
  }

  me() {
    return request(this.connection, "GET", "/me", meSchema);
  }

  async listApps() {
    return (await request(this.connection, "GET", "/apps", appsAnswer)).apps;
  }

  async createApp(input: CreateAppInput) {
    return (await request(this.connection, "POST", "/apps", appAnswer, { body: input })).app;
  }

  /** PATCH /apps/{name}: only the fields given change; the answer is the app as saved. */
  async updateApp(name: string, changes: Omit<UpdateAppInput, "name">) {
    return (await request(this.connection, "PATCH", `/apps/${segment(name)}`, appAnswer, { body: changes })).app;
  }

  async getApp(name: string) {
    return (await request(this.connection, "GET", `/apps/${segment(name)}`, appDetailAnswer)).app;
  }

  /** `deployment` when it runs, `approval` when the team's policy makes it wait for review. */
  deploy(name: string, body: { image?: string } & GateBody) {
    const path = `/apps/${segment(name)}/deployments`;
    return request(this.connection, "POST", path, gatedDeploymentSchema, { body });
  }

  /** `deployment` when it runs, `approval` when the team's policy makes it wait for review. */
  rollback(name: string, body: { releaseNumber: number } & GateBody) {
    const path = `/apps/${segment(name)}/rollback`;
    return request(this.connection, "POST", path, gatedDeploymentSchema, { body });
  }

  /** Fresh instances of the live release; `approval` when the team's policy makes it wait. */
  restart(name: string, body: GateBody) {
    const path = `/apps/${segment(name)}/restart`;
    return request(this.connection, "POST", path, gatedDeploymentSchema, { body });
  }

  /** The live release with `replicas` instances per host; `approval` when the team's policy makes it wait. */
  scale(name: string, body: { replicas: number } & GateBody) {
    const path = `/apps/${segment(name)}/scale`;
    return request(this.connection, "POST", path, gatedDeploymentSchema, { body });
  }

  async getDeployment(id: string) {
    return (await request(this.connection, "GET", `/deployments/${segment(id)}`, deploymentAnswer)).deployment;
  }

  getDeploymentLog(id: string, after: number) {
    return request(this.connection, "GET", `/deployments/${segment(id)}/log`, deploymentLogSchema, {
      query: { after: String(after) },
    });
  }

  /** Newest first. */
  async listReleases(name: string) {
    return (await request(this.connection, "GET", `/apps/${segment(name)}/releases`, releasesAnswer)).releases;
  }

  /** The app as it is now, and `approval` when the switch waits for review instead. */
  setMaintenance(name: string, body: { enabled: boolean } & GateBody) {
    const path = `/apps/${segment(name)}/maintenance`;
    return request(this.connection, "PUT", path, maintenanceAnswer, { body });
  }

  /** Newest first; `query` holds view, status, app and limit as the portal reads them. */
  listApprovals(query: Record<string, string>) {
    return request(this.connection, "GET", "/approvals", approvalListSchema, { query });
  }

  /** `ref` is the request's id or its team number ("12"). */
  async getApproval(ref: string) {
    return (await request(this.connection, "GET", `/approvals/${segment(ref)}`, approvalAnswer)).request;
  }

  /** The request after the review: executed (with its deployment) when this was the last approval needed. */
  async approve(ref: string, comment: string | undefined) {
    const body = comment === undefined ? {} : { comment };
    const path = `/approvals/${segment(ref)}/approve`;
    return (await request(this.connection, "POST", path, approvalAnswer, { body })).request;
  }

  async deny(ref: string, comment: string) {
    const path = `/approvals/${segment(ref)}/deny`;
    return (await request(this.connection, "POST", path, approvalAnswer, { body: { comment } })).request;
  }

  async cancelApproval(ref: string) {
    const path = `/approvals/${segment(ref)}/cancel`;
    return (await request(this.connection, "POST", path, approvalAnswer, { body: {} })).request;
  }

  exec(name: string, body: { command: string[]; timeoutSeconds?: number }) {
    // The answer comes when the command has finished: wait its own timeout and a little more.
    const timeoutMs = ((body.timeoutSeconds ?? 60) + 15) * 1000;
    return request({ ...this.connection, timeoutMs }, "POST", `/apps/${segment(name)}/exec`, execAnswer, { body });
  }

  /** GET /apps/{name}/logs; with `cursor` and `waitMs` the portal waits for new lines (long poll). */
  appLogs(name: string, query: Record<string, string>) {
    const waitMs = Number(query.waitMs ?? 0);
    const connection = waitMs > 0 ? { ...this.connection, timeoutMs: waitMs + 30_000 } : this.connection;
    return request(connection, "GET", `/apps/${segment(name)}/logs`, appLogsSchema, { query });
  }

  async listUsers() {
    return (await request(this.connection, "GET", "/users", usersAnswer)).users;
  }

  async createUser(input: CreateUserInput) {
    return (await request(this.connection, "POST", "/users", userAnswer, { body: input })).user;
  }

  /** Out of the key's team only: the account and the person's other teams stay. */
  removeUser(userId: string) {
    return request(this.connection, "DELETE", `/users/${segment(userId)}`, removedMemberSchema);
  }

  /** The teams the key's owner belongs to, with their role in each; `current` marks the key's team. */
  async listMyTeams() {
    return (await request(this.connection, "GET", "/teams", myTeamsAnswerSchema)).teams;
  }

  /** A new team with the key's owner as its admin; the key itself stays in its own team. */
  createTeam(name: string) {
    return request(this.connection, "POST", "/teams", createdTeamSchema, { body: { name } });
  }

  /** An invite for `email` with `role`; the answer carries the single-use link, once. */
  createInvite(input: { email: string; role: string }) {
    return request(this.connection, "POST", "/invites", createdInviteSchema, { body: input });
  }

  /** A single-use password reset link (valid 1 hour) for the member with this email. */
  createResetLink(email: string) {
    return request(this.connection, "POST", "/users/reset-links", createdResetLinkSchema, { body: { email } });
  }

  /** The team's hosts and what an installer needs of the portal (its version, PUBLIC_URL). */
  listHosts() {
    return request(this.connection, "GET", "/hosts", hostListSchema);
  }

  /** A single-use enrolment token for a host to be named `name`. */
  createEnrollment(name: string) {
    return request(this.connection, "POST", "/hosts/enrollments", enrollmentSchema, { body: { name } });
  }

  async revokeHost(hostId: string) {
    await request(this.connection, "POST", `/hosts/${segment(hostId)}/revoke`, revokedAnswer, { body: {} });
  }

  async listRegistryLogins() {
    return (await request(this.connection, "GET", "/registries", registryLoginsAnswerSchema)).logins;
  }

  /** The password travels in the body only; the answer never carries it back. */
  addRegistryLogin(input: AddRegistryLoginInput) {
    return request(this.connection, "POST", "/registries", addedRegistryLoginSchema, { body: input });
  }

  /** Newest first; `status` open (the portal's default), resolved or all. */
  async listIncidents(status: "open" | "resolved" | "all", limit = 100) {
    const query = { status, limit: String(limit) };
    return (await request(this.connection, "GET", "/incidents", incidentsAnswer, { query })).incidents;
  }

  /** One incident with its timeline, runbooks and postmortem. */
  async getIncident(id: string) {
    return (await request(this.connection, "GET", `/incidents/${segment(id)}`, incidentAnswer)).incident;
  }

  removeRegistryLogin(host: string) {
    return request(this.connection, "DELETE", `/registries/${segment(host)}`, removedRegistryLoginSchema);
  }

  /** The team's runbooks: library ones and its own, newest version each. */
  async listRunbooks() {
    return (await request(this.connection, "GET", "/runbooks", runbooksAnswer)).runbooks;
  }

  /** The team's certificates, by domain: status, dates, issuer, last ACME error. */
  async listCertificates() {
    return (await request(this.connection, "GET", "/certificates", certificatesAnswerSchema)).certificates;
  }

  /** One certificate with its names, chain and newest history (never its key). */
  async getCertificate(domain: string) {
    const path = `/certificates/${segment(domain)}`;
    return (await request(this.connection, "GET", path, certificateAnswerSchema)).certificate;
  }

  /** Orders a certificate for a domain of an app; answers at once, Pending (Renewing when one is served). */
  async issueCertificate(domain: string) {
    const path = `/certificates/${segment(domain)}/issue`;
    return (await request(this.connection, "POST", path, certificateAnswerSchema, { body: {} })).certificate;
  }

  /** Uploads a certificate of the team's own for a domain of an app; the portal checks it and serves it at once. */
  async uploadCertificate(upload: CertificateUpload) {
    const path = `/certificates/${segment(upload.domain)}/upload`;
    return (await request(this.connection, "POST", path, certificateAnswerSchema, { body: upload })).certificate;
  }

  /** Orders the domain's certificate again now; answers at once, Renewing or Pending. */
  async renewCertificate(domain: string) {
    const path = `/certificates/${segment(domain)}/renew`;
    return (await request(this.connection, "POST", path, certificateAnswerSchema, { body: {} })).certificate;
  }
}
