// Waiting for the portal's view of a host's containers: a container the test started is only
// addressable (logs, shell) once the agent has reported it.
import type { ApiClient } from "./api-client.ts";
import { waitFor } from "./wait-for.ts";

/** Waits until the portal's inventory of host `hostId` lists container `containerId`. */
export async function waitForListedContainer(admin: ApiClient, hostId: string, containerId: string): Promise<void> {
  await waitFor(
    async () => {
      const view = await admin.query<{ containers: { id: string }[] }>("containers.list", { hostId });
      return view.data?.containers.map((c) => c.id) ?? [];
    },
    {
      what: `container ${containerId.slice(0, 12)} in the portal's inventory of host ${hostId}`,
      timeoutMs: 15_000,
      intervalMs: 200,
      until: (ids) => ids.includes(containerId),
    },
  );
}
