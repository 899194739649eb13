// Secrets of the agent link: enrolment tokens (single use) and agent keys (long-lived). Only their
// SHA-256 is stored, so a copy of the database cannot impersonate an agent.
import { createHash, randomBytes } from "node:crypto";

export function newEnrollmentToken(): string {
  return `whe_${randomBytes(24).toString("base64url")}`;
}

export function newAgentKey(): string {
  return `wha_${randomBytes(32).toString("base64url")}`;
}

export function secretHash(secret: string): string {
  return createHash("sha256").update(secret).digest("hex");
}
