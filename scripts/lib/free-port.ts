// A loopback port nothing listens on right now (the kernel's pick on 127.0.0.1), for test servers,
// throw-away PostgreSQL clusters and benchmarks, which must never collide with a running instance.
import { createServer } from "node:net";

export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.unref();
    server.once("error", reject);
    server.listen(0, "127.0.0.1", () => {
      const address = server.address();
      server.close(() => {
        if (address !== null && typeof address === "object") resolve(address.port);
        else reject(new Error("no port was assigned"));
      });
    });
  });
}
