// The portal's version, from its package.json (shown in the OpenAPI document and the UI footer).
import { createRequire } from "node:module";

const require = createRequire(import.meta.url);
export const PORTAL_VERSION: string = (require("../../package.json") as { version: string }).version;
