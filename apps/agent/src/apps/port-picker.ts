// Which host port a new instance gets: one in the agent's range that no Wheelhouse container has
// claimed (its wheelhouse.port label, running or not, so a stopped instance keeps its port) and that
// nothing else on the host holds right now (a trial bind on 127.0.0.1).
import { createServer } from "node:net";

export interface PortRange {
  first: number;
  last: number;
}

/** The range's ports in the order they are tried: from `start` upward, wrapping around, skipping `used`. */
export function* portCandidates(range: PortRange, used: ReadonlySet<number>, start: number): Generator<number> {
  const size = range.last - range.first + 1;
  const offset = Math.min(Math.max(start, range.first), range.last) - range.first;
  for (let step = 0; step < size; step += 1) {
    const port = range.first + ((offset + step) % size);
    if (!used.has(port)) yield port;
  }
}

/** True when a listener could bind 127.0.0.1:port at this moment (it is closed again at once). */
export function canBind(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const server = createServer();
    server.once("error", () => resolve(false));
    server.listen({ port, host: "127.0.0.1", exclusive: true }, () => {
      server.close(() => resolve(true));
    });
  });
}

export interface PickOptions {
  /** Where the search starts; random by default so concurrent agents and retries rarely collide. */
  start?: number;
  bindable?: (port: number) => Promise<boolean>;
}

export class NoFreePortError extends Error {}

export async function pickPort(
  range: PortRange,
  used: ReadonlySet<number>,
  options: PickOptions = {},
): Promise<number> {
  const start = options.start ?? range.first + Math.floor(Math.random() * (range.last - range.first + 1));
  const bindable = options.bindable ?? canBind;
  let busy = 0;
  for (const port of portCandidates(range, used, start)) {
    if (await bindable(port)) return port;
    busy += 1;
  }
  const claimed = range.last - range.first + 1 - busy;
  throw new NoFreePortError(
    `no free host port in ${range.first}-${range.last}: ${claimed} claimed by Wheelhouse containers, ${busy} held by other processes (widen WHEELHOUSE_AGENT_PORT_RANGE or remove old instances)`,
  );
}
