// Each host's Docker inventory as its agent last reported it, kept in memory: it is live state
// that the agent sends again in full on every reconnect, so there is nothing to lose on a restart.
import type { Container, Image } from "@wheelhouse/shared";

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

  replace(hostId: string, containers: Container[], images: Image[]): void {
    const entry = this.entry(hostId);
    entry.containers = new Map(containers.map((c) => [c.id, c]));
    entry.images = images;
    entry.syncedAt = Date.now();
  }

  upsertContainer(hostId: string, container: Container): void {
    this.entry(hostId).containers.set(container.id, container);
  }

  removeContainer(hostId: string, id: string): void {
    this.entry(hostId).containers.delete(id);
  }

  setImages(hostId: string, images: Image[]): void {
    this.entry(hostId).images = images;
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
