// The REST surface: the tRPC procedures that carry `meta.openapi`, served under /api/v1 with the
// same context (session cookie or `Authorization: Bearer whk_…`), so permissions and audit are
// identical. The OpenAPI document is generated from the same zod schemas.
import { AsyncLocalStorage } from "node:async_hooks";
import type { IncomingMessage, ServerResponse } from "node:http";
import { createOpenApiHttpHandler, generateOpenApiDocument } from "trpc-to-openapi";
import type { PortalServices } from "../services";
import { createContext } from "../trpc/context";
import { appRouter } from "../trpc/root-router";
import { PORTAL_VERSION } from "../version";

export const REST_BASE = "/api/v1";

export function createRestApi(services: PortalServices) {
  // The adapter hands createContext its own wrapper of the request (no socket, so no client
  // address); the context is built from the real request and response kept here.
  const current = new AsyncLocalStorage<{ req: IncomingMessage; res: ServerResponse }>();
  const handler = createOpenApiHttpHandler({
    router: appRouter,
    // The adapter's default is 100 kB; a certificate upload's PEM texts may reach 208 kB
    // (certificateUploadSchema's bounds), and every other body stays far below.
    maxBodySize: 256 * 1024,
    createContext: () => {
      const exchange = current.getStore();
      if (!exchange) throw new Error("REST request outside its handler");
      return createContext(services, exchange.req, exchange.res);
    },
    onError({ error, path }: { error: { code: string }; path?: string }) {
      if (error.code === "INTERNAL_SERVER_ERROR") services.logger.error({ err: error, path }, "REST request failed");
    },
  });
  let document: string | null = null;
  return {
    handle(req: IncomingMessage, res: ServerResponse): void {
      // The handler matches paths without our prefix.
      req.url = (req.url ?? "/").slice(REST_BASE.length) || "/";
      sayWhichFieldsAreWrong(res);
      void current.run({ req, res }, () => handler(req, res));
    },
    openApiDocument(): string {
      document ??= JSON.stringify(
        generateOpenApiDocument(appRouter, {
          title: "Wheelhouse API",
          description:
            "Apps, releases, deployments and users of a Wheelhouse portal. Authenticate with `Authorization: Bearer <API key>`; create keys on your Settings page or with `wheelhouse login`.",
          version: PORTAL_VERSION,
          baseUrl: `${services.config.publicUrl.replace(/\/$/, "")}${REST_BASE}`,
        }),
      );
      return document;
    },
  };
}

/**
 * The adapter answers invalid input with the message "Input validation failed" and the zod issues
 * beside it; people (and the CLI, which prints `message`) need the sentences themselves, the same
 * ones the tRPC transport gives (trpc/trpc.ts errorFormatter).
 */
function sayWhichFieldsAreWrong(res: ServerResponse): void {
  const end = res.end.bind(res) as (chunk?: unknown, ...rest: unknown[]) => ServerResponse;
  res.end = ((chunk?: unknown, ...rest: unknown[]) => {
    if (res.statusCode === 400 && typeof chunk === "string") {
      try {
        const body = JSON.parse(chunk) as { message?: string; issues?: { message: string }[] };
        if (body.message === "Input validation failed" && body.issues?.length) {
          body.message = body.issues.map((issue) => issue.message).join(" ");
          const text = JSON.stringify(body);
          res.setHeader("content-length", Buffer.byteLength(text));
          return end(text, ...rest);
        }
      } catch {
        // Not JSON: pass it on untouched.
      }
    }
    return end(chunk, ...rest);
  }) as ServerResponse["end"];
}
