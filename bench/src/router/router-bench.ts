import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type ServiceError, credentials } from '@grpc/grpc-js';
import { type Policy, type PolicyUpdated, RouterAdminClient } from '@ratchet/contracts';
import { demoModel } from '@ratchet/ml';
import { FileRegistry } from '@ratchet/registry';
import { policyFromWords } from '@ratchet/router';
import { type Row, overGrpc, startServer, stopServer } from '../prediction/prediction-bench.js';
import { fmt, formatTable } from '../stats.js';

/** CPU seconds (user + system) a child process has used so far, from /proc (Linux; 0 elsewhere). */
async function cpuSeconds(pid: number | undefined): Promise<number> {
  try {
    const stat = await readFile(`/proc/${pid}/stat`, 'utf8');
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    // utime and stime are fields 14 and 15 of stat(5), in clock ticks (USER_HZ, 100 on Linux).
    return (Number(fields[11]) + Number(fields[12])) / 100;
  } catch {
    return 0;
  }
}

/** A scenario with the CPU time per request the router and prediction processes spent on it. */
interface RouterRow extends Row {
  routerCpuUs: number;
  predictionCpuUs: number;
}

async function setPolicy(port: number, policy: Policy): Promise<void> {
  const admin = new RouterAdminClient(`127.0.0.1:${port}`, credentials.createInsecure());
  await new Promise<PolicyUpdated>((resolve, reject) =>
    admin.setPolicy({ model: 'demo', policy, updatedBy: 'bench', expectedRevision: 0 }, (err: ServiceError | null, res: PolicyUpdated) => (err ? reject(err) : resolve(res))),
  );
  admin.close();
}

/**
 * `npm run bench -- router`: the router's overhead over calling the prediction service directly
 * (p50/p99 at concurrency 1 and 64, single policy on the default version), and a 3-member
 * bagging ensemble against one member. Prediction and router run in child processes; the load
 * generator in this one.
 */
export async function routerBench(options: { durationMs: number }): Promise<{ rows: RouterRow[]; table: string }> {
  const d = options.durationMs;
  const root = await mkdtemp(join(tmpdir(), 'ratchet-bench-router-'));
  const registry = new FileRegistry({ root });
  for (const [version, seed] of [['1.0.0', 7], ['1.1.0', 8], ['1.2.0', 9]] as const) {
    const m = demoModel({ seed });
    await registry.publish({ model: 'demo', version, artifact: m.onnx, manifest: { inputs: m.inputs.map((i) => ({ ...i, shape: [...i.shape] })) } });
  }
  const prediction = await startServer(root, {});
  const router = await startServer(root, { BENCH_MEMBERS: `127.0.0.1:${prediction.port}` }, '../router/router-server.js');
  const rows: RouterRow[] = [];
  const progress = async (run: Promise<Row>) => {
    const before = [await cpuSeconds(router.child.pid), await cpuSeconds(prediction.child.pid)];
    const r = await run;
    const after = [await cpuSeconds(router.child.pid), await cpuSeconds(prediction.child.pid)];
    // The CPU window includes overGrpc's 500 ms warm-up, run at about the measured rate.
    const requests = r.reqPerSec * ((d + 500) / 1000);
    const per = (i: number) => (requests > 0 ? ((after[i] as number) - (before[i] as number)) * 1e6 / requests : 0);
    const row = { ...r, routerCpuUs: r.scenario.startsWith('direct') ? 0 : per(0), predictionCpuUs: per(1) };
    rows.push(row);
    process.stderr.write(`  ${r.scenario} c=${r.concurrency}: ${fmt(r.reqPerSec)} req/s, p50 ${fmt(r.p50us)} µs, p99 ${fmt(r.p99us)} µs\n`);
  };
  try {
    await setPolicy(router.port, policyFromWords('demo', 'single', []));
    // JIT warm-up of both paths through the router before anything is timed (not reported).
    await overGrpc(router.port, 'warm-up', 8, 1, 1500);
    for (const c of [1, 64]) {
      await progress(overGrpc(prediction.port, 'direct to prediction (1 member)', c, 1, d));
      await progress(overGrpc(router.port, 'router, single policy', c, 1, d));
    }
    await setPolicy(router.port, policyFromWords('demo', 'ensemble', ['bagging', '1.0.0', '1.1.0', '1.2.0']));
    for (const c of [1, 64]) await progress(overGrpc(router.port, 'router, 3-member bagging ensemble', c, 1, d));
  } finally {
    await stopServer(router.child);
    await stopServer(prediction.child);
    await rm(root, { recursive: true, force: true });
  }
  const direct = (c: number) => rows.find((r) => r.concurrency === c && r.scenario.startsWith('direct')) as RouterRow;
  const table = formatTable(
    ['scenario', 'conc', 'req/s', 'p50 µs', 'p99 µs', 'p50 ÷ direct', 'p99 ÷ direct', 'p50 − direct µs', 'router CPU µs/req', 'prediction CPU µs/req', 'errors'],
    rows.map((r) => {
      const base = direct(r.concurrency);
      return [r.scenario, String(r.concurrency), fmt(r.reqPerSec), fmt(r.p50us, 1), fmt(r.p99us, 1), fmt(r.p50us / base.p50us, 2), fmt(r.p99us / base.p99us, 2), fmt(r.p50us - base.p50us, 1), fmt(r.routerCpuUs), fmt(r.predictionCpuUs), String(r.errors)];
    }),
  );
  return { rows, table };
}
