// Browsers and bundlers: fetch the wasm next to this module (bundlers see the
// `new URL(..., import.meta.url)` inside and ship the file) and wait for it.
import init from "./zoom_phone_wasm.js";

await init();

export * from "./api.js";
