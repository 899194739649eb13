// Runs commands from the portal: parses the envelope and the parameters, runs the handler with the
// command's timeout, and remembers results by id so a retried command is answered, not re-run.
import {
  COMMAND_RESULT_MEMORY,
  COMMANDS,
  type CommandParams,
  type CommandReply,
  type CommandResult,
  type CommandType,
  commandEnvelopeSchema,
  isOwnKey,
  parseMessage,
} from "@wheelhouse/shared";

export type CommandHandlers = { [T in CommandType]: (params: CommandParams<T>) => Promise<CommandResult<T>> };

/**
 * For stand-ins of an agent (tests, the benchmark's simulated fleet): the given handlers, and every
 * other command answered with a failure naming it.
 */
export function onlyHandlers(handlers: Partial<CommandHandlers>): CommandHandlers {
  const refuse = (type: string) => async (): Promise<never> => {
    throw new Error(`${type} is not supported by this stand-in agent`);
  };
  const all = Object.fromEntries(Object.keys(COMMANDS).map((type) => [type, refuse(type)]));
  return { ...all, ...handlers } as CommandHandlers;
}

export class CommandRunner {
  private readonly finished = new Map<string, CommandReply>();
  private readonly running = new Map<string, Promise<CommandReply>>();

  constructor(private readonly handlers: CommandHandlers) {}

  /** Never throws: every outcome is a reply the portal can read. */
  async run(raw: unknown): Promise<CommandReply> {
    const envelope = parseMessage(commandEnvelopeSchema, raw);
    if (!envelope.ok) {
      const id =
        typeof (raw as { id?: unknown })?.id === "string" ? String((raw as { id: string }).id).slice(0, 64) : "unknown";
      return { id, ok: false, error: { code: "BAD_PARAMS", message: `Command envelope refused: ${envelope.reason}` } };
    }
    const { id } = envelope.data;
    const done = this.finished.get(id);
    if (done) return done;
    const inFlight = this.running.get(id);
    if (inFlight) return inFlight;
    const promise = this.execute(envelope.data.id, envelope.data.type, envelope.data.params, envelope.data.timeoutMs);
    this.running.set(id, promise);
    const reply = await promise;
    this.running.delete(id);
    this.remember(id, reply);
    return reply;
  }

  private remember(id: string, reply: CommandReply) {
    this.finished.set(id, reply);
    if (this.finished.size > COMMAND_RESULT_MEMORY) {
      const oldest = this.finished.keys().next().value;
      if (oldest !== undefined) this.finished.delete(oldest);
    }
  }

  private async execute(id: string, type: string, rawParams: unknown, timeoutMs: number): Promise<CommandReply> {
    // Own keys only: `type in COMMANDS` also accepted "constructor" or "toString", whose "handler"
    // is no handler, and the portal's command then went unanswered until its timeout.
    if (!isOwnKey(COMMANDS, type))
      return {
        id,
        ok: false,
        error: { code: "UNKNOWN_COMMAND", message: `This agent does not know the command ${type}.` },
      };
    const commandType: CommandType = type;
    const params = parseMessage(COMMANDS[commandType].params, rawParams ?? {});
    if (!params.ok)
      return {
        id,
        ok: false,
        error: { code: "BAD_PARAMS", message: `Parameters of ${type} refused: ${params.reason}` },
      };
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<CommandReply>((resolve) => {
      timer = setTimeout(
        () =>
          resolve({
            id,
            ok: false,
            error: { code: "TIMEOUT", message: `${type} did not finish within ${timeoutMs} ms.` },
          }),
        timeoutMs,
      );
    });
    const handler = this.handlers[commandType] as (params: unknown) => Promise<unknown>;
    const work = handler(params.data).then(
      (result): CommandReply => ({ id, ok: true, result }),
      (error: unknown): CommandReply => ({
        id,
        ok: false,
        error: { code: "FAILED", message: (error as Error).message.slice(0, 4_000) },
      }),
    );
    try {
      return await Promise.race([work, timeout]);
    } finally {
      clearTimeout(timer);
    }
  }
}
