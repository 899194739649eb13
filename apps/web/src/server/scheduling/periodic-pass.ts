// A pass that repeats every interval for the portal's life (expiry of approval requests, the
// agent-Lost check): never two at once, a failure logged and the next pass tried as usual, and the
// timer unref'd so it never keeps a stopping portal alive.
import type { Logger } from "../logging/logger";

export class PeriodicPass {
  private timer: NodeJS.Timeout | undefined;
  private running = false;

  /** `what` names the pass in the log line of a failure ("could not <what>"). */
  constructor(
    private readonly pass: () => Promise<unknown>,
    private readonly what: string,
    private readonly logger: Pick<Logger, "error">,
  ) {}

  start(intervalMs: number): void {
    this.stop();
    this.timer = setInterval(() => {
      // A pass slower than the interval (a slow database) is not stacked with the next one.
      if (this.running) return;
      this.running = true;
      this.pass()
        .catch((error: unknown) => this.logger.error({ err: error }, `could not ${this.what}`))
        .finally(() => {
          this.running = false;
        });
    }, intervalMs);
    this.timer.unref();
  }

  stop(): void {
    clearInterval(this.timer);
    this.timer = undefined;
  }
}
