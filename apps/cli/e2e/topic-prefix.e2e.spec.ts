import { randomBytes } from 'node:crypto';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { kafkaBrokers as brokers, until } from './loop-helpers.js';
import { runRatchet, ServiceProcess } from './service-process.js';

/** Label rows the monitor at `url` has received (`/api/status`). */
async function labelRows(url: string): Promise<number> {
  const response = await fetch(`${url}/api/status`);
  const status = (await response.json()) as { join: { labelRows: number } };
  return status.join.labelRows;
}

const labelsCsv = (requestId: string, rows: readonly number[]) =>
  `request_id,label,row\n${rows.map((row) => `${requestId},${row % 2},${row}`).join('\n')}\n`;

describe('two deployments on one Kafka cluster, each set apart by RATCHET_TOPIC_PREFIX', () => {
  const run = randomBytes(4).toString('hex');
  const deployments = { a: `e2e-ns-a-${run}.`, b: `e2e-ns-b-${run}.` };
  const monitors: ServiceProcess[] = [];
  let dir: string;

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'ratchet-topic-prefix-'));
  });
  afterAll(async () => {
    await Promise.all(monitors.map((m) => m.kill()));
    await rm(dir, { recursive: true, force: true });
  });

  const startMonitor = async (name: keyof typeof deployments): Promise<string> => {
    const monitor = new ServiceProcess(`monitor-${name}`, 'monitor', {
      KAFKA_BROKERS: brokers(),
      RATCHET_TOPIC_PREFIX: deployments[name],
      // The same group name in both deployments: the prefix keeps the groups apart too.
      RATCHET_MONITOR_GROUP: `e2e-ns-monitor-${run}`,
      RATCHET_MONITOR_FROM_BEGINNING: 'false',
      RATCHET_REGISTRY: join(dir, name, 'registry'),
      RATCHET_TRACE_FILE: join(dir, name, 'traces.jsonl'),
      RATCHET_HTTP_PORT: '0',
    });
    monitors.push(monitor);
    const ready = await monitor.start();
    expect(monitor.logged('kafka bus open')).toMatchObject([{ topicPrefix: deployments[name] }]);
    return String(ready.http);
  };

  const feedback = async (name: keyof typeof deployments, file: string, rows: readonly number[]) => {
    const path = join(dir, file);
    await writeFile(path, labelsCsv('req-shared', rows));
    const sent = await runRatchet(['feedback', path, '--model', 'churn'], { KAFKA_BROKERS: brokers(), RATCHET_TOPIC_PREFIX: deployments[name] });
    expect(sent.stderr).toBe('');
    expect(sent.code).toBe(0);
    expect(sent.stdout).toMatch(new RegExp(`sent ${rows.length} labels in 1 records to ratchet\\.feedback\\.v1`));
  };

  it("brings each CLI's labels to its own deployment's monitor only", async () => {
    const monitorA = await startMonitor('a');
    const monitorB = await startMonitor('b');

    // One request id throughout, so on a shared topic every record would land on one partition
    // in this order, and a monitor could not reach its last record without the other side's.
    await feedback('a', 'a-first.csv', [0, 1, 2]);
    await feedback('b', 'b.csv', [10, 11]);
    await feedback('a', 'a-last.csv', [3]);

    await until(async () => (await labelRows(monitorA)) >= 4, 30_000, "deployment a's four label rows at its monitor");
    await until(async () => (await labelRows(monitorB)) >= 2, 30_000, "deployment b's two label rows at its monitor");
    expect(await labelRows(monitorA)).toBe(4);
    expect(await labelRows(monitorB)).toBe(2);
  });

  it('refuses a prefix Kafka cannot use before connecting, naming the variable', async () => {
    const env = { KAFKA_BROKERS: brokers(), RATCHET_TOPIC_PREFIX: 'team a/' };
    await writeFile(join(dir, 'bad.csv'), labelsCsv('req-bad', [0]));
    const cli = await runRatchet(['feedback', join(dir, 'bad.csv')], env);
    expect(cli.code).toBe(2);
    expect(cli.stderr).toMatch(/RATCHET_TOPIC_PREFIX: a topic prefix may only contain letters, digits/);
    const service = await runRatchet(['serve', 'monitor'], { ...env, RATCHET_HTTP_PORT: '0', RATCHET_REGISTRY: join(dir, 'bad', 'registry') });
    expect(service.code).toBe(2);
    expect(service.stderr).toMatch(/RATCHET_TOPIC_PREFIX: a topic prefix may only contain letters, digits/);
  });
});
