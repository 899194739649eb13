// Changes to an app's desired state as the API makes them, with what must follow at once: domains,
// maintenance and the HTTPS redirect and HSTS switches are nginx's business, so they are pushed to every host concerned straight away
// (everything else applies at the next deploy). Validation and storage are apps.ts's.
import type { App, CreateAppInput, UpdateAppInput } from "@wheelhouse/shared";
import { AppError, reasonOf } from "../errors/app-error";
import type { PortalServices } from "../services";
import type { AppRecord } from "./app-record";
import { type AppChanges, createApp, getApp, setMaintenance, toAppDto, updateApp } from "./apps";

type Services = Pick<PortalServices, "db" | "secrets" | "nginx">;

interface Changed {
  /** The stored record, for the audit trail (ids, secret names); `app` is what the API answers. */
  record: AppRecord;
  app: App;
}

/** Each host's nginx given its whole desired state again; one host's failure does not stop the rest. */
function applyNginx(services: Services, hostIds: Iterable<string>) {
  return Promise.allSettled([...hostIds].map((hostId) => services.nginx.apply(hostId)));
}

export async function addApp(services: Services, teamId: string, input: CreateAppInput): Promise<Changed> {
  const record = await createApp(services.db, services.secrets, teamId, input);
  return { record, app: await toAppDto(services.db, record) };
}

/** A changed domain leaves the hosts the app left as well as those it runs on. */
export async function changeApp(
  services: Services,
  teamId: string,
  input: UpdateAppInput,
): Promise<Changed & { changed: AppChanges }> {
  const previousHosts = (await getApp(services.db, teamId, input.name)).hostIds;
  const { app: record, changed } = await updateApp(services.db, services.secrets, teamId, input);
  const nginxFields = ["domains", "httpsRedirect", "hsts"];
  if (changed.some((field) => nginxFields.includes(field))) {
    await applyNginx(services, new Set([...previousHosts, ...record.hostIds]));
  }
  return { record, changed, app: await toAppDto(services.db, record) };
}

/**
 * Maintenance is stored first, then every host's nginx is told. A host that did not take it is the
 * `failure`: the change stays in Wheelhouse (the reconciler applies it when the host returns), and
 * the person is told which host's nginx said what.
 */
export async function switchMaintenance(
  services: Services,
  teamId: string,
  input: { name: string; enabled: boolean },
): Promise<Changed & { failure: { message: string; error: AppError } | null }> {
  const record = await setMaintenance(services.db, teamId, input.name, input.enabled);
  const results = await applyNginx(services, record.hostIds);
  const failed = results.find((r): r is PromiseRejectedResult => r.status === "rejected");
  const failure = failed
    ? {
        message: reasonOf(failed.reason),
        error: new AppError(
          "NOT_READY",
          `Maintenance is ${input.enabled ? "on" : "off"} in Wheelhouse, but a host's nginx did not take it: ${reasonOf(failed.reason)}`,
        ),
      }
    : null;
  return { record, failure, app: await toAppDto(services.db, record) };
}
