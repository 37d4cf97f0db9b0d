#!/usr/bin/env node
// A single-node Apache Kafka broker (KRaft, broker+controller in one JVM) run from the jars in
// lib/, resolved from Maven Central by pom.xml. No Docker, no dependencies beyond Node and a JDK.
//
//   node infra/kafka/kafka.mjs up     [--port 9092] [--controller-port P] [--data-dir D] [--partitions N]
//   node infra/kafka/kafka.mjs down   [--port 9092] [--data-dir D]
//   node infra/kafka/kafka.mjs status [--port 9092] [--data-dir D]
//   node infra/kafka/kafka.mjs fetch
//
// Also a library: kafkaUp / kafkaDown / kafkaStatus / fetchJars take the same options.
// Every command is idempotent and prints one line on success; a failure prints the tail of
// the broker log.

import { spawn, spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, openSync, closeSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { connect } from 'node:net';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const HERE = dirname(fileURLToPath(import.meta.url));
const LIB_DIR = join(HERE, 'lib');
const POM = join(HERE, 'pom.xml');
const HOST = '127.0.0.1';
const NODE_ID = 1;

/** Defaults for every option; `controllerPort` and `dataDir` derive from `port`. */
export const defaults = Object.freeze({
  port: 9092,
  partitions: 3,
  heap: '512m',
  startTimeoutMs: 90_000,
  stopTimeoutMs: 20_000,
  logTailLines: 40,
});

/** Error raised by this module; `logTail` holds the last lines of the broker log when known. */
export class KafkaBrokerError extends Error {
  constructor(message, { logTail, cause } = {}) {
    super(logTail ? `${message}\n--- broker log (tail) ---\n${logTail}` : message, { cause });
    this.name = 'KafkaBrokerError';
    this.logTail = logTail;
  }
}

function resolveOptions(options = {}) {
  const port = toPort(options.port ?? defaults.port, 'port');
  const controllerPort = toPort(options.controllerPort ?? port + 1, 'controllerPort');
  if (controllerPort === port) throw new KafkaBrokerError(`controllerPort must differ from port (${port})`);
  const partitions = Number(options.partitions ?? defaults.partitions);
  if (!Number.isInteger(partitions) || partitions < 1) {
    throw new KafkaBrokerError(`partitions must be a positive integer, got ${options.partitions}`);
  }
  const dataDir = resolve(options.dataDir ?? join(tmpdir(), `ratchet-kafka-${port}`));
  return {
    port,
    controllerPort,
    partitions,
    dataDir,
    heap: options.heap ?? defaults.heap,
    startTimeoutMs: options.startTimeoutMs ?? defaults.startTimeoutMs,
    stopTimeoutMs: options.stopTimeoutMs ?? defaults.stopTimeoutMs,
    pidFile: join(dataDir, 'broker.pid'),
    logFile: join(dataDir, 'broker.log'),
    configFile: join(dataDir, 'server.properties'),
    log4jFile: join(dataDir, 'log4j.properties'),
    logDir: join(dataDir, 'logs'),
  };
}

function toPort(value, name) {
  const n = Number(value);
  if (!Number.isInteger(n) || n < 1 || n > 65535) throw new KafkaBrokerError(`${name} must be a TCP port, got ${value}`);
  return n;
}

// ---------------------------------------------------------------------------------------------
// Jars

function kafkaVersion() {
  const match = /<kafka\.version>([^<]+)<\/kafka\.version>/.exec(readFileSync(POM, 'utf8'));
  if (!match) throw new KafkaBrokerError(`no <kafka.version> in ${POM}`);
  return match[1];
}

const markerFile = () => join(LIB_DIR, '.complete');

/**
 * Copies the broker's runtime jars into lib/ with Maven (cached in ~/.m2) unless lib/ already
 * holds a complete copy for the version pinned in pom.xml. Returns true when it fetched.
 */
export function fetchJars() {
  const version = kafkaVersion();
  const marker = markerFile();
  if (existsSync(marker) && readFileSync(marker, 'utf8').trim() === version) return false;
  // A partial or older copy would put two Kafka versions on one classpath.
  rmSync(LIB_DIR, { recursive: true, force: true });
  const result = spawnSync('mvn', ['-q', '-B', '-f', POM, 'dependency:copy-dependencies'], {
    cwd: HERE,
    encoding: 'utf8',
  });
  if (result.error) throw new KafkaBrokerError(`cannot run mvn (is Maven installed?): ${result.error.message}`);
  if (result.status !== 0) {
    throw new KafkaBrokerError(`mvn dependency:copy-dependencies failed (exit ${result.status})`, {
      logTail: tail(`${result.stdout}\n${result.stderr}`, defaults.logTailLines),
    });
  }
  if (!existsSync(join(LIB_DIR, `kafka_2.13-${version}.jar`))) {
    throw new KafkaBrokerError(`mvn finished but lib/kafka_2.13-${version}.jar is missing`);
  }
  writeFileSync(marker, `${version}\n`);
  return true;
}

// ---------------------------------------------------------------------------------------------
// Config

function serverProperties(o) {
  return `# Written by infra/kafka/kafka.mjs; rewritten on every \`up\`.
process.roles=broker,controller
node.id=${NODE_ID}
controller.quorum.voters=${NODE_ID}@${HOST}:${o.controllerPort}
listeners=PLAINTEXT://${HOST}:${o.port},CONTROLLER://${HOST}:${o.controllerPort}
advertised.listeners=PLAINTEXT://${HOST}:${o.port}
listener.security.protocol.map=PLAINTEXT:PLAINTEXT,CONTROLLER:PLAINTEXT
controller.listener.names=CONTROLLER
inter.broker.listener.name=PLAINTEXT
log.dirs=${o.logDir}
num.partitions=${o.partitions}
default.replication.factor=1
min.insync.replicas=1
# The bus creates its topics (with their partition counts and cleanup policies).
auto.create.topics.enable=false
offsets.topic.replication.factor=1
offsets.topic.num.partitions=${Math.max(o.partitions, 4)}
transaction.state.log.replication.factor=1
transaction.state.log.min.isr=1
transaction.state.log.num.partitions=${Math.max(o.partitions, 4)}
group.initial.rebalance.delay.ms=0
num.network.threads=2
num.io.threads=4
num.recovery.threads.per.data.dir=1
log.retention.hours=24
log.segment.bytes=67108864
log.cleaner.dedupe.buffer.size=8388608
`;
}

function log4jProperties() {
  return `# Written by infra/kafka/kafka.mjs. Everything goes to stdout, which is the broker log file.
log4j.rootLogger=INFO, stdout
log4j.appender.stdout=org.apache.log4j.ConsoleAppender
log4j.appender.stdout.layout=org.apache.log4j.PatternLayout
log4j.appender.stdout.layout.ConversionPattern=[%d] %p %m (%c)%n
log4j.logger.kafka=INFO
log4j.logger.org.apache.kafka=INFO
log4j.logger.kafka.request.logger=WARN
log4j.logger.state.change.logger=WARN
log4j.logger.kafka.log.LogCleaner=WARN
log4j.logger.org.apache.kafka.storage.internals.log=WARN
log4j.logger.kafka.log=WARN
log4j.logger.kafka.cluster.Partition=WARN
log4j.logger.kafka.server.ReplicaFetcherManager=WARN
log4j.logger.kafka.server.ReplicaAlterLogDirsManager=WARN
log4j.logger.org.apache.kafka.clients.consumer.internals=WARN
`;
}

/** A Kafka cluster id: 16 random bytes in URL-safe base64 without padding (22 chars). */
function newClusterId() {
  return randomBytes(16).toString('base64url');
}

function java(args, o) {
  return spawnSync('java', ['-cp', join(LIB_DIR, '*'), ...args], {
    cwd: o.dataDir,
    encoding: 'utf8',
    env: { ...process.env, KAFKA_LOG4J_OPTS: '' },
  });
}

function formatStorage(o) {
  // meta.properties marks a formatted log dir; formatting twice would fail, so skip it.
  if (existsSync(join(o.logDir, 'meta.properties'))) return;
  const clusterIdFile = join(o.dataDir, 'cluster.id');
  const clusterId = existsSync(clusterIdFile) ? readFileSync(clusterIdFile, 'utf8').trim() : newClusterId();
  writeFileSync(clusterIdFile, `${clusterId}\n`);
  const result = java(
    [`-Dlog4j.configuration=file:${o.log4jFile}`, 'kafka.tools.StorageTool', 'format', '-t', clusterId, '-c', o.configFile],
    o,
  );
  if (result.error || result.status !== 0) {
    throw new KafkaBrokerError(`kafka-storage format failed (exit ${result.status})`, {
      logTail: tail(`${result.stdout ?? ''}\n${result.stderr ?? result.error?.message ?? ''}`, defaults.logTailLines),
    });
  }
}

// ---------------------------------------------------------------------------------------------
// Process

function readPid(o) {
  if (!existsSync(o.pidFile)) return undefined;
  const pid = Number(readFileSync(o.pidFile, 'utf8').trim());
  return Number.isInteger(pid) && pid > 0 ? pid : undefined;
}

/** True when `pid` is alive and (where /proc exists) is our broker for this config file. */
function isOurBroker(pid, o) {
  try {
    process.kill(pid, 0);
  } catch {
    // EPERM: alive but someone else's, so certainly not a broker we started.
    return false;
  }
  const cmdline = `/proc/${pid}/cmdline`;
  if (!existsSync(cmdline)) return true;
  try {
    const args = readFileSync(cmdline, 'utf8');
    return args.includes('kafka.Kafka') && args.includes(o.configFile);
  } catch {
    return false;
  }
}

function isAlive(pid) {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

const delay = (ms) => new Promise((r) => setTimeout(r, ms));

function tail(text, lines) {
  return text.trimEnd().split('\n').slice(-lines).join('\n');
}

function logTail(o, lines = defaults.logTailLines) {
  try {
    return tail(readFileSync(o.logFile, 'utf8'), lines);
  } catch {
    return '(no broker log)';
  }
}

// ---------------------------------------------------------------------------------------------
// Readiness: a real Kafka Metadata request (API key 3, v1) over TCP, no client library.

/**
 * Sends one Metadata v1 request for no topics and resolves with the alive brokers and the
 * controller id. A KRaft broker lists itself only once it is registered and unfenced, which
 * is when it can create topics and serve produce/fetch.
 */
export function probeMetadata({ host = HOST, port, timeoutMs = 2000 }) {
  return new Promise((resolvePromise, reject) => {
    const clientId = Buffer.from('ratchet-kafka-probe');
    const body = Buffer.alloc(2 + 2 + 4 + 2 + clientId.length + 4);
    let at = 0;
    at = body.writeInt16BE(3, at); // api key: Metadata
    at = body.writeInt16BE(1, at); // api version 1
    at = body.writeInt32BE(1, at); // correlation id
    at = body.writeInt16BE(clientId.length, at);
    at += clientId.copy(body, at);
    body.writeInt32BE(0, at); // topics: empty array = none (null would mean all)
    const frame = Buffer.alloc(4);
    frame.writeInt32BE(body.length, 0);

    const socket = connect({ host, port });
    let received = Buffer.alloc(0);
    const timer = setTimeout(() => finish(new Error(`no metadata response within ${timeoutMs} ms`)), timeoutMs);
    function finish(err, value) {
      clearTimeout(timer);
      socket.destroy();
      if (err) reject(err);
      else resolvePromise(value);
    }
    socket.on('connect', () => socket.write(Buffer.concat([frame, body])));
    socket.on('error', (err) => finish(err));
    socket.on('close', () => finish(new Error('connection closed before a metadata response')));
    socket.on('data', (chunk) => {
      received = Buffer.concat([received, chunk]);
      if (received.length < 4 || received.length < 4 + received.readInt32BE(0)) return;
      try {
        finish(undefined, parseMetadataV1(received.subarray(4)));
      } catch (err) {
        finish(err);
      }
    });
  });
}

function parseMetadataV1(buf) {
  let at = 4; // correlation id
  const brokerCount = buf.readInt32BE(at);
  at += 4;
  const brokers = [];
  for (let i = 0; i < brokerCount; i++) {
    const nodeId = buf.readInt32BE(at);
    at += 4;
    const hostLen = buf.readInt16BE(at);
    at += 2;
    const host = buf.toString('utf8', at, at + hostLen);
    at += hostLen;
    const port = buf.readInt32BE(at);
    at += 4;
    const rackLen = buf.readInt16BE(at);
    at += 2 + Math.max(rackLen, 0);
    brokers.push({ nodeId, host, port });
  }
  const controllerId = buf.readInt32BE(at);
  return { brokers, controllerId };
}

async function isReady(o) {
  try {
    const { brokers } = await probeMetadata({ port: o.port, timeoutMs: 1500 });
    return brokers.some((b) => b.nodeId === NODE_ID);
  } catch {
    return false;
  }
}

function portInUse(port) {
  return new Promise((r) => {
    const socket = connect({ host: HOST, port });
    socket.once('connect', () => {
      socket.destroy();
      r(true);
    });
    socket.once('error', () => r(false));
  });
}

// ---------------------------------------------------------------------------------------------
// Commands

/**
 * Reports whether the broker for these options runs and answers a Metadata request.
 * @returns {Promise<{running: boolean, ready: boolean, pid?: number, brokers: string, dataDir: string, logFile: string}>}
 */
export async function kafkaStatus(options = {}) {
  const o = resolveOptions(options);
  const pid = readPid(o);
  const running = pid !== undefined && isOurBroker(pid, o);
  const ready = running && (await isReady(o));
  return { running, ready, pid: running ? pid : undefined, brokers: `${HOST}:${o.port}`, dataDir: o.dataDir, logFile: o.logFile };
}

/**
 * Starts the broker detached and resolves once it answers a Metadata request listing itself.
 * A no-op when it is already up. Fetches the jars first when lib/ lacks them.
 * @returns {Promise<{started: boolean, pid: number, brokers: string, ms: number, fetchedJars: boolean, dataDir: string, logFile: string}>}
 */
export async function kafkaUp(options = {}) {
  const o = resolveOptions(options);
  const t0 = performance.now();
  const elapsed = () => Math.round(performance.now() - t0);
  const brokers = `${HOST}:${o.port}`;

  const existing = readPid(o);
  if (existing !== undefined && isOurBroker(existing, o)) {
    // Up (or coming up, from a concurrent `up`): wait for it rather than start a second one.
    await waitReady(o, existing);
    return { started: false, pid: existing, brokers, ms: elapsed(), fetchedJars: false, dataDir: o.dataDir, logFile: o.logFile };
  }
  if (existing !== undefined) rmSync(o.pidFile, { force: true });
  if (await portInUse(o.port)) {
    throw new KafkaBrokerError(`port ${o.port} is already in use by another process; pick another with --port`);
  }
  if (await portInUse(o.controllerPort)) {
    throw new KafkaBrokerError(`controller port ${o.controllerPort} is already in use; pick another with --controller-port`);
  }

  const fetchedJars = fetchJars();
  mkdirSync(o.logDir, { recursive: true });
  writeFileSync(o.configFile, serverProperties(o));
  writeFileSync(o.log4jFile, log4jProperties());
  formatStorage(o);

  const logFd = openSync(o.logFile, 'a');
  const child = spawn(
    'java',
    [
      `-Xmx${o.heap}`,
      `-Xms${o.heap === defaults.heap ? '128m' : o.heap}`,
      // Serial GC and a small code cache: a test broker on a shared 2-core box wants low
      // footprint and fast startup more than throughput.
      '-XX:+UseSerialGC',
      '-XX:+ExitOnOutOfMemoryError',
      '-Djava.awt.headless=true',
      `-Dlog4j.configuration=file:${o.log4jFile}`,
      `-Dkafka.logs.dir=${o.dataDir}`,
      '-cp',
      join(LIB_DIR, '*'),
      'kafka.Kafka',
      o.configFile,
    ],
    { cwd: o.dataDir, detached: true, stdio: ['ignore', logFd, logFd] },
  );
  closeSync(logFd);
  const started = await new Promise((r) => {
    child.once('spawn', () => r(true));
    child.once('error', (err) => r(err));
  });
  if (started !== true) throw new KafkaBrokerError(`cannot start java: ${started.message}`);
  child.unref();
  writeFileSync(o.pidFile, `${child.pid}\n`);

  try {
    await waitReady(o, child.pid);
  } catch (err) {
    await stopPid(child.pid, o.stopTimeoutMs);
    rmSync(o.pidFile, { force: true });
    throw err;
  }
  return { started: true, pid: child.pid, brokers, ms: elapsed(), fetchedJars, dataDir: o.dataDir, logFile: o.logFile };
}

async function waitReady(o, pid) {
  const deadline = Date.now() + o.startTimeoutMs;
  let pause = 100;
  while (Date.now() < deadline) {
    if (!isAlive(pid)) {
      throw new KafkaBrokerError(`broker exited during startup (pid ${pid}, log ${o.logFile})`, { logTail: logTail(o) });
    }
    if (await isReady(o)) return;
    await delay(pause);
    pause = Math.min(pause * 1.5, 500);
  }
  throw new KafkaBrokerError(`broker not ready on ${HOST}:${o.port} after ${o.startTimeoutMs} ms (log ${o.logFile})`, {
    logTail: logTail(o),
  });
}

async function stopPid(pid, timeoutMs) {
  if (!isAlive(pid)) return 'gone';
  process.kill(pid, 'SIGTERM');
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (!isAlive(pid)) return 'stopped';
    await delay(100);
  }
  try {
    process.kill(pid, 'SIGKILL');
  } catch {
    return 'stopped';
  }
  while (isAlive(pid)) await delay(50);
  return 'killed';
}

/**
 * Stops the broker: SIGTERM (controlled shutdown), then SIGKILL after `stopTimeoutMs`.
 * A no-op when it is not running. With `{ wipe: true }` also deletes the data dir.
 * @returns {Promise<{stopped: boolean, killed: boolean, pid?: number, ms: number}>}
 */
export async function kafkaDown(options = {}) {
  const o = resolveOptions(options);
  const t0 = performance.now();
  const pid = readPid(o);
  let outcome = 'gone';
  if (pid !== undefined && isOurBroker(pid, o)) outcome = await stopPid(pid, o.stopTimeoutMs);
  rmSync(o.pidFile, { force: true });
  if (options.wipe) rmSync(o.dataDir, { recursive: true, force: true });
  return { stopped: outcome !== 'gone', killed: outcome === 'killed', pid, ms: Math.round(performance.now() - t0) };
}

// ---------------------------------------------------------------------------------------------
// CLI

function parseArgs(argv) {
  const [command, ...rest] = argv;
  const options = {};
  const names = { '--port': 'port', '--controller-port': 'controllerPort', '--data-dir': 'dataDir', '--partitions': 'partitions', '--heap': 'heap' };
  for (let i = 0; i < rest.length; i++) {
    const arg = rest[i];
    if (arg === '--wipe') {
      options.wipe = true;
      continue;
    }
    const [flag, inline] = arg.split('=', 2);
    const name = names[flag];
    if (!name) throw new KafkaBrokerError(`unknown option ${arg}`);
    const value = inline ?? rest[++i];
    if (value === undefined) throw new KafkaBrokerError(`${flag} needs a value`);
    options[name] = value;
  }
  return { command, options };
}

const USAGE = 'usage: kafka.mjs up|down|status|fetch [--port 9092] [--controller-port P] [--data-dir D] [--partitions N] [--heap 512m] [--wipe]';

async function main(argv) {
  const { command, options } = parseArgs(argv);
  switch (command) {
    case 'up': {
      const r = await kafkaUp(options);
      const how = r.started ? `started in ${(r.ms / 1000).toFixed(1)}s${r.fetchedJars ? ' (jars fetched)' : ''}` : 'already up';
      console.log(`kafka ${how}: KAFKA_BROKERS=${r.brokers} (pid ${r.pid}, data ${r.dataDir})`);
      return 0;
    }
    case 'down': {
      const r = await kafkaDown(options);
      console.log(r.stopped ? `kafka stopped (pid ${r.pid}, ${(r.ms / 1000).toFixed(1)}s${r.killed ? ', killed after timeout' : ''})` : 'kafka was not running');
      return 0;
    }
    case 'status': {
      const s = await kafkaStatus(options);
      if (s.ready) console.log(`kafka up: KAFKA_BROKERS=${s.brokers} (pid ${s.pid})`);
      else if (s.running) console.log(`kafka running but not answering on ${s.brokers} (pid ${s.pid}, log ${s.logFile})`);
      else console.log(`kafka down (${s.brokers})`);
      return s.ready ? 0 : s.running ? 2 : 3;
    }
    case 'fetch': {
      const fetched = fetchJars();
      console.log(fetched ? `kafka ${kafkaVersion()} jars copied to ${LIB_DIR}` : `kafka ${kafkaVersion()} jars already in ${LIB_DIR}`);
      return 0;
    }
    default:
      console.error(USAGE);
      return 64;
  }
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  main(process.argv.slice(2)).then(
    (code) => process.exit(code),
    (err) => {
      console.error(err instanceof KafkaBrokerError ? err.message : err);
      process.exit(1);
    },
  );
}

