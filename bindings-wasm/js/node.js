// Node.js (and Deno, Bun): read the wasm next to this file and instantiate it
// synchronously, so the API is ready when the import resolves.
import { webcrypto } from "node:crypto";
import { readFileSync } from "node:fs";
import { initSync } from "./zoom_phone_wasm.js";
import { environment } from "./logging.js";

// The core draws OAuth `state` and PKCE verifiers from crypto.getRandomValues,
// a global only from Node 19 on.
globalThis.crypto ??= webcrypto;

initSync({ module: readFileSync(new URL("./zoom_phone_wasm_bg.wasm", import.meta.url)) });

// ZOOM_PHONE_LOG=debug (or error, warn, info) logs every client's records to
// the console without a code change; read when each client is made.
environment.logLevel = () => process.env.ZOOM_PHONE_LOG;

export * from "./api.js";
