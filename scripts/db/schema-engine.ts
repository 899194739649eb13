// Loads Prisma's WebAssembly schema engine (npm `@prisma/schema-engine-wasm`).
// Its package entry imports the .wasm file as an ES module, which Node 20 refuses without a flag,
// so we instantiate the .wasm ourselves with the package's JS glue as the import object.
import { readFileSync } from "node:fs";
import { createRequire } from "node:module";
import { dirname, join } from "node:path";
import type { SchemaEngine } from "@prisma/schema-engine-wasm";

const require = createRequire(import.meta.url);

let loaded: Promise<typeof SchemaEngine> | undefined;

/** Loads once: the glue module holds a single wasm instance, so a second instantiation would break it. */
export function loadSchemaEngine(): Promise<typeof SchemaEngine> {
  loaded ??= instantiate();
  return loaded;
}

async function instantiate(): Promise<typeof SchemaEngine> {
  // The glue reports a Rust panic's message here before throwing; without it the message is lost.
  const registry = {
    message: "",
    set_message(message: string) {
      this.message = message;
    },
  };
  (globalThis as { PRISMA_WASM_PANIC_REGISTRY?: typeof registry }).PRISMA_WASM_PANIC_REGISTRY = registry;
  // The package exports only its JS files, so locate the folder through the glue module.
  const gluePath = require.resolve("@prisma/schema-engine-wasm/schema_engine_bg");
  const packageDir = dirname(gluePath);
  const glue = (await import(gluePath)) as Record<string, unknown> & {
    __wbg_set_wasm(exports: WebAssembly.Exports): void;
    SchemaEngine: typeof SchemaEngine;
  };
  const bytes = readFileSync(join(packageDir, "schema_engine_bg.wasm"));
  const { instance } = await WebAssembly.instantiate(bytes, {
    "./schema_engine_bg.js": glue as WebAssembly.ModuleImports,
  });
  glue.__wbg_set_wasm(instance.exports);
  const start = instance.exports.__wbindgen_start;
  if (typeof start === "function") start();
  return glue.SchemaEngine;
}
