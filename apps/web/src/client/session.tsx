"use client";
// The signed-in user, for pages inside the portal shell. The shell renders nothing until it knows.
import { type Action, can, type Role } from "@wheelhouse/shared";
import { createContext, type ReactNode, useContext } from "react";

export interface CurrentUser {
  id: string;
  email: string;
  name: string;
  role: Role;
  team: { id: string; name: string; slug: string };
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
  return can(useCurrentUser().role, action);
}
