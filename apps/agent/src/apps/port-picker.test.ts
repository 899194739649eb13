import { createServer, type Server } from "node:net";
import { afterEach, describe, expect, it } from "vitest";
import { canBind, NoFreePortError, pickPort, portCandidates } from "./port-picker";

describe("portCandidates", () => {
  it("starts at the given port, wraps around the range and skips used ports", () => {
    const order = [...portCandidates({ first: 100, last: 105 }, new Set([104, 101, 999]), 103)];
    expect(order).toEqual([103, 105, 100, 102]);
  });

  it("clamps a start outside the range to its ends", () => {
    expect([...portCandidates({ first: 10, last: 12 }, new Set(), 5)]).toEqual([10, 11, 12]);
    expect([...portCandidates({ first: 10, last: 12 }, new Set(), 50)]).toEqual([12, 10, 11]);
  });
});

describe("pickPort", () => {
  it("takes the first candidate that can be bound", async () => {
    const tried: number[] = [];
    const port = await pickPort({ first: 20_000, last: 20_009 }, new Set([20_003]), {
      start: 20_002,
      bindable: async (candidate) => {
        tried.push(candidate);
        return candidate >= 20_005;
      },
    });
    expect(port).toBe(20_005);
    expect(tried).toEqual([20_002, 20_004, 20_005]);
  });

  it("says how the range is used up when no port is free", async () => {
    const picking = pickPort({ first: 20_000, last: 20_003 }, new Set([20_000, 20_001]), {
      bindable: async () => false,
    });
    await expect(picking).rejects.toThrow(NoFreePortError);
    await expect(picking).rejects.toThrow(
      "no free host port in 20000-20003: 2 claimed by Wheelhouse containers, 2 held by other processes",
    );
  });
});

describe("canBind", () => {
  let holder: Server | undefined;
  afterEach(async () => {
    await new Promise<void>((resolve) => (holder ? holder.close(() => resolve()) : resolve()));
    holder = undefined;
  });

  it("is false for a port another listener holds on 127.0.0.1 and true once it is released", async () => {
    const server = createServer();
    holder = server;
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    const address = server.address();
    if (address === null || typeof address === "string") throw new Error("no TCP address");
    expect(await canBind(address.port)).toBe(false);
    await new Promise<void>((resolve) => server.close(() => resolve()));
    holder = undefined;
    expect(await canBind(address.port)).toBe(true);
  });
});
