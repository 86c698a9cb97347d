/**
 * A minimal Jupyter client over ZeroMQ for the kernel benchmarks: writes a connection file,
 * spawns a kernel process, and talks to its shell and IOPub sockets with our wire codec.
 */
import { ChildProcess, spawn } from "child_process";
import { randomBytes, randomUUID } from "crypto";
import * as fs from "fs";
import * as net from "net";
import * as os from "os";
import * as path from "path";
import * as zmq from "zeromq";
import { WireMessage, decodeMessage, encodeMessage, newHeader } from "../../kernel-ext/wire";

async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.once("error", reject);
    server.listen(0, "127.0.0.1", () => {
      const port = (server.address() as net.AddressInfo).port;
      server.close(() => resolve(port));
    });
  });
}

export interface Connection {
  file: string;
  key: string;
  shell: number;
  iopub: number;
  control: number;
  stdin: number;
  hb: number;
}

export async function writeConnectionFile(dir: string): Promise<Connection> {
  const [shell, iopub, control, stdin, hb] = [await freePort(), await freePort(), await freePort(), await freePort(), await freePort()];
  const key = randomBytes(16).toString("hex");
  const file = path.join(dir, `kernel-${randomUUID()}.json`);
  fs.writeFileSync(
    file,
    JSON.stringify({ shell_port: shell, iopub_port: iopub, control_port: control, stdin_port: stdin, hb_port: hb, ip: "127.0.0.1", key, transport: "tcp", signature_scheme: "hmac-sha256", kernel_name: "bench" }),
  );
  return { file, key, shell, iopub, control, stdin, hb };
}

export class KernelClient {
  private readonly shell = new zmq.Dealer();
  private readonly iopub = new zmq.Subscriber();
  private readonly session = randomUUID();
  private readonly iopubWaiters: { match: (m: WireMessage) => boolean; resolve: (m: WireMessage) => void }[] = [];
  private readonly iopubBacklog: WireMessage[] = [];
  private closed = false;

  private constructor(
    readonly child: ChildProcess,
    private readonly conn: Connection,
  ) {}

  /** Spawns `argv` with "{connection_file}" replaced, connects, and returns once sockets are set. */
  static async start(argv: string[], cwd: string): Promise<KernelClient> {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "kernel-bench-"));
    const conn = await writeConnectionFile(dir);
    const args = argv.map((a) => a.replace("{connection_file}", conn.file));
    const child = spawn(args[0], args.slice(1), { cwd, stdio: ["ignore", "ignore", "pipe"], env: { ...process.env, ACTIVATION_LAB_QUIET: "1" } });
    child.stderr?.resume();
    // A benchmark that fails half-way must not leave kernels or files behind.
    const cleanUp = (): void => {
      child.kill("SIGKILL");
      fs.rmSync(dir, { recursive: true, force: true });
    };
    process.once("exit", cleanUp);
    child.once("exit", () => process.removeListener("exit", cleanUp));
    const client = new KernelClient(child, conn);
    client.shell.connect(`tcp://127.0.0.1:${conn.shell}`);
    client.iopub.connect(`tcp://127.0.0.1:${conn.iopub}`);
    client.iopub.subscribe();
    void client.pumpIopub();
    return client;
  }

  private async pumpIopub(): Promise<void> {
    try {
      for await (const frames of this.iopub) {
        const msg = decodeMessage(frames, this.conn.key);
        const i = this.iopubWaiters.findIndex((w) => w.match(msg));
        if (i >= 0) this.iopubWaiters.splice(i, 1)[0].resolve(msg);
        else if (this.iopubBacklog.push(msg) > 10_000) this.iopubBacklog.shift();
      }
    } catch (e) {
      if (!this.closed) throw e;
    }
  }

  /** The next IOPub message matching `match` (including ones already received). */
  waitIopub(match: (m: WireMessage) => boolean, timeoutMs = 30_000): Promise<WireMessage> {
    const i = this.iopubBacklog.findIndex(match);
    if (i >= 0) return Promise.resolve(this.iopubBacklog.splice(i, 1)[0]);
    return new Promise((resolve, reject) => {
      const waiter = { match, resolve: (m: WireMessage) => (clearTimeout(timer), resolve(m)) };
      const timer = setTimeout(() => {
        this.iopubWaiters.splice(this.iopubWaiters.indexOf(waiter), 1);
        reject(new Error("timed out waiting for an IOPub message"));
      }, timeoutMs);
      // A waiter for a message that never comes must not keep the process alive.
      timer.unref();
      this.iopubWaiters.push(waiter);
    });
  }

  async send(msgType: string, content: Record<string, unknown>): Promise<string> {
    const header = newHeader(msgType, this.session);
    await this.shell.send(encodeMessage({ header, content }, this.conn.key));
    return header.msg_id;
  }

  async reply(timeoutMs = 60_000): Promise<WireMessage> {
    this.shell.receiveTimeout = timeoutMs;
    return decodeMessage(await this.shell.receive(), this.conn.key);
  }

  /** kernel_info round trip. ZeroMQ holds the request until the kernel binds its socket. */
  async kernelInfo(timeoutMs = 60_000): Promise<WireMessage> {
    await this.send("kernel_info_request", {});
    return this.reply(timeoutMs);
  }

  /**
   * Runs a cell and returns only its execute_reply. (Stock tslab sends IOPub messages without
   * waiting for the previous send, and zeromq.js drops some of them, so its idle status can go
   * missing; the reply on the shell socket always arrives.)
   */
  async executeReply(code: string): Promise<WireMessage> {
    await this.send("execute_request", { code, silent: false, store_history: true, user_expressions: {}, allow_stdin: false, stop_on_error: true });
    return this.reply();
  }

  /** Runs a cell and returns its reply and the text/plain of its result, if any. */
  async execute(code: string): Promise<{ reply: WireMessage; result?: string }> {
    const id = await this.send("execute_request", { code, silent: false, store_history: true, user_expressions: {}, allow_stdin: false, stop_on_error: true });
    const resultPromise = this.waitIopub((m) => (m.parent_header as { msg_id?: string }).msg_id === id && m.header.msg_type === "execute_result", 120_000).catch(() => undefined);
    const reply = await this.reply();
    const idle = this.waitIopub((m) => (m.parent_header as { msg_id?: string }).msg_id === id && m.header.msg_type === "status" && m.content.execution_state === "idle", 120_000);
    await idle;
    const result = reply.content.status === "ok" ? await Promise.race([resultPromise, new Promise<undefined>((r) => setTimeout(() => r(undefined), 50))]) : undefined;
    return { reply, result: result ? String((result.content.data as Record<string, unknown>)["text/plain"]) : undefined };
  }

  /** Resident set size of the kernel process, from /proc (Linux). */
  rssMb(): number {
    const status = fs.readFileSync(`/proc/${this.child.pid}/status`, "utf8");
    return Number(/VmRSS:\s+(\d+) kB/.exec(status)?.[1] ?? NaN) / 1024;
  }

  async close(): Promise<void> {
    this.closed = true;
    try {
      await this.send("shutdown_request", { restart: false });
    } catch {
      /* already gone */
    }
    const exited = new Promise((resolve) => this.child.once("exit", resolve));
    const timer = setTimeout(() => this.child.kill("SIGKILL"), 3000);
    if (this.child.exitCode === null) await exited;
    clearTimeout(timer);
    this.shell.close();
    this.iopub.close();
    fs.rmSync(path.dirname(this.conn.file), { recursive: true, force: true });
  }
}
