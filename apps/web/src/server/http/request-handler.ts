// The portal's one HTTP handler: health, metrics, tRPC, then Next.js for every page.
import type { IncomingMessage, ServerResponse } from "node:http";
import { createHTTPHandler } from "@trpc/server/adapters/standalone";
import { handleOidcCallback, handleOidcStart, OIDC_CALLBACK_PATH, OIDC_START_PATH } from "../access/sso/oidc-routes";
import { AUDIT_EXPORT_PATH, handleAuditExport } from "../audit/audit-export-route";
import { APP_ERROR_CODES } from "../errors/app-error";
import { createReadinessCheck } from "../health/readiness";
import { handleRegistryHook, REGISTRY_HOOK_PATH } from "../hooks/registry-hook-route";
import { handleAgentStatus } from "../hosts/agent-status-route";
import { handleEnroll } from "../hosts/enroll-route";
import { handleInstall, isInstallPath } from "../install/install-routes";
import { mayScrapeMetrics, refuseMetricsScrape } from "../metrics/metrics-auth";
import { type PortalMetrics, routeLabel } from "../metrics/registry";
import type { PortalServices } from "../services";
import { ALERTMANAGER_PATH, handleAlertmanager } from "../signals/alertmanager-route";
import { handlePrometheusTargets, PROMETHEUS_SD_PATH } from "../signals/prometheus-sd-route";
import { createContext } from "../trpc/context";
import { appRouter } from "../trpc/root-router";
import { createRestApi, REST_BASE } from "./rest-api";

export type PageHandler = (req: IncomingMessage, res: ServerResponse) => Promise<void>;

function sendJson(res: ServerResponse, status: number, body: unknown) {
  res.writeHead(status, { "content-type": "application/json; charset=utf-8", "cache-control": "no-store" });
  res.end(JSON.stringify(body));
}

export function createRequestHandler(
  services: PortalServices,
  metrics: PortalMetrics,
  pages: () => PageHandler | null,
) {
  const trpc = createHTTPHandler({
    router: appRouter,
    basePath: "/api/trpc/",
    createContext: ({ req, res }) => createContext(services, req, res),
    onError({ error, path }) {
      if (error.code === "INTERNAL_SERVER_ERROR") services.logger.error({ err: error, path }, "tRPC request failed");
    },
  });

  const rest = createRestApi(services);
  const checkReadiness = createReadinessCheck(services);

  return async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const started = process.hrtime.bigint();
    const pathname = new URL(req.url ?? "/", "http://portal").pathname;
    res.on("finish", () => {
      const labels = { method: req.method ?? "GET", route: routeLabel(pathname), status: String(res.statusCode) };
      metrics.httpRequests.inc(labels);
      metrics.httpDuration.observe(labels, Number(process.hrtime.bigint() - started) / 1e9);
    });
    try {
      if (pathname === "/health") return sendJson(res, 200, { ok: true });
      if (pathname === "/health/ready") {
        const report = await checkReadiness();
        return sendJson(res, report.ok ? 200 : 503, report);
      }
      if (pathname === "/metrics") {
        if (!mayScrapeMetrics(req.headers.authorization, services.config.metricsToken)) {
          return await refuseMetricsScrape(services, req, res);
        }
        const text = await metrics.registry.metrics();
        res.writeHead(200, { "content-type": metrics.registry.contentType });
        res.end(text);
        return;
      }
      if (pathname === "/api/agent/enroll") {
        if (!services.readiness.migrationsApplied) {
          return sendJson(res, 503, {
            error: { message: "Wheelhouse is starting: the database is not ready yet. Try again in a moment." },
          });
        }
        return await handleEnroll(services, req, res);
      }
      if (pathname === "/api/agent/status") {
        if (!services.readiness.migrationsApplied) {
          return sendJson(res, 503, {
            error: { message: "Wheelhouse is starting: the database is not ready yet. Try again in a moment." },
          });
        }
        return await handleAgentStatus(services, req, res);
      }
      // Single sign-on's two browser steps: redirects with cookies, not JSON (access/sso/oidc-routes.ts).
      if (pathname === OIDC_START_PATH || pathname === OIDC_CALLBACK_PATH) {
        if (!services.readiness.migrationsApplied) {
          return sendJson(res, 503, {
            error: { message: "Wheelhouse is starting: the database is not ready yet. Try again in a moment." },
          });
        }
        if (pathname === OIDC_START_PATH) return await handleOidcStart(services, req, res);
        return await handleOidcCallback(services, req, res);
      }
      // The agent's installer and bundle: no database, no session (install/install-routes.ts).
      if (isInstallPath(pathname)) return await handleInstall(services, req, res, pathname);
      if (pathname === "/api/openapi.json") {
        res.writeHead(200, { "content-type": "application/json; charset=utf-8", "cache-control": "no-store" });
        res.end(rest.openApiDocument());
        return;
      }
      // Before the REST adapter, which refuses the registry's own content type.
      if (pathname === REGISTRY_HOOK_PATH) {
        if (!services.readiness.migrationsApplied) {
          return sendJson(res, 503, {
            error: { message: "Wheelhouse is starting: the database is not ready yet. Try again in a moment." },
          });
        }
        return await handleRegistryHook(services, req, res);
      }
      // Machines holding a team token, not people: plain routes ahead of REST (signals/).
      if (pathname === ALERTMANAGER_PATH || pathname === PROMETHEUS_SD_PATH) {
        if (!services.readiness.migrationsApplied) {
          return sendJson(res, 503, {
            error: { message: "Wheelhouse is starting: the database is not ready yet. Try again in a moment." },
          });
        }
        if (pathname === ALERTMANAGER_PATH) return await handleAlertmanager(services, req, res);
        return await handlePrometheusTargets(services, req, res);
      }
      // A file for people, streamed: a plain route ahead of REST (audit/audit-export-route.ts).
      if (pathname === AUDIT_EXPORT_PATH) {
        if (!services.readiness.migrationsApplied) {
          return sendJson(res, 503, {
            error: { message: "Wheelhouse is starting: the database is not ready yet. Try again in a moment." },
          });
        }
        return await handleAuditExport(services, req, res);
      }
      if (pathname === REST_BASE || pathname.startsWith(`${REST_BASE}/`)) {
        if (!services.readiness.migrationsApplied) {
          return sendJson(res, 503, {
            message: "Wheelhouse is starting: the database is not ready yet. Try again in a moment.",
            code: "SERVICE_UNAVAILABLE",
          });
        }
        rest.handle(req, res);
        return;
      }
      if (pathname.startsWith("/api/trpc/")) {
        if (!services.readiness.migrationsApplied) {
          return sendJson(res, 503, {
            error: { message: "Wheelhouse is starting: the database is not ready yet. Try again in a moment." },
          });
        }
        trpc(req, res);
        return;
      }
      const page = pages();
      if (!page) {
        res.writeHead(503, { "content-type": "text/plain; charset=utf-8", "retry-after": "2" });
        res.end("Wheelhouse is starting. This page reloads in a moment.");
        return;
      }
      await page(req, res);
    } catch (error) {
      // Routes outside tRPC (enrolment) that write: a full disk is a 503 with its fix, logged once a minute.
      const diskFull = services.writes.diskFullError(error);
      if (diskFull) {
        if (!res.headersSent) sendJson(res, APP_ERROR_CODES[diskFull.code], { error: { message: diskFull.message } });
        else res.end();
        return;
      }
      services.logger.error({ err: error, pathname }, "request failed");
      if (!res.headersSent)
        sendJson(res, 500, { error: { message: "Something went wrong on the server. It has been logged." } });
      else res.end();
    }
  };
}
