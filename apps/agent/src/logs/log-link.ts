// Wires the log hub to the portal link: batches and ends go out as agent events, acknowledgements
// come in as a portal event, and a dropped link ends every stream (the portal resubscribes with cursors).
import { LOG_ACK_EVENT, logAckSchema, parseMessage } from "@wheelhouse/shared";
import type { Logger } from "../logger";
import type { LogHub } from "./log-hub";

export function logAckHandler(hub: () => LogHub, logger: Logger): Record<string, (payload: unknown) => void> {
  return {
    [LOG_ACK_EVENT]: (payload: unknown) => {
      const ack = parseMessage(logAckSchema, payload);
      if (!ack.ok) {
        logger.warn({ reason: ack.reason }, "a log acknowledgement from the portal was refused");
        return;
      }
      hub().ack(ack.data.streamId, ack.data.batch);
    },
  };
}
