// Listening TCP sockets read straight from the kernel's tables (/proc/net/tcp and tcp6), and the
// processes holding them found through /proc/PID/fd: the answer to "who holds port 8080?" without
// lsof or ss, which a minimal host may not have.
import { readdir, readFile, readlink } from "node:fs/promises";
import { errorCode } from "./check-result";

/** TCP_LISTEN in the kernel's state numbering (include/net/tcp_states.h). */
const LISTEN_STATE = "0A";

export interface ListeningSocket {
  address: string;
  port: number;
  uid: number;
  inode: number;
}

/** 0100007F → 127.0.0.1: the kernel prints IPv4 addresses as one little-endian 32-bit word. */
function ipv4(hex: string): string {
  const bytes = Buffer.from(hex, "hex");
  return [bytes[3], bytes[2], bytes[1], bytes[0]].join(".");
}

/** IPv6: four little-endian 32-bit words; the URL parser writes it in its short form (::1). */
function ipv6(hex: string): string {
  const groups: string[] = [];
  for (let word = 0; word < 4; word++) {
    const bytes = Buffer.from(hex.slice(word * 8, word * 8 + 8), "hex").reverse();
    groups.push(bytes.readUInt16BE(0).toString(16), bytes.readUInt16BE(2).toString(16));
  }
  return new URL(`http://[${groups.join(":")}]/`).hostname.slice(1, -1);
}

/** The listening sockets of one /proc/net/tcp{,6} table. Lines that do not parse are skipped. */
export function parseProcNetTcp(text: string): ListeningSocket[] {
  const sockets: ListeningSocket[] = [];
  for (const line of text.split("\n").slice(1)) {
    const fields = line.trim().split(/\s+/);
    // sl local_address rem_address st tx:rx tr:when retrnsmt uid timeout inode …
    if (fields.length < 10 || fields[3] !== LISTEN_STATE) continue;
    const [addressHex, portHex] = (fields[1] ?? "").split(":");
    if (!addressHex || !portHex) continue;
    const address = addressHex.length === 8 ? ipv4(addressHex) : addressHex.length === 32 ? ipv6(addressHex) : null;
    const port = Number.parseInt(portHex, 16);
    const uid = Number(fields[7]);
    const inode = Number(fields[9]);
    if (address === null || !Number.isInteger(port) || !Number.isInteger(inode)) continue;
    sockets.push({ address, port, uid, inode });
  }
  return sockets;
}

/** The sockets listening on `port` in this network namespace, IPv4 and IPv6. */
export async function listeningOn(port: number, procRoot = "/proc"): Promise<ListeningSocket[]> {
  const found: ListeningSocket[] = [];
  for (const table of ["tcp", "tcp6"]) {
    try {
      const text = await readFile(`${procRoot}/net/${table}`, "utf8");
      found.push(...parseProcNetTcp(text).filter((socket) => socket.port === port));
    } catch (error) {
      // A host without IPv6 has no tcp6 table.
      if (errorCode(error) !== "ENOENT") throw error;
    }
  }
  return found;
}

export interface SocketHolder {
  pid: number;
  inode: number;
  commandLine: string;
}

/** The command line of a pid as `ps` would show it; null once the process is gone. */
export async function commandLineOf(pid: number, procRoot = "/proc"): Promise<string | null> {
  try {
    const raw = await readFile(`${procRoot}/${pid}/cmdline`, "utf8");
    const text = raw.split("\0").filter(Boolean).join(" ");
    if (text !== "") return text;
    // Kernel threads have no command line; their name is in comm.
    return `[${(await readFile(`${procRoot}/${pid}/comm`, "utf8")).trim()}]`;
  } catch (error) {
    if (errorCode(error) === "ENOENT" || errorCode(error) === "ESRCH") return null;
    throw error;
  }
}

/**
 * Every process with one of these socket inodes open. Walks /proc/PID/fd, which needs root (or the
 * same user) to see into other processes: what cannot be read is skipped and shows as "no holder".
 */
export async function holdersOf(inodes: ReadonlySet<number>, procRoot = "/proc"): Promise<SocketHolder[]> {
  const holders: SocketHolder[] = [];
  if (inodes.size === 0) return holders;
  const pids = (await readdir(procRoot)).filter((entry) => /^\d+$/.test(entry)).map(Number);
  for (const pid of pids) {
    let fds: string[];
    try {
      fds = await readdir(`${procRoot}/${pid}/fd`);
    } catch {
      // Gone since the listing, or another user's process this agent may not look into.
      continue;
    }
    for (const fd of fds) {
      let target: string;
      try {
        target = await readlink(`${procRoot}/${pid}/fd/${fd}`);
      } catch {
        continue;
      }
      const match = /^socket:\[(\d+)\]$/.exec(target);
      if (!match || !inodes.has(Number(match[1]))) continue;
      const commandLine = await commandLineOf(pid, procRoot);
      if (commandLine !== null) holders.push({ pid, inode: Number(match[1]), commandLine });
      break;
    }
  }
  return holders;
}
