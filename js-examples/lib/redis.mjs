// A throwaway redis-server (Debian's; `make redis` installs it) for the
// fleet tests and examples: on a free loopback port, without persistence,
// killed and restarted on the same port for the outage tests, stopped at
// the end.
import { spawn } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { connect, createServer } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";

async function freePort() {
  const server = createServer().listen(0, "127.0.0.1");
  await new Promise((resolve) => server.once("listening", resolve));
  const { port } = server.address();
  await new Promise((resolve) => server.close(resolve));
  return port;
}

/** Whether something answers PING on the port. */
function pong(port) {
  return new Promise((resolve) => {
    const socket = connect(port, "127.0.0.1");
    socket.setTimeout(200, () => socket.destroy());
    socket.once("error", () => resolve(false));
    socket.once("close", () => resolve(false));
    socket.once("connect", () => socket.write("PING\r\n"));
    socket.once("data", (data) => {
      resolve(data.toString().startsWith("+PONG"));
      socket.destroy();
    });
  });
}

export async function startRedis() {
  const port = await freePort();
  const dir = mkdtempSync(join(tmpdir(), "zoom-phone-redis-"));
  let child;
  const up = async () => {
    child = spawn("redis-server", ["--port", String(port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no", "--dir", dir], {
      stdio: "ignore",
    });
    const failed = new Promise((_, reject) => {
      child.once("error", (e) =>
        reject(e.code === "ENOENT" ? new Error("redis-server is not installed: `make redis` (apt-get install redis-server)") : e),
      );
    });
    for (let i = 0; i < 200; i++) {
      if (await Promise.race([pong(port), failed])) return;
      await new Promise((r) => setTimeout(r, 25));
    }
    throw new Error(`redis-server did not start on port ${port}`);
  };
  const down = async () => {
    // A killed child has a signalCode and no exitCode: gone either way.
    if (!child || child.exitCode !== null || child.signalCode !== null) return;
    const exited = new Promise((resolve) => child.once("exit", resolve));
    child.kill("SIGKILL");
    await exited;
  };
  await up();
  return {
    port,
    url: `redis://127.0.0.1:${port}`,
    /** An outage: the server is gone (killed, not shut down). */
    kill: down,
    /** Back, empty (no scripts loaded, no keys), on the same port. */
    restart: async () => {
      await down();
      await up();
    },
    stop: async () => {
      await down();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
