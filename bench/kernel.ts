/**
 * Kernel benchmarks (printed, not asserted):
 *  - start → kernel_info_reply, ours against stock tslab started the same way in the same run
 *    (target ratio ≤ 1.2×), and the kernel's RSS at that point;
 *  - first cell (loads TensorFlow.js and picks the backend) and RSS after it;
 *  - comm round trip of a widget trait update: front end sends `update`, kernel answers with
 *    `echo_update` (target median < 20 ms, p95 < 50 ms), and the same with a kernel-side
 *    listener that changes another trait in response.
 */
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { KernelClient } from "./kernel/client";

const ROOT = path.resolve(__dirname, "..", "..");
const OURS = [process.execPath, path.join(ROOT, "bin", "activation-lab.js"), "kernel", "--connection-file", "{connection_file}"];
const STOCK = [process.execPath, path.join(ROOT, "node_modules", "tslab", "bin", "tslab"), "kernel", "--config-path", "{connection_file}"];
const STARTS = Number(process.env.KERNEL_BENCH_STARTS ?? 5);
const ROUND_TRIPS = Number(process.env.KERNEL_BENCH_ROUND_TRIPS ?? 300);

function quantile(values: number[], q: number): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))];
}

const median = (values: number[]): number => quantile(values, 0.5);
const fmt = (ms: number): string => `${ms.toFixed(1)} ms`;

interface StartTimes {
  ms: number;
  rssMb: number;
  /** Start → the result of a first trivial cell (includes the TypeScript compiler's start). */
  firstCellMs: number;
}

async function timeStart(argv: string[], cwd: string): Promise<StartTimes> {
  const started = performance.now();
  const client = await KernelClient.start(argv, cwd);
  try {
    const reply = await client.kernelInfo();
    const ms = performance.now() - started;
    if (reply.header.msg_type !== "kernel_info_reply") throw new Error(`expected kernel_info_reply, got ${reply.header.msg_type}`);
    const rssMb = client.rssMb();
    // Stock tslab prints the value as a stream (no execute_result), so only the status is checked.
    const first = await client.executeReply("1 + 1");
    if (first.content.status !== "ok") throw new Error(`first cell failed: ${JSON.stringify(first.content)}`);
    return { ms, rssMb, firstCellMs: performance.now() - started };
  } finally {
    await client.close();
  }
}

async function roundTrips(client: KernelClient, commId: string, count: number, firstValue: number, waitFor: "echo_update" | "update"): Promise<number[]> {
  const times: number[] = [];
  for (let i = 0; i < count; i++) {
    const started = performance.now();
    const id = await client.send("comm_msg", { comm_id: commId, data: { method: "update", state: { value: firstValue + i }, buffer_paths: [] } });
    await client.waitIopub((m) => (m.parent_header as { msg_id?: string }).msg_id === id && m.header.msg_type === "comm_msg" && (m.content.data as { method?: string }).method === waitFor);
    times.push(performance.now() - started);
  }
  return times;
}

function idOf(result: string | undefined): string {
  const id = result?.replace(/^'|'$/g, "");
  if (!id) throw new Error("the cell did not return a widget id");
  return id;
}

async function main(): Promise<void> {
  // An empty folder: the kernel must not depend on node_modules where the notebook lives.
  const cwd = fs.mkdtempSync(path.join(os.tmpdir(), "kernel-bench-nb-"));
  try {
    const ours: StartTimes[] = [];
    const stock: StartTimes[] = [];
    for (let i = 0; i < STARTS; i++) {
      // Alternate so that caches and machine load affect both alike.
      ours.push(await timeStart(OURS, cwd));
      stock.push(await timeStart(STOCK, cwd));
    }
    const oursMs = median(ours.map((r) => r.ms));
    const stockMs = median(stock.map((r) => r.ms));
    console.log(`start → kernel_info_reply (median of ${STARTS}):`);
    console.log(`  activation-lab  ${fmt(oursMs)}   RSS ${median(ours.map((r) => r.rssMb)).toFixed(0)} MB`);
    console.log(`  stock tslab     ${fmt(stockMs)}   RSS ${median(stock.map((r) => r.rssMb)).toFixed(0)} MB`);
    console.log(`  ratio           ${(oursMs / stockMs).toFixed(2)}×   (target ≤ 1.2×)`);
    const oursFirst = median(ours.map((r) => r.firstCellMs));
    const stockFirst = median(stock.map((r) => r.firstCellMs));
    // Ours answers kernel_info before loading the compiler and TensorFlow.js; this line shows
    // what that defers: the first result includes the backend choice, which stock tslab lacks.
    console.log(`start → result of a first "1 + 1": activation-lab ${fmt(oursFirst)}, stock tslab ${fmt(stockFirst)} (${(oursFirst / stockFirst).toFixed(2)}×; ours includes loading TensorFlow.js)`);

    const client = await KernelClient.start(OURS, cwd);
    try {
      await client.kernelInfo();
      const firstStarted = performance.now();
      const first = await client.execute("1 + 1");
      console.log(`first cell (TypeScript compiler + TensorFlow.js backend): ${fmt(performance.now() - firstStarted)}, status ${first.reply.content.status}`);
      console.log(`kernel RSS after the first cell: ${client.rssMb().toFixed(0)} MB`);
      const sliderId = idOf(
        (await client.execute('import { IntSlider, Label } from "activation-lab/kernel"; const s = new IntSlider({ max: 1e6 }); s.id')).result,
      );
      await roundTrips(client, sliderId, 30, 0, "echo_update"); // warm-up
      const echo = await roundTrips(client, sliderId, ROUND_TRIPS, 100, "echo_update");
      console.log(`widget trait update → echo_update (${ROUND_TRIPS} round trips): median ${fmt(median(echo))}, p95 ${fmt(quantile(echo, 0.95))}   (target < 20 / < 50 ms)`);
      // The front end moves a slider; a kernel listener updates a label: time until the label's
      // "update" leaves the kernel (the path a live chart takes).
      const reactiveId = idOf(
        (await client.execute("const r = new IntSlider({ max: 1e6 }); const l = new Label(); r.onChange((v) => { l.value = `value ${v}`; }); r.id")).result,
      );
      const reactive = await roundTrips(client, reactiveId, ROUND_TRIPS, 100, "update");
      console.log(`slider update → listener → label update: median ${fmt(median(reactive))}, p95 ${fmt(quantile(reactive, 0.95))}`);
      console.log(`kernel RSS after ${2 * ROUND_TRIPS + 30} round trips: ${client.rssMb().toFixed(0)} MB`);
    } finally {
      await client.close();
    }
  } finally {
    fs.rmSync(cwd, { recursive: true, force: true });
  }
}

main().catch((e) => {
  console.error(e);
  process.exit(1);
});
