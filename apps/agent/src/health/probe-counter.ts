// The counting rule of live health, without timers or sockets: consecutive failed probes make a
// healthy instance unhealthy at `failureThreshold`, consecutive passed probes make an unhealthy one
// healthy again at `successThreshold`. A single probe the other way resets the run.

export type ProbeTransition = "became-unhealthy" | "became-healthy" | null;

export class ProbeCounter {
  private run = 0;

  constructor(
    private state: boolean,
    private readonly failureThreshold: number,
    private readonly successThreshold: number,
  ) {}

  get healthy(): boolean {
    return this.state;
  }

  /** Records one probe; says when it tipped the verdict. */
  record(passed: boolean): ProbeTransition {
    if (passed === this.state) {
      // A probe that agrees with the verdict ends any run towards the other one.
      this.run = 0;
      return null;
    }
    this.run += 1;
    if (this.run < (this.state ? this.failureThreshold : this.successThreshold)) return null;
    this.state = passed;
    this.run = 0;
    return passed ? "became-healthy" : "became-unhealthy";
  }

  /** Back to healthy with no run (after the container was restarted). */
  reset(): void {
    this.state = true;
    this.run = 0;
  }
}
