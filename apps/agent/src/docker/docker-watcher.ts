// Keeps the portal's view of this host's Docker engine current from the engine's event stream (not
// polling): the whole inventory after every (re)connect and engine recovery, then one message per
// changed container. When the engine stops answering, the portal is told in the engine's words, and
// the watcher retries with back-off until it answers again.
import type { AgentEventPayload, Container, Image } from "@wheelhouse/shared";
import type Docker from "dockerode";
import { backoffDelay } from "../link/backoff";
import type { Logger } from "../logger";
import { toContainer, toImage } from "./container-summary";

export interface WatcherOutput {
  inventory(payload: AgentEventPayload<"agent:inventory">): void;
  container(container: Container): void;
  removed(id: string): void;
  images(images: Image[]): void;
  status(payload: AgentEventPayload<"agent:docker-status">): void;
}

/** Container events that change what the portal shows; exec_* and attach are noise here. */
const CONTAINER_ACTIONS = new Set([
  "create",
  "start",
  "die",
  "stop",
  "kill",
  "pause",
  "unpause",
  "restart",
  "rename",
  "update",
  "oom",
]);
const IMAGE_ACTIONS = new Set(["pull", "tag", "untag", "delete", "import", "load"]);
const INSPECT_CONCURRENCY = 8;

interface DockerEvent {
  Type?: string;
  Action?: string;
  id?: string;
  Actor?: { ID?: string };
}

export class DockerWatcher {
  private stopped = false;
  private healthy = false;
  private events: NodeJS.ReadableStream | undefined;
  private imageTimer: NodeJS.Timeout | undefined;
  private retryTimer: NodeJS.Timeout | undefined;
  private failures = 0;
  private readonly perContainer = new Map<string, Promise<void>>();
  private version: string | null = null;

  constructor(
    private readonly docker: Docker,
    private readonly logger: Logger,
    private readonly out: WatcherOutput,
  ) {}

  start(): void {
    void this.connect();
  }

  /** After the portal link reconnects: send everything again (or the engine's error). */
  resync(): void {
    if (this.healthy) {
      this.out.status({ version: this.version, error: null });
      this.fullSync().catch((error: unknown) => this.lost(error));
    } else {
      this.docker.version().then(
        () => undefined,
        (error: unknown) =>
          this.out.status({ version: null, error: `Docker engine unreachable: ${(error as Error).message}` }),
      );
    }
  }

  stop(): void {
    this.stopped = true;
    clearTimeout(this.imageTimer);
    clearTimeout(this.retryTimer);
    (this.events as (NodeJS.ReadableStream & { destroy?: () => void }) | undefined)?.destroy?.();
  }

  private async connect(): Promise<void> {
    if (this.stopped) return;
    try {
      const version = await this.docker.version();
      // Subscribe first, then list: a change between the two is not lost.
      const stream = await this.docker.getEvents({ filters: { type: ["container", "image"] } });
      this.events = stream;
      this.follow(stream);
      this.healthy = true;
      this.failures = 0;
      this.version = version.Version;
      this.out.status({ version: version.Version, error: null });
      await this.fullSync();
      this.logger.info({ dockerVersion: version.Version }, "watching the Docker engine");
    } catch (error) {
      this.lost(error);
    }
  }

  private lost(error: unknown): void {
    const wasHealthy = this.healthy;
    this.healthy = false;
    (this.events as (NodeJS.ReadableStream & { destroy?: () => void }) | undefined)?.destroy?.();
    this.events = undefined;
    const message = `Docker engine unreachable: ${(error as Error).message}`;
    if (wasHealthy || this.failures === 0) {
      this.logger.warn({ reason: message }, "Docker engine not answering");
      this.out.status({ version: null, error: message });
    }
    clearTimeout(this.retryTimer);
    this.retryTimer = setTimeout(() => void this.connect(), backoffDelay(Math.min(this.failures++, 3)));
  }

  private follow(stream: NodeJS.ReadableStream): void {
    let buffer = "";
    stream.on("data", (chunk: Buffer) => {
      buffer += chunk.toString("utf8");
      let newline = buffer.indexOf("\n");
      while (newline >= 0) {
        const line = buffer.slice(0, newline).trim();
        buffer = buffer.slice(newline + 1);
        if (line) this.handle(line);
        newline = buffer.indexOf("\n");
      }
    });
    const ended = () => {
      if (this.events === stream && !this.stopped) this.lost(new Error("the engine closed its event stream"));
    };
    stream.on("end", ended);
    stream.on("error", (error: Error) => {
      if (this.events === stream && !this.stopped) this.lost(error);
    });
  }

  private handle(line: string): void {
    let event: DockerEvent;
    try {
      event = JSON.parse(line) as DockerEvent;
    } catch {
      this.logger.warn({ line: line.slice(0, 200) }, "unreadable Docker event");
      return;
    }
    const action = (event.Action ?? "").split(":")[0] ?? "";
    const id = event.Actor?.ID ?? event.id;
    if (event.Type === "container" && id) {
      if (action === "destroy") this.inOrder(id, async () => this.out.removed(id));
      else if (CONTAINER_ACTIONS.has(action) || action === "health_status") {
        this.inOrder(id, () => this.refreshContainer(id));
      }
    } else if (event.Type === "image" && IMAGE_ACTIONS.has(action)) {
      clearTimeout(this.imageTimer);
      this.imageTimer = setTimeout(() => void this.refreshImages(), 300);
    }
  }

  /**
   * Work for one container runs in event order. Inspects run in parallel would finish in any order,
   * and a "created" answer arriving after the "running" one would leave the portal with a stale state.
   */
  private inOrder(id: string, work: () => Promise<void>): void {
    const previous = this.perContainer.get(id) ?? Promise.resolve();
    const next = previous.then(work, work);
    this.perContainer.set(id, next);
    void next.finally(() => {
      if (this.perContainer.get(id) === next) this.perContainer.delete(id);
    });
  }

  private async refreshContainer(id: string): Promise<void> {
    try {
      this.out.container(toContainer(await this.docker.getContainer(id).inspect()));
    } catch (error) {
      if ((error as { statusCode?: number }).statusCode === 404) this.out.removed(id);
      else this.logger.warn({ err: error, id }, "could not inspect a changed container");
    }
  }

  private async refreshImages(): Promise<void> {
    try {
      this.out.images((await this.docker.listImages()).map(toImage));
    } catch (error) {
      this.logger.warn({ err: error }, "could not list images");
    }
  }

  private async fullSync(): Promise<void> {
    const summaries = await this.docker.listContainers({ all: true });
    const containers: Container[] = [];
    for (let i = 0; i < summaries.length; i += INSPECT_CONCURRENCY) {
      const batch = summaries.slice(i, i + INSPECT_CONCURRENCY);
      const inspected = await Promise.allSettled(batch.map((s) => this.docker.getContainer(s.Id).inspect()));
      for (const result of inspected) if (result.status === "fulfilled") containers.push(toContainer(result.value));
    }
    const images = (await this.docker.listImages()).map(toImage);
    this.out.inventory({ containers, images });
  }
}
