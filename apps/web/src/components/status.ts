// One vocabulary, one colour per status, across the product (STYLE.md "Interface").
export const STATUS_COLORS = {
  success: "teal",
  live: "teal",
  online: "teal",
  healthy: "teal",
  failure: "red",
  failed: "red",
  unhealthy: "red",
  denied: "orange",
  maintenance: "orange",
  pending: "yellow",
  // Work under way (a deployment's Queued…HealthChecking, an instance starting).
  progress: "blue",
  lost: "gray",
  revoked: "red",
  disabled: "gray",
  idle: "gray",
} as const;

export type StatusName = keyof typeof STATUS_COLORS;

export const ROLE_COLORS = { viewer: "gray", operator: "blue", approver: "violet", admin: "indigo" } as const;

/** Production is where mistakes hurt: it stands out wherever an app's environment is shown. */
export const ENVIRONMENT_COLORS = { staging: "cyan", production: "grape" } as const;
