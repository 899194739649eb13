"use client";
// The signed-in user, for pages inside the portal shell. The shell renders nothing until it knows.
import { type Action, canInTeam, type Role } from "@wheelhouse/shared";
import { createContext, type ReactNode, useContext } from "react";

export interface CurrentUser {
  id: string;
  email: string;
  name: string;
  role: Role;
  /** `portal`: the portal's first team, where portal-wide settings are changed (PORTAL_ACTIONS). */
  team: { id: string; name: string; slug: string; portal: boolean };
  /** Whether the person's role must use a second factor, and whether they have one. */
  secondFactor: { required: boolean; enabled: boolean };
}

const SessionContext = createContext<CurrentUser | null>(null);

export function SessionProvider({ user, children }: { user: CurrentUser; children: ReactNode }) {
  return <SessionContext.Provider value={user}>{children}</SessionContext.Provider>;
}

export function useCurrentUser(): CurrentUser {
  const user = useContext(SessionContext);
  if (!user) throw new Error("useCurrentUser is only available inside the portal shell.");
  return user;
}

/** Mirrors the server's check to hide actions; the server still decides. */
export function useCan(action: Action): boolean {
  const user = useCurrentUser();
  return canInTeam(user.role, action, user.team);
}
