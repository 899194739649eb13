// JSON logs, one line per event (pino). Level from LOG_LEVEL.
import { pino } from "pino";

export type Logger = pino.Logger;

export function createLogger(level: string): Logger {
  return pino({
    level,
    base: { service: "wheelhouse-portal" },
    timestamp: pino.stdTimeFunctions.isoTime,
    // Never write a credential into a log line, whatever a caller passes.
    redact: {
      paths: ["password", "*.password", "passwordHash", "*.passwordHash", "token", "*.token", "cookie", "*.cookie"],
      censor: "[redacted]",
    },
  });
}
