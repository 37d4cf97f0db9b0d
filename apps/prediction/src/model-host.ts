import type { ModelManifest, ModelVersionPublished } from '@ratchet/contracts';
import { type FileRegistry, type ModelVersionRecord, compareSemver } from '@ratchet/registry';
import { type BatchingOptions, DynamicBatcher } from './dynamic-batcher.js';
import { notFound } from './errors.js';
import { ModelLoadError, ModelVersion, type SessionTuning } from './model-version.js';

/** A servable version with its batcher. */
export interface ServingEntry {
  readonly version: ModelVersion;
  readonly batcher: DynamicBatcher;
  /** When a request last resolved to this version (for least-recently-used eviction). */
  lastUsedMs: number;
}

/** What the host needs of the registry. */
export type RegistryReader = Pick<FileRegistry, 'get' | 'latest' | 'models' | 'versions' | 'readArtifact'>;

/** Minimal logger surface the host writes to. */
export interface HostLogger {
  info(msg: string, fields?: Record<string, unknown>): void;
  warn(msg: string, fields?: Record<string, unknown>): void;
  error(msg: string, fields?: Record<string, unknown>): void;
}

export interface ModelHostOptions {
  readonly registry: RegistryReader;
  readonly logger: HostLogger;
  readonly tuning?: SessionTuning;
  /** Batching limits for a version; the manifest may carry per-model limits. */
  readonly batching: (manifest: ModelManifest | undefined) => Omit<BatchingOptions, 'onRun'>;
  readonly onBatchRun?: (model: string, version: string, rows: number, requests: number) => void;
  /** Versions kept loaded per model (the newest, plus older ones named by requests). */
  readonly maxVersionsPerModel?: number;
  readonly onLoadFailure?: (model: string, version: string, reason: string) => void;
}

interface ModelSlot {
  /** Loaded versions, by version string. */
  readonly versions: Map<string, ServingEntry>;
  /** The version that answers when a request names none. */
  current: string | undefined;
}

/**
 * Holds the loaded model versions and swaps them safely: a new version is loaded and verified
 * (sha256 against the registry record, ORT load, smoke inference) before it takes traffic;
 * requests already running finish on the version they started on; a version that fails any
 * check is refused and the previous one keeps serving.
 */
export class ModelHost {
  private readonly slots = new Map<string, ModelSlot>();
  private readonly loading = new Map<string, Promise<ServingEntry>>();
  private readonly maxVersions: number;

  constructor(private readonly options: ModelHostOptions) {
    this.maxVersions = Math.max(1, options.maxVersionsPerModel ?? 3);
  }

  /** Loads the latest version of every model in the registry; failures are logged, not thrown. */
  async loadAll(): Promise<void> {
    for (const model of await this.options.registry.models()) {
      const rec = await this.options.registry.latest(model);
      if (rec) await this.install(rec).catch(() => undefined);
    }
  }

  /** Reacts to a `ratchet.models.v1` announcement: load, verify, then serve it as current. */
  async onPublished(event: ModelVersionPublished): Promise<void> {
    const rec = await this.options.registry.get(event.model, event.version);
    if (!rec) {
      this.refuse(event.model, event.version, 'announced but not found in the registry');
      return;
    }
    if (event.sha256 && event.sha256 !== rec.sha256) {
      this.refuse(event.model, event.version, `announced sha256 ${event.sha256} differs from the registry's ${rec.sha256}`);
      return;
    }
    await this.install(rec).catch(() => undefined);
  }

  /**
   * The entry that serves (model, version); an empty version means the current one. A version
   * that is published but not loaded is loaded on demand. Throws NOT_FOUND otherwise.
   */
  async resolve(model: string, version: string): Promise<ServingEntry> {
    const slot = this.slots.get(model);
    if (!version) {
      const cur = slot?.current !== undefined ? slot.versions.get(slot.current) : undefined;
      if (cur) {
        cur.lastUsedMs = performance.now();
        return cur;
      }
      throw notFound(`model '${model}' is not served here (loaded: ${this.modelNames().join(', ') || 'none'})`);
    }
    const loaded = slot?.versions.get(version);
    if (loaded) {
      loaded.lastUsedMs = performance.now();
      return loaded;
    }
    let rec: ModelVersionRecord | undefined;
    try {
      rec = await this.options.registry.get(model, version);
    } catch {
      rec = undefined;
    }
    if (!rec) throw notFound(`model '${model}' has no version '${version}'`);
    try {
      return await this.install(rec, { makeCurrent: false });
    } catch (err) {
      throw notFound(`model '${model}' version '${version}' cannot be served: ${(err as Error).message}`);
    }
  }

  /** True when the model (and version, if given) is loaded and can answer now. */
  isReady(model: string, version = ''): boolean {
    const slot = this.slots.get(model);
    if (!slot) return false;
    return version ? slot.versions.has(version) : slot.current !== undefined;
  }

  modelNames(): string[] {
    return [...this.slots.entries()].filter(([, s]) => s.current !== undefined).map(([m]) => m).sort();
  }

  loadedVersions(model: string): string[] {
    return [...(this.slots.get(model)?.versions.keys() ?? [])].sort(compareSemver);
  }

  currentVersion(model: string): string | undefined {
    return this.slots.get(model)?.current;
  }

  /** Retires every version (sessions are freed as their last requests finish). */
  close(): void {
    for (const slot of this.slots.values()) for (const e of slot.versions.values()) e.version.retire();
    this.slots.clear();
  }

  private install(rec: ModelVersionRecord, opts: { makeCurrent?: boolean } = {}): Promise<ServingEntry> {
    const key = `${rec.model}@${rec.version}`;
    const existing = this.slots.get(rec.model)?.versions.get(rec.version);
    if (existing) {
      if (opts.makeCurrent !== false) this.promote(rec.model, rec.version);
      return Promise.resolve(existing);
    }
    let p = this.loading.get(key);
    if (!p) {
      p = this.loadEntry(rec).finally(() => this.loading.delete(key));
      this.loading.set(key, p);
    }
    return p.then((entry) => {
      const slot = this.slotOf(rec.model);
      const installed = slot.versions.get(rec.version) ?? entry;
      slot.versions.set(rec.version, installed);
      if (opts.makeCurrent !== false) this.promote(rec.model, rec.version);
      this.evict(rec.model, rec.version);
      return installed;
    });
  }

  private async loadEntry(rec: ModelVersionRecord): Promise<ServingEntry> {
    const t0 = performance.now();
    let version: ModelVersion;
    try {
      const bytes = await this.options.registry.readArtifact(rec);
      version = await ModelVersion.load({
        model: rec.model,
        version: rec.version,
        sha256: rec.sha256,
        bytes,
        manifest: rec.manifest,
        ...(this.options.tuning ? { tuning: this.options.tuning } : {}),
      });
    } catch (err) {
      const reason = err instanceof ModelLoadError ? err.message : `${(err as Error).message}`;
      this.refuse(rec.model, rec.version, reason);
      throw err;
    }
    const { model, version: v } = rec;
    const batcher = new DynamicBatcher(version, {
      ...this.options.batching(rec.manifest),
      onRun: (rows, requests) => this.options.onBatchRun?.(model, v, rows, requests),
    });
    this.options.logger.info('model version loaded', {
      model,
      version: v,
      sha256: rec.sha256,
      ms: Math.round(performance.now() - t0),
      inputs: version.inputs.map((i) => `${i.name}:${i.datatype}`),
      batchable: version.batchable,
    });
    return { version, batcher, lastUsedMs: performance.now() };
  }

  private promote(model: string, version: string): void {
    const slot = this.slotOf(model);
    const prev = slot.current;
    // The newest version by semver serves by default; an older one announced later does not
    // take over (rollbacks are a routing decision, made by policy in the router).
    if (prev !== undefined && compareSemver(version, prev) < 0) return;
    slot.current = version;
    if (prev !== version) this.options.logger.info('serving new version', { model, version, previous: prev ?? null });
  }

  /**
   * Unloads least-recently-used versions beyond the limit, never the current version nor the
   * one just installed (a request is about to use it). Retired sessions are freed once their
   * in-flight requests finish.
   */
  private evict(model: string, keep: string): void {
    const slot = this.slotOf(model);
    if (slot.versions.size <= this.maxVersions) return;
    const candidates = [...slot.versions.entries()]
      .filter(([v]) => v !== slot.current && v !== keep)
      .sort((a, b) => a[1].lastUsedMs - b[1].lastUsedMs);
    for (const [v, e] of candidates) {
      if (slot.versions.size <= this.maxVersions) break;
      slot.versions.delete(v);
      e.version.retire();
      this.options.logger.info('model version unloaded', { model, version: v });
    }
  }

  private slotOf(model: string): ModelSlot {
    let s = this.slots.get(model);
    if (!s) {
      s = { versions: new Map(), current: undefined };
      this.slots.set(model, s);
    }
    return s;
  }

  private refuse(model: string, version: string, reason: string): void {
    this.options.logger.error('model version refused; previous version keeps serving', {
      model,
      version,
      reason,
      serving: this.slots.get(model)?.current ?? null,
    });
    this.options.onLoadFailure?.(model, version, reason);
  }
}
