import { pino } from "pino";

export type Logger = pino.Logger;

export function createLogger(level: string, hostName?: string): Logger {
  return pino({
    level,
    base: { service: "wheelhouse-agent", ...(hostName ? { host: hostName } : {}) },
    timestamp: pino.stdTimeFunctions.isoTime,
    redact: { paths: ["agentKey", "*.agentKey", "token", "*.token", "key", "*.key"], censor: "[redacted]" },
  });
}
