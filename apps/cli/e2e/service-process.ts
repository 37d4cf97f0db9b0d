import { type ChildProcess, spawn } from 'node:child_process';
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const cli = resolve(dirname(fileURLToPath(import.meta.url)), '..', 'bin', 'ratchet.js');

/** Runs `ratchet <args>` to completion with `env` added to the test's environment. */
export function runRatchet(args: readonly string[], env: Record<string, string>): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolvePromise, reject) => {
    const child = spawn(process.execPath, [cli, ...args], { env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    child.on('error', reject);
    child.on('exit', (code) => resolvePromise({ code, stdout, stderr }));
  });
}

/** One JSON log line of a service. */
export type LogLine = Record<string, unknown> & { readonly msg?: string };

/**
 * `ratchet serve <service>` as a child process of the test, configured by environment: start
 * waits for the service's "<x> ready" log line; kill sends a signal and waits for the exit.
 */
export class ServiceProcess {
  private child: ChildProcess | undefined;
  private output = '';
  /** Every JSON log line of every run of this process, in order. */
  readonly lines: LogLine[] = [];
  /** Exit codes / signals of the runs that ended. */
  readonly exits: { code: number | null; signal: NodeJS.Signals | null }[] = [];

  constructor(
    readonly name: string,
    readonly service: 'prediction' | 'router' | 'monitor' | 'retrainer',
    readonly env: Record<string, string>,
  ) {}

  /**
   * Spawns the process and resolves with its ready line — `readyMsg`, else the first message
   * ending in " ready" — and throws with the output when it exits first or takes over `timeoutMs`.
   */
  async start(timeoutMs = 60_000, readyMsg?: string): Promise<LogLine> {
    const from = this.lines.length;
    const child = spawn(process.execPath, [cli, 'serve', this.service], { env: { ...process.env, RATCHET_LOG_FORMAT: 'json', ...this.env }, stdio: ['ignore', 'pipe', 'pipe'] });
    this.child = child;
    const onData = (d: Buffer) => {
      this.output += d.toString();
      let nl: number;
      while ((nl = this.output.indexOf('\n')) >= 0) {
        const text = this.output.slice(0, nl);
        this.output = this.output.slice(nl + 1);
        try {
          this.lines.push(JSON.parse(text) as LogLine);
        } catch {
          this.lines.push({ msg: text });
        }
      }
    };
    child.stdout?.on('data', onData);
    child.stderr?.on('data', onData);
    child.on('exit', (code, signal) => this.exits.push({ code, signal }));
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const ready = this.lines.slice(from).find((l) => typeof l.msg === 'string' && (readyMsg === undefined ? / ready$/.test(l.msg) : l.msg === readyMsg));
      if (ready) return ready;
      if (child.exitCode !== null || child.signalCode !== null) throw new Error(`${this.name} exited before it was ready:\n${this.tail(40)}`);
      if (Date.now() > deadline) throw new Error(`${this.name} was not ready after ${timeoutMs} ms:\n${this.tail(40)}`);
      await new Promise((r) => setTimeout(r, 20));
    }
  }

  /** Whether the current run is alive. */
  get running(): boolean {
    return this.child !== undefined && this.child.exitCode === null && this.child.signalCode === null;
  }

  /** Sends `signal` (SIGTERM: graceful; SIGKILL: a crash) and waits for the exit. */
  async kill(signal: NodeJS.Signals = 'SIGTERM'): Promise<void> {
    const child = this.child;
    if (!child || !this.running) return;
    const exited = new Promise((r) => child.once('exit', r));
    child.kill(signal);
    await exited;
  }

  /** Log lines with this message, over every run. */
  logged(msg: string): LogLine[] {
    return this.lines.filter((l) => l.msg === msg);
  }

  /** The last `n` log lines as text (for failure messages). */
  tail(n: number): string {
    return this.lines
      .slice(-n)
      .map((l) => JSON.stringify(l))
      .join('\n');
  }
}
