// The stand-in portal's single-use links (POST /invites, POST /users/reset-links), in the shapes of
// the shared schemas: a link for anyone who is not a member yet, a reset link for a member, and the
// portal's refusals otherwise. Used by stand-in-portal.ts.
import type { Invite } from "@wheelhouse/shared";

const T0 = Date.parse("2026-11-22T10:00:00.000Z");
const at = (offsetMs: number) => new Date(T0 + offsetMs).toISOString();

export const STAND_IN_LINKS = {
  invite: "https://wheelhouse.example.com/invite/StandInInviteToken_0123456789abcdef0123456",
  reset: "https://wheelhouse.example.com/reset/StandInResetToken_0123456789abcdef01234567",
  members: ["ada@example.com", "charles@example.com"],
} as const;

/** The two link endpoints; undefined for any other path. */
export function linksRoute(
  method: string,
  path: string,
  input: Record<string, unknown>,
): [number, unknown] | undefined {
  const email = String(input.email);
  const member = (STAND_IN_LINKS.members as readonly string[]).includes(email);
  if (method === "POST" && path === "/invites") {
    if (member) return [409, { message: `${email} is already a member of Analytical Engines.`, code: "CONFLICT" }];
    const invite: Invite = {
      id: "inv_1",
      email,
      role: input.role === "admin" ? "admin" : input.role === "approver" ? "approver" : "operator",
      createdAt: at(0),
      expiresAt: at(7 * 24 * 3_600_000),
      createdBy: "ada@example.com",
    };
    return [200, { invite, link: STAND_IN_LINKS.invite }];
  }
  if (method === "POST" && path === "/users/reset-links") {
    if (!member)
      return [404, { message: `No member of Analytical Engines has the email ${email}.`, code: "NOT_FOUND" }];
    return [200, { email, link: STAND_IN_LINKS.reset, expiresAt: at(3_600_000) }];
  }
  return undefined;
}
