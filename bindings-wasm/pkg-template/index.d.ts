// Every entry point (node.js, web.js, workerd.js) instantiates the wasm on
// import and re-exports the same API.
export * from "./zoom_phone_wasm.js";
