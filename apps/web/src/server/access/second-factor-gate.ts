// The second factor's part of the one permission check (authorize.ts), so tRPC procedures, REST and
// every Socket.IO handshake and event meet it alike:
//   - a person whose role must use a second factor and has none enrolled may only enrol (and sign
//     out, which needs no permission): everything else answers SECOND_FACTOR_SETUP_REQUIRED;
//   - opening a host shell or reviewing an approval, by a person with a factor, needs a proof of it
//     in this session within 15 minutes (a step-up): otherwise STEP_UP_REQUIRED.
import type { Action } from "@wheelhouse/shared";
import type { AppErrorCode } from "../errors/app-error";
import { type SecondFactorState, stepUpDue } from "./second-factor-policy";

/** What a person without a required factor may still do: set one up. */
const ALLOWED_BEFORE_ENROLMENT: ReadonlySet<Action> = new Set(["account.second-factor.manage"]);
/** Actions as good as root on a host, or that let a request run as recorded: asked again. */
export const STEP_UP_ACTIONS: ReadonlySet<Action> = new Set(["hosts.shell", "approvals.review"]);

export interface SecondFactorRefusal {
  code: Extract<AppErrorCode, "STEP_UP_REQUIRED" | "SECOND_FACTOR_SETUP_REQUIRED">;
  reason: string;
  message: string;
}

export const SETUP_REQUIRED_MESSAGE =
  "Your role must use a second factor: set up an authenticator app on your Account page to continue.";
export const STEP_UP_MESSAGE =
  "Confirm with your authenticator: enter a current code to continue (asked at most every 15 minutes).";

export function secondFactorRefusal(
  state: SecondFactorState,
  action: Action,
  now: Date,
  viaApiKey: boolean,
): SecondFactorRefusal | null {
  if (state.required && !state.enabled && !ALLOWED_BEFORE_ENROLMENT.has(action)) {
    return {
      code: "SECOND_FACTOR_SETUP_REQUIRED",
      reason: "second factor not set up",
      message: SETUP_REQUIRED_MESSAGE,
    };
  }
  if (STEP_UP_ACTIONS.has(action) && stepUpDue(state, now)) {
    return viaApiKey
      ? {
          code: "STEP_UP_REQUIRED",
          reason: "step-up with an API key",
          message:
            "This needs a fresh code from your authenticator, which an API key cannot give: do it in the browser.",
        }
      : { code: "STEP_UP_REQUIRED", reason: "step-up due", message: STEP_UP_MESSAGE };
  }
  return null;
}
