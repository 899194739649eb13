// Whether a request wrote an audit event. The tRPC edge runs every signed-in mutation inside a scope
// (trpc/trpc.ts): a mutation that succeeds without writing one is a bug the tests catch (an error is
// logged, and a logged error fails an integration test); one that fails without writing one gets a
// `failure` event written for it, so every attempt to change something leaves a trace.
import { AsyncLocalStorage } from "node:async_hooks";

interface AuditScope {
  written: number;
}

const scopes = new AsyncLocalStorage<AuditScope>();

/** Runs `work`, counting the audit events written while it runs (in its async continuation). */
export async function withAuditScope<T>(work: () => Promise<T>): Promise<{ result: T; written: number }> {
  const scope: AuditScope = { written: 0 };
  const result = await scopes.run(scope, work);
  return { result, written: scope.written };
}

/** Called by recordAudit after each write. */
export function noteAuditWritten(): void {
  const scope = scopes.getStore();
  if (scope) scope.written += 1;
}
