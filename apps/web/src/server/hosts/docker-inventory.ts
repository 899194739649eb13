// Each host's Docker inventory as its agent last reported it, kept in memory: it is live state
// that the agent sends again in full on every reconnect, so there is nothing to lose on a restart.
import type { Container, Image } from "@wheelhouse/shared";

/**
 * What one host's inventory may hold. Generous for real hosts (a busy CI runner has a few thousand
 * containers at most), small enough that an agent that is broken, or not ours, cannot fill the
 * portal's memory: above it the report is refused and the last accepted inventory stays.
 */
export const MAX_HOST_CONTAINERS = 5_000;
export const MAX_HOST_IMAGES = 5_000;

/** Why a report was not stored: which list would go over its cap, and by how many entries. */
export interface InventoryOverCap {
  kind: "containers" | "images";
  count: number;
  cap: number;
}

function overCap(kind: InventoryOverCap["kind"], count: number): InventoryOverCap | null {
  const cap = kind === "containers" ? MAX_HOST_CONTAINERS : MAX_HOST_IMAGES;
  return count > cap ? { kind, count, cap } : null;
}

export interface HostInventory {
  containers: Map<string, Container>;
  images: Image[];
  dockerVersion: string | null;
  dockerError: string | null;
  /** When the agent last sent the whole inventory; null until it has. */
  syncedAt: number | null;
}

export class InventoryStore {
  private readonly hosts = new Map<string, HostInventory>();

  private entry(hostId: string): HostInventory {
    let entry = this.hosts.get(hostId);
    if (!entry) {
      entry = { containers: new Map(), images: [], dockerVersion: null, dockerError: null, syncedAt: null };
      this.hosts.set(hostId, entry);
    }
    return entry;
  }

  get(hostId: string): HostInventory | undefined {
    return this.hosts.get(hostId);
  }

  /** Stores a whole report, or refuses it whole (a cut inventory would look like vanished containers). */
  replace(hostId: string, containers: Container[], images: Image[]): InventoryOverCap | null {
    const refused = overCap("containers", containers.length) ?? overCap("images", images.length);
    if (refused) return refused;
    const entry = this.entry(hostId);
    entry.containers = new Map(containers.map((c) => [c.id, c]));
    entry.images = images;
    entry.syncedAt = Date.now();
    return null;
  }

  /** A changed container is always stored; a new one only while the host is under its cap. */
  upsertContainer(hostId: string, container: Container): InventoryOverCap | null {
    const { containers } = this.entry(hostId);
    if (!containers.has(container.id)) {
      const refused = overCap("containers", containers.size + 1);
      if (refused) return refused;
    }
    containers.set(container.id, container);
    return null;
  }

  removeContainer(hostId: string, id: string): void {
    this.entry(hostId).containers.delete(id);
  }

  setImages(hostId: string, images: Image[]): InventoryOverCap | null {
    const refused = overCap("images", images.length);
    if (refused) return refused;
    this.entry(hostId).images = images;
    return null;
  }

  setDockerStatus(hostId: string, version: string | null, error: string | null): void {
    const entry = this.entry(hostId);
    entry.dockerVersion = version;
    entry.dockerError = error;
  }

  forget(hostId: string): void {
    this.hosts.delete(hostId);
  }
}
