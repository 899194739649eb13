// One vocabulary, one colour per status, across the product (STYLE.md "Interface").
export const STATUS_COLORS = {
  success: "teal",
  live: "teal",
  online: "teal",
  failure: "red",
  failed: "red",
  denied: "orange",
  pending: "yellow",
  lost: "gray",
  revoked: "red",
  disabled: "gray",
} as const;

export type StatusName = keyof typeof STATUS_COLORS;

export const ROLE_COLORS = { viewer: "gray", operator: "blue", approver: "violet", admin: "indigo" } as const;
