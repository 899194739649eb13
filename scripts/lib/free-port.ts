// A loopback port nothing listens on right now (the kernel's pick on 127.0.0.1), for test servers,
// throw-away PostgreSQL clusters and benchmarks, which must never collide with a running instance.
//
// A port handed out here is not bound until its user listens, and some users listen late (the
// agent's nginx opens its HTTPS port only once a site has a certificate): the kernel may offer the
// same port again meanwhile (CI once gave pebble the HTTPS port a test host was holding for later).
// So this process never hands out a port twice.
import { createServer } from "node:net";

const handedOut = new Set<number>();

function kernelPick(): Promise<number> {
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

export async function freePort(): Promise<number> {
  for (let attempt = 0; attempt < 50; attempt += 1) {
    const port = await kernelPick();
    if (!handedOut.has(port)) {
      handedOut.add(port);
      return port;
    }
  }
  throw new Error("no loopback port that this process has not handed out already, after 50 tries");
}
