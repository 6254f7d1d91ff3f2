// Node.js (and Deno, Bun): read the wasm next to this file and instantiate it
// synchronously, so the API is ready when the import resolves.
import { readFileSync } from "node:fs";
import { initSync } from "./zoom_phone_wasm.js";

initSync({ module: readFileSync(new URL("./zoom_phone_wasm_bg.wasm", import.meta.url)) });

export * from "./zoom_phone_wasm.js";
