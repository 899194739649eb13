// Wires terminal sessions to the portal link: the portal's input, resize and acknowledgement events
// are parsed against their schemas (binary-aware) and handed to the sessions.
import { parseMessage, TERMINAL_PORTAL_EVENTS, type TerminalPortalEvent } from "@wheelhouse/shared";
import type { Logger } from "../logger";
import type { TerminalSessions } from "./terminal-sessions";

export function terminalEventHandlers(
  sessions: () => TerminalSessions,
  logger: Logger,
): Record<string, (payload: unknown) => void> {
  const handlers: Record<string, (payload: unknown) => void> = {};
  for (const event of Object.keys(TERMINAL_PORTAL_EVENTS) as TerminalPortalEvent[]) {
    handlers[event] = (payload: unknown) => {
      const parsed = parseMessage(TERMINAL_PORTAL_EVENTS[event], payload);
      if (!parsed.ok) {
        logger.warn({ event, reason: parsed.reason }, "a terminal message from the portal was refused");
        return;
      }
      // A session that just ended may still get a keystroke or an acknowledgement: nothing to do.
      sessions().handle(event, parsed.data);
    };
  }
  return handlers;
}
