// The address a host reaches the portal at, for the lines the pages show: PUBLIC_URL when the
// portal has one; else the origin this page was opened at, which the person knows works (the
// portal's own default, http://localhost:PORT, would be wrong on every other machine).
export function portalAddress(publicUrl: string | null): string {
  return publicUrl ?? (typeof window === "undefined" ? "" : window.location.origin);
}
