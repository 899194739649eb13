// port.owner: who listens on a TCP port of the host (seed "port conflict" sections: the app cannot
// bind because a stray process or another container holds the port). Names the pid and command
// line; a port the Docker engine publishes names the container behind it.
import type { CheckParams } from "@wheelhouse/shared";
import type Docker from "dockerode";
import type { CheckContext, CheckDraft } from "./check-result";
import { holdersOf, type ListeningSocket, listeningOn, type SocketHolder } from "./proc-net-tcp";

interface PortFacts {
  port: number;
  sockets: ListeningSocket[];
  holders: SocketHolder[];
  container: string | null;
}

/** docker-proxy's own arguments say which container address it forwards to. */
function proxiedAddress(commandLine: string): string | null {
  return /-container-ip\s+(\S+)/.exec(commandLine)?.[1] ?? null;
}

/** The name of the container publishing this host port, or owning this container address. */
async function containerBehind(docker: Docker, port: number, address: string | null): Promise<string | null> {
  const containers = await docker.listContainers({ all: false });
  const found = containers.find(
    (container) =>
      container.Ports.some((published) => published.PublicPort === port) ||
      (address !== null &&
        Object.values(container.NetworkSettings?.Networks ?? {}).some((network) => network.IPAddress === address)),
  );
  return found ? (found.Names[0] ?? found.Id.slice(0, 12)).replace(/^\//, "") : null;
}

/** "port 8080 is held by pid 4242: python3 -m http.server 8080" (and the container, for docker-proxy). */
export function portHeldSentence({ port, sockets, holders, container }: PortFacts): string {
  if (holders.length === 0) {
    const where = container ? ` (published by container ${container})` : "";
    return `port ${port} is held by a process this agent cannot see (socket inode ${sockets[0]?.inode ?? "?"})${where}: run the agent as root to name it`;
  }
  const named = holders.map(({ pid, commandLine }) => {
    const behind = container && /docker-proxy/.test(commandLine) ? ` for container ${container}` : "";
    return `pid ${pid}: ${commandLine}${behind}`;
  });
  return `port ${port} is held by ${[...new Set(named)].join("; and by ")}`;
}

export async function portOwner(context: CheckContext, params: CheckParams<"port.owner">): Promise<CheckDraft> {
  const sockets = await listeningOn(params.port);
  const holders = await holdersOf(new Set(sockets.map((socket) => socket.inode)));
  const held = sockets.length > 0;
  const address = holders.map((holder) => proxiedAddress(holder.commandLine)).find((found) => found !== null) ?? null;
  const container = held ? await containerBehind(context.docker, params.port, address) : null;
  const facts = {
    port: params.port,
    held,
    pids: [...new Set(holders.map((holder) => holder.pid))],
    commandLines: [...new Set(holders.map((holder) => holder.commandLine))],
    addresses: sockets.map((socket) => socket.address),
    container,
  };
  const output = [
    ...sockets.map((socket) => `listening ${socket.address}:${socket.port} uid ${socket.uid} inode ${socket.inode}`),
    ...holders.map((holder) => `pid ${holder.pid} (inode ${holder.inode}): ${holder.commandLine}`),
  ].join("\n");
  if (!held) {
    const finding = `nothing listens on port ${params.port}`;
    return params.expect === "free"
      ? { outcome: "pass", finding: `port ${params.port} is free: ${finding}`, output, facts }
      : { outcome: "fail", finding: `${finding}: the process that should serve it is not running`, output, facts };
  }
  const sentence = portHeldSentence({ port: params.port, sockets, holders, container });
  return { outcome: params.expect === "held" ? "pass" : "fail", finding: sentence, output, facts };
}
