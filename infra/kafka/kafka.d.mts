// Types for kafka.mjs, so TypeScript callers (the CLI, integration tests) get checked options.

export interface KafkaBrokerOptions {
  /** Client port on 127.0.0.1. Default 9092. */
  port?: number | string;
  /** KRaft controller port. Default port + 1. */
  controllerPort?: number | string;
  /** Config, pid file, broker log and log dirs. Default <tmpdir>/ratchet-kafka-<port>. */
  dataDir?: string;
  /** num.partitions for topics created without a count. Default 3. */
  partitions?: number | string;
  /** JVM max heap. Default 512m. */
  heap?: string;
  startTimeoutMs?: number;
  stopTimeoutMs?: number;
}

export declare const defaults: Readonly<{
  port: number;
  partitions: number;
  heap: string;
  startTimeoutMs: number;
  stopTimeoutMs: number;
  logTailLines: number;
}>;

export declare class KafkaBrokerError extends Error {
  readonly logTail: string | undefined;
}

export declare function fetchJars(): boolean;

export declare function probeMetadata(options: { host?: string; port: number; timeoutMs?: number }): Promise<{
  brokers: { nodeId: number; host: string; port: number }[];
  controllerId: number;
}>;

export declare function kafkaStatus(options?: KafkaBrokerOptions): Promise<{
  running: boolean;
  ready: boolean;
  pid: number | undefined;
  brokers: string;
  dataDir: string;
  logFile: string;
}>;

export declare function kafkaUp(options?: KafkaBrokerOptions): Promise<{
  started: boolean;
  pid: number;
  brokers: string;
  ms: number;
  fetchedJars: boolean;
  dataDir: string;
  logFile: string;
}>;

export declare function kafkaDown(options?: KafkaBrokerOptions & { wipe?: boolean }): Promise<{
  stopped: boolean;
  killed: boolean;
  pid: number | undefined;
  ms: number;
}>;
