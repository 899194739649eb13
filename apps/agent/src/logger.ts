import type { Writable } from "node:stream";
import { pino } from "pino";

export type Logger = pino.Logger;

/** `copyTo`: a second destination for every line (the agent's own log buffer, which it can stream). */
export function createLogger(level: string, hostName?: string, copyTo?: Writable): Logger {
  const options: pino.LoggerOptions = {
    level,
    base: { service: "wheelhouse-agent", ...(hostName ? { host: hostName } : {}) },
    timestamp: pino.stdTimeFunctions.isoTime,
    redact: { paths: ["agentKey", "*.agentKey", "token", "*.token", "key", "*.key"], censor: "[redacted]" },
  };
  if (!copyTo || level === "silent") return pino(options);
  const streamLevel = level as pino.Level;
  return pino(
    options,
    pino.multistream([
      { level: streamLevel, stream: process.stdout },
      { level: streamLevel, stream: copyTo },
    ]),
  );
}
