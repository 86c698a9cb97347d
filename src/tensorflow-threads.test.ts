import { test } from "node:test";
import assert from "node:assert/strict";
import * as os from "node:os";
import { cgroupCpuQuota, configureTensorflowThreads, tensorflowThreadsFor, usableCpus } from "./tensorflow-threads";

const files = (entries: Record<string, string>) => (path: string) => entries[path];

test("the cgroup CPU quota is read from cgroup v2's cpu.max, else v1's cfs quota and period; none when unlimited", () => {
  assert.equal(cgroupCpuQuota(files({ "/sys/fs/cgroup/cpu.max": "200000 100000\n" })), 2);
  assert.equal(cgroupCpuQuota(files({ "/sys/fs/cgroup/cpu.max": "150000 100000\n" })), 1.5);
  assert.equal(cgroupCpuQuota(files({ "/sys/fs/cgroup/cpu.max": "max 100000\n" })), undefined);
  assert.equal(cgroupCpuQuota(files({ "/sys/fs/cgroup/cpu/cpu.cfs_quota_us": "400000\n", "/sys/fs/cgroup/cpu/cpu.cfs_period_us": "100000\n" })), 4);
  assert.equal(cgroupCpuQuota(files({ "/sys/fs/cgroup/cpu/cpu.cfs_quota_us": "-1\n", "/sys/fs/cgroup/cpu/cpu.cfs_period_us": "100000\n" })), undefined);
  assert.equal(cgroupCpuQuota(files({})), undefined);
});

test("usable CPUs: the cores, capped by the quota rounded up, at least one", () => {
  assert.equal(usableCpus(64, 2), 2);
  assert.equal(usableCpus(64, 1.5), 2);
  assert.equal(usableCpus(64, 0.5), 1);
  assert.equal(usableCpus(8, 16), 8);
  assert.equal(usableCpus(8, undefined), 8);
});

test("TensorFlow's threads: the user's TF_NUM_INTRAOP_THREADS stands; otherwise one thread on two usable CPUs or fewer, one per usable CPU above", () => {
  assert.deepEqual(tensorflowThreadsFor({ TF_NUM_INTRAOP_THREADS: "3" }, 2), { threads: 3, chosenBy: "user" });
  assert.deepEqual(tensorflowThreadsFor({}, 1), { threads: 1, chosenBy: "library" });
  assert.deepEqual(tensorflowThreadsFor({}, 2), { threads: 1, chosenBy: "library" });
  assert.deepEqual(tensorflowThreadsFor({}, 3), { threads: 3, chosenBy: "library" });
  assert.deepEqual(tensorflowThreadsFor({}, 16), { threads: 16, chosenBy: "library" });
  // Not a positive integer: not a setting TensorFlow would honour either, so the rule applies.
  assert.deepEqual(tensorflowThreadsFor({ TF_NUM_INTRAOP_THREADS: "0" }, 2), { threads: 1, chosenBy: "library" });
  assert.deepEqual(tensorflowThreadsFor({ TF_NUM_INTRAOP_THREADS: "all" }, 4), { threads: 4, chosenBy: "library" });
});

test("configuring sets TF_NUM_INTRAOP_THREADS before tfjs-node loads, leaves the user's alone, and after a load reports what TensorFlow chose", () => {
  const fresh: NodeJS.ProcessEnv = {};
  const threads = configureTensorflowThreads(false, fresh);
  assert.equal(fresh.TF_NUM_INTRAOP_THREADS, String(threads));
  assert.equal(threads, tensorflowThreadsFor({}, usableCpus()).threads);

  const users: NodeJS.ProcessEnv = { TF_NUM_INTRAOP_THREADS: "5" };
  assert.equal(configureTensorflowThreads(false, users), 5);
  assert.equal(users.TF_NUM_INTRAOP_THREADS, "5");

  // Loaded already (the user required tfjs-node first): TensorFlow used one thread per core.
  const loaded: NodeJS.ProcessEnv = {};
  assert.equal(configureTensorflowThreads(true, loaded), os.cpus().length);
  assert.equal(loaded.TF_NUM_INTRAOP_THREADS, undefined, "too late to set: left unset, so the report is not a guess");
  assert.equal(configureTensorflowThreads(true, { TF_NUM_INTRAOP_THREADS: "3" }), 3);
});
