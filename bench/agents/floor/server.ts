// One of the two servers of bench/agents/floor: an EMPTY Socket.IO server (an /agent namespace
// whose sockets do nothing) or a bare `ws` server that pings every 5 s. No Wheelhouse code: the
// difference between the two is what Socket.IO itself costs per idle connection.
//   node --expose-gc --import tsx bench/agents/floor/server.ts sio|ws PORT
// Prints "listening"; on SIGUSR2 collects garbage and prints "MEM <rss> <heapUsed>".
import { createServer } from "node:http";
import { Server } from "socket.io";
import { WebSocketServer } from "ws";

const [mode, port] = process.argv.slice(2);
const http = createServer();
if (mode === "sio") {
  // The same options as the portal's (realtime/sockets.ts), and the same release of the upgrade
  // request and its headers that the portal's /agent namespace does.
  const io = new Server(http, { serveClient: false, pingInterval: 5_000, pingTimeout: 5_000 });
  io.of("/agent").on("connection", (socket) => {
    (socket.conn as unknown as { request: unknown }).request = null;
    socket.handshake.headers = {};
    socket.onAny(() => undefined);
  });
} else {
  const wss = new WebSocketServer({ server: http });
  wss.on("connection", (ws) => {
    ws.on("message", () => undefined);
    const ping = setInterval(() => ws.ping(), 5_000);
    ws.on("close", () => clearInterval(ping));
  });
}
http.listen(Number(port), "127.0.0.1", () => process.stdout.write("listening\n"));
process.on("SIGUSR2", () => {
  (globalThis as { gc?: () => void }).gc?.();
  setTimeout(() => {
    const { rss, heapUsed } = process.memoryUsage();
    process.stdout.write(`MEM ${rss} ${heapUsed}\n`);
  }, 500);
});
