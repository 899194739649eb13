// Declares that a procedure is also served as REST under /api/v1 (http/rest-api.ts) and listed in
// /api/openapi.json: `.meta(rest("POST", "/apps/{name}/rollback", "Roll back", ["apps"]))`.
import type { OpenApiMeta, OpenApiMethod } from "trpc-to-openapi";

/**
 * `protect: true` is what trpc-to-openapi assumes when it is left out, so every route is documented
 * as taking `Authorization: Bearer`; the procedure itself decides whether a caller must be signed in.
 */
export function rest(method: OpenApiMethod, path: `/${string}`, summary: string, tags: readonly string[]): OpenApiMeta {
  return { openapi: { method, path, protect: true, tags: [...tags], summary } };
}
