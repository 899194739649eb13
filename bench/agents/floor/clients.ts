// N idle clients of bench/agents/floor: socket.io-client on /agent, or bare WebSockets.
//   node --import tsx bench/agents/floor/clients.ts sio|ws PORT N      (prints "ready")
import { io } from "socket.io-client";
import WebSocket from "ws";

const [mode, port, count] = process.argv.slice(2);
const n = Number(count);
let open = 0;
const opened = () => {
  open += 1;
  if (open === n) process.stdout.write("ready\n");
};
for (let i = 0; i < n; i += 1) {
  if (mode === "sio") io(`http://127.0.0.1:${port}/agent`, { transports: ["websocket"] }).on("connect", opened);
  else new WebSocket(`ws://127.0.0.1:${port}/`).on("open", opened);
  // In waves, as agents come up: a storm of thousands of handshakes at once measures the storm.
  if (i % 200 === 0) await new Promise((resolve) => setTimeout(resolve, 50));
}
