# Runs worker.js's test() in workerd, Cloudflare Workers' runtime, with the
# package's "workerd" entry: `workerd test js-examples/workerd/config.capnp`.
# The modules are listed the way wrangler would bundle them: the .wasm as a
# compiled WebAssembly.Module, everything else as ES modules.
using Workerd = import "/workerd/workerd.capnp";

const config :Workerd.Config = (
  services = [(name = "main", worker = .worker)],
);

const worker :Workerd.Worker = (
  modules = [
    (name = "worker.js", esModule = embed "worker.js"),
    (name = "zoom-phone/workerd.js", esModule = embed "../node_modules/zoom-phone/workerd.js"),
    (name = "zoom-phone/answer.js", esModule = embed "../node_modules/zoom-phone/answer.js"),
    (name = "zoom-phone/api.js", esModule = embed "../node_modules/zoom-phone/api.js"),
    (name = "zoom-phone/body.js", esModule = embed "../node_modules/zoom-phone/body.js"),
    (name = "zoom-phone/call.js", esModule = embed "../node_modules/zoom-phone/call.js"),
    (name = "zoom-phone/client.js", esModule = embed "../node_modules/zoom-phone/client.js"),
    (name = "zoom-phone/errors.js", esModule = embed "../node_modules/zoom-phone/errors.js"),
    (name = "zoom-phone/fleet.js", esModule = embed "../node_modules/zoom-phone/fleet.js"),
    (name = "zoom-phone/generated/operations.js", esModule = embed "../node_modules/zoom-phone/generated/operations.js"),
    (name = "zoom-phone/logging.js", esModule = embed "../node_modules/zoom-phone/logging.js"),
    (name = "zoom-phone/oauth.js", esModule = embed "../node_modules/zoom-phone/oauth.js"),
    (name = "zoom-phone/pages.js", esModule = embed "../node_modules/zoom-phone/pages.js"),
    (name = "zoom-phone/requests.js", esModule = embed "../node_modules/zoom-phone/requests.js"),
    (name = "zoom-phone/shards.js", esModule = embed "../node_modules/zoom-phone/shards.js"),
    (name = "zoom-phone/sync.js", esModule = embed "../node_modules/zoom-phone/sync.js"),
    (name = "zoom-phone/token-stores.js", esModule = embed "../node_modules/zoom-phone/token-stores.js"),
    (name = "zoom-phone/webhooks.js", esModule = embed "../node_modules/zoom-phone/webhooks.js"),
    (name = "zoom-phone/zoom_phone_wasm.js", esModule = embed "../node_modules/zoom-phone/zoom_phone_wasm.js"),
    (name = "zoom-phone/zoom_phone_wasm_bg.wasm", wasm = embed "../node_modules/zoom-phone/zoom_phone_wasm_bg.wasm"),
  ],
  compatibilityDate = "2025-09-01",
);
