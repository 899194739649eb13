import { describe, expect, it } from "vitest";
import { parseProcNetTcp } from "./proc-net-tcp";

// Lines as the kernel writes them (captured from a Linux 6.x host): a listener on 127.0.0.1:8080,
// one on 0.0.0.0:22, an established connection, and IPv6 listeners on [::]:443 and [::1]:5432.
const TCP = `  sl  local_address rem_address   st tx_queue rx_queue tr tm->when retrnsmt   uid  timeout inode
   0: 0100007F:1F90 00000000:0000 0A 00000000:00000000 00:00000000 00000000  1000        0 424242 1 0000000000000000 100 0 0 10 0
   1: 00000000:0016 00000000:0000 0A 00000000:00000000 00:00000000 00000000     0        0 1234 1 0000000000000000 100 0 0 10 0
   2: 0100007F:1F90 0100007F:C350 01 00000000:00000000 00:00000000 00000000  1000        0 999 1 0000000000000000 20 4 30 10 -1
`;
const TCP6 = `  sl  local_address                         remote_address                        st tx_queue rx_queue tr tm->when retrnsmt   uid  timeout inode
   0: 00000000000000000000000000000000:01BB 00000000000000000000000000000000:0000 0A 00000000:00000000 00:00000000 00000000     0        0 5555 1 0000000000000000 100 0 0 10 0
   1: 00000000000000000000000001000000:1538 00000000000000000000000000000000:0000 0A 00000000:00000000 00:00000000 00000000   105        0 6666 1 0000000000000000 100 0 0 10 0
`;

describe("parseProcNetTcp", () => {
  it("reads listening IPv4 sockets with address, port, uid and inode, and skips other states", () => {
    expect(parseProcNetTcp(TCP)).toEqual([
      { address: "127.0.0.1", port: 8080, uid: 1000, inode: 424242 },
      { address: "0.0.0.0", port: 22, uid: 0, inode: 1234 },
    ]);
  });

  it("reads IPv6 listeners in their short form", () => {
    expect(parseProcNetTcp(TCP6)).toEqual([
      { address: "::", port: 443, uid: 0, inode: 5555 },
      { address: "::1", port: 5432, uid: 105, inode: 6666 },
    ]);
  });

  it("skips the header, blank and malformed lines", () => {
    expect(parseProcNetTcp(`${TCP.split("\n")[0]}\n\n   9: garbage 0A\n`)).toEqual([]);
  });
});
