// Where the core's log records go, and from which level the core builds
// them: the `logger` and `log` options, the environment's switch
// (ZOOM_PHONE_LOG in Node), and the logger's own level (pino, winston).
// With none of them the core builds no record at all.
import { ZoomBuildError } from "./errors.js";

const LEVELS = new Set(["off", "error", "warn", "info", "debug"]);
/** Other loggers' level names in the core's terms. */
const ALIASES = { trace: "debug", warning: "warn", fatal: "error", silent: "off" };

/** What the platform's entry module tells the client about its environment (node.js sets it). */
export const environment = {
  /** The ZOOM_PHONE_LOG switch, read at each client's construction. */
  logLevel: () => undefined,
};

function envLevel() {
  const raw = environment.logLevel();
  if (raw === undefined || raw === "") return undefined;
  const level = String(raw).trim().toLowerCase();
  if (!LEVELS.has(level)) {
    throw new ZoomBuildError(`ZOOM_PHONE_LOG must be one of off, error, warn, info, debug (it is ${JSON.stringify(raw)})`, {
      class: "build",
      code: "invalid_config",
    });
  }
  return level;
}

/** A logger's own level (`logger.level` of pino and winston), in the core's terms. */
function levelOf(logger) {
  const level = typeof logger?.level === "string" ? logger.level.toLowerCase() : undefined;
  if (level === undefined) return undefined;
  const mapped = ALIASES[level] ?? level;
  return LEVELS.has(mapped) ? mapped : undefined;
}

/**
 * The logger and the core's `log` level for a client's options: `log` if
 * given, else ZOOM_PHONE_LOG, else the logger's own level, else `info`.
 * A level without a logger logs to the console.
 */
export function logSetup(options) {
  const env = envLevel();
  let logger = options.logger ?? undefined;
  if (logger !== undefined && (logger === null || typeof logger !== "object")) {
    throw new TypeError("logger must be an object with debug/info/warn/error methods (console fits)");
  }
  const log = options.log ?? env ?? (logger ? (levelOf(logger) ?? "info") : undefined);
  if (log === undefined || log === "off") return { logger: undefined, log };
  logger ??= globalThis.console;
  return { logger, log };
}

const RANK = { off: 0, error: 1, warn: 2, info: 3, debug: 4 };

/** Whether a record of `level` is wanted when the client logs from `configured` on. */
export function enabled(configured, level) {
  return (RANK[configured] ?? 0) >= (RANK[level] ?? 5);
}

/** Hands each record to `logger.<level>(message, record)` (a missing level falls back to `info`, then `log`). */
export function forward(logger, events) {
  for (const e of events) {
    const method = logger[e.level] ?? logger.info ?? logger.log;
    if (typeof method === "function") method.call(logger, e.message, e);
  }
}
