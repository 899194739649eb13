// A TCP relay on a free loopback port in front of another loopback port, which can hold what
// arrives. Pointed at by pebble's HTTP-01 validation (its `httpPort`) it keeps an ACME order waiting
// on its challenge for as long as a test likes, so the test can act "mid-order" deterministically:
// pebble's own pre-validation sleep is random (0 to PEBBLE_VA_SLEEPTIME seconds), not a hold.
// Pebble gives up on a validation after 15 s, so a hold should be shorter than that.
import { connect, createServer, type Socket } from "node:net";
import { freePort } from "../../scripts/lib/free-port.ts";

export interface TcpGate {
  port: number;
  /** From now on connections are accepted and held: nothing read, nothing relayed. */
  hold(): void;
  /** Closes the held connections; later ones are relayed to the target again. */
  open(): void;
  /** Resolves once a connection is held (at once if one already is). */
  whenHeld(timeoutMs: number): Promise<void>;
  /** Connections held since the last hold(). */
  heldCount(): number;
  close(): Promise<void>;
}

export async function startTcpGate(targetPort: number): Promise<TcpGate> {
  const port = await freePort();
  let holding = false;
  const held: Socket[] = [];
  const open = new Set<Socket>();
  let waiters: (() => void)[] = [];

  const relay = (incoming: Socket) => {
    const outgoing = connect({ host: "127.0.0.1", port: targetPort });
    open.add(outgoing);
    outgoing.once("close", () => open.delete(outgoing));
    // Either side failing ends both: the client sees the connection close, as it would without us.
    incoming.on("error", () => outgoing.destroy());
    outgoing.on("error", () => incoming.destroy());
    incoming.pipe(outgoing).pipe(incoming);
  };

  const server = createServer((socket) => {
    open.add(socket);
    socket.once("close", () => open.delete(socket));
    if (!holding) {
      relay(socket);
      return;
    }
    socket.pause();
    // A held connection the client gives up on is just gone.
    socket.on("error", () => socket.destroy());
    held.push(socket);
    for (const wake of waiters) wake();
    waiters = [];
  });
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(port, "127.0.0.1", resolve);
  });

  return {
    port,
    hold() {
      holding = true;
      held.length = 0;
    },
    open() {
      holding = false;
      for (const socket of held) socket.destroy();
    },
    whenHeld(timeoutMs) {
      if (held.length > 0) return Promise.resolve();
      return new Promise<void>((resolve, reject) => {
        const timer = setTimeout(
          () => reject(new Error(`no connection reached the gate within ${timeoutMs} ms`)),
          timeoutMs,
        );
        waiters.push(() => {
          clearTimeout(timer);
          resolve();
        });
      });
    },
    heldCount: () => held.length,
    async close() {
      for (const socket of open) socket.destroy();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
