// An agent's version against the portal's: semantic versions compared as semver.org orders them
// (numbers numerically, a pre-release below its release). A version that is missing or not semver
// (hand-made agents say "test") is "unknown", never "older": the page must not nag about a guess.

export const AGENT_VERSION_STATUSES = ["current", "older", "newer", "unknown"] as const;
export type AgentVersionStatus = (typeof AGENT_VERSION_STATUSES)[number];

interface SemVer {
  core: [number, number, number];
  prerelease: string[];
}

const SEMVER =
  /^v?(0|[1-9]\d*)\.(0|[1-9]\d*)\.(0|[1-9]\d*)(?:-([0-9A-Za-z-]+(?:\.[0-9A-Za-z-]+)*))?(?:\+[0-9A-Za-z-]+(?:\.[0-9A-Za-z-]+)*)?$/;

export function parseSemVer(text: string): SemVer | null {
  const match = SEMVER.exec(text.trim());
  if (!match) return null;
  return {
    core: [Number(match[1]), Number(match[2]), Number(match[3])],
    prerelease: match[4] ? match[4].split(".") : [],
  };
}

function compareIdentifiers(a: string, b: string): number {
  const aNumeric = /^\d+$/.test(a);
  const bNumeric = /^\d+$/.test(b);
  if (aNumeric && bNumeric) return Math.sign(Number(a) - Number(b));
  // Numeric identifiers sort below alphanumeric ones; alphanumeric ones in ASCII order.
  if (aNumeric !== bNumeric) return aNumeric ? -1 : 1;
  return a < b ? -1 : a > b ? 1 : 0;
}

/** -1, 0 or 1 as `a` is below, equal to or above `b`; build metadata is ignored (semver.org §10). */
export function compareSemVer(a: SemVer, b: SemVer): number {
  for (let i = 0; i < 3; i++) {
    const difference = Math.sign((a.core[i] ?? 0) - (b.core[i] ?? 0));
    if (difference !== 0) return difference;
  }
  // A release is above its pre-releases: 1.0.0-rc.1 < 1.0.0.
  if (a.prerelease.length === 0 || b.prerelease.length === 0) {
    return Math.sign(b.prerelease.length - a.prerelease.length);
  }
  for (let i = 0; i < Math.max(a.prerelease.length, b.prerelease.length); i++) {
    const left = a.prerelease[i];
    const right = b.prerelease[i];
    // A longer list of identifiers is above a shorter one it starts with.
    if (left === undefined) return -1;
    if (right === undefined) return 1;
    const difference = compareIdentifiers(left, right);
    if (difference !== 0) return difference;
  }
  return 0;
}

export function agentVersionStatus(agentVersion: string | null | undefined, portalVersion: string): AgentVersionStatus {
  const agent = agentVersion ? parseSemVer(agentVersion) : null;
  const portal = parseSemVer(portalVersion);
  if (!agent || !portal) return "unknown";
  const order = compareSemVer(agent, portal);
  return order < 0 ? "older" : order > 0 ? "newer" : "current";
}
