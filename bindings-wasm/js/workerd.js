// Cloudflare Workers: the bundler (wrangler) turns a .wasm import into a
// compiled WebAssembly.Module; workers may not compile wasm from bytes.
import { initSync } from "./zoom_phone_wasm.js";
import wasmModule from "./zoom_phone_wasm_bg.wasm";

initSync({ module: wasmModule });

export * from "./api.js";
