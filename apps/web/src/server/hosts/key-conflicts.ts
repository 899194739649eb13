// One key connecting from two places in turn: two agents run with the same key (a copied config
// directory, or an old agent left running) and each reconnect replaces the other, about once a
// second, failing every command in flight. A new connection of a connected host normally replaces
// the old one (a stale socket after a network blip must not keep receiving commands); more than
// REPLACEMENT_LIMIT of those within REPLACEMENT_WINDOW_MS starts an episode: the established
// connection stays, and newcomers are refused with a delay that doubles each time, which the agent
// honours (KEY_IN_USE, retryAfterMs). The episode ends when no newcomer came back within its delay
// and a grace period, so the host's page stops saying so once the second agent is gone.
import { KEY_IN_USE_MAX_DELAY_MS } from "@wheelhouse/shared";

export const REPLACEMENT_LIMIT = 3;
export const REPLACEMENT_WINDOW_MS = 30_000;
export const FIRST_REFUSAL_DELAY_MS = 5_000;
/** How long past its delay a refused agent may take to come back before the episode is over. */
export const EPISODE_GRACE_MS = 60_000;
/** Above this many hosts with recent replacements, old entries are swept (bounded memory). */
const SWEEP_ABOVE = 1_000;

export interface KeyConflict {
  since: Date;
  /** Newcomers refused in this episode. */
  refusedAttempts: number;
  /** The latest refusal: once the second agent is stopped, the page can say how long it has been quiet. */
  lastRefusedAt: Date;
}

export type NewcomerVerdict =
  | { refuse: false }
  | { refuse: true; retryAfterMs: number /** This refusal starts the episode (audit it once). */; started: boolean };

interface Episode {
  since: number;
  refusals: number;
  retryAfterMs: number;
  lastRefusalAt: number;
}

export class KeyConflicts {
  private readonly replacements = new Map<string, number[]>();
  private readonly episodes = new Map<string, Episode>();

  /**
   * A handshake with a valid key arrived while that host has a live connection: may it replace
   * the connection, or must it wait?
   */
  newcomer(hostId: string, now = Date.now()): NewcomerVerdict {
    const episode = this.episode(hostId, now);
    if (episode) return { refuse: true, retryAfterMs: this.refuseIn(episode, now), started: false };
    const recent = (this.replacements.get(hostId) ?? []).filter((at) => now - at < REPLACEMENT_WINDOW_MS);
    if (recent.length < REPLACEMENT_LIMIT) {
      recent.push(now);
      this.replacements.set(hostId, recent);
      this.sweep(now);
      return { refuse: false };
    }
    this.replacements.delete(hostId);
    const started: Episode = { since: now, refusals: 0, retryAfterMs: 0, lastRefusalAt: now };
    this.episodes.set(hostId, started);
    return { refuse: true, retryAfterMs: this.refuseIn(started, now), started: true };
  }

  /** The episode of this host, if one is on: what the host's page shows. */
  current(hostId: string, now = Date.now()): KeyConflict | null {
    const episode = this.episode(hostId, now);
    return episode
      ? {
          since: new Date(episode.since),
          refusedAttempts: episode.refusals,
          lastRefusedAt: new Date(episode.lastRefusalAt),
        }
      : null;
  }

  /** The host was revoked: nothing to remember. */
  forget(hostId: string): void {
    this.replacements.delete(hostId);
    this.episodes.delete(hostId);
  }

  private refuseIn(episode: Episode, now: number): number {
    episode.refusals += 1;
    episode.retryAfterMs = Math.min(KEY_IN_USE_MAX_DELAY_MS, FIRST_REFUSAL_DELAY_MS * 2 ** (episode.refusals - 1));
    episode.lastRefusalAt = now;
    return episode.retryAfterMs;
  }

  private episode(hostId: string, now: number): Episode | undefined {
    const episode = this.episodes.get(hostId);
    if (!episode) return undefined;
    if (now > episode.lastRefusalAt + episode.retryAfterMs + EPISODE_GRACE_MS) {
      this.episodes.delete(hostId);
      return undefined;
    }
    return episode;
  }

  private sweep(now: number): void {
    if (this.replacements.size <= SWEEP_ABOVE) return;
    for (const [hostId, times] of this.replacements) {
      if (times.every((at) => now - at >= REPLACEMENT_WINDOW_MS)) this.replacements.delete(hostId);
    }
  }
}
