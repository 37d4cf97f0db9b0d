import { createHash, randomUUID } from 'node:crypto';
import { constants as fsConstants } from 'node:fs';
import { mkdir, open, readFile, readdir, rename, rm, stat } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { SpanStatusCode, trace } from '@opentelemetry/api';
import { ModelManifest, type ModelVersionPublished } from '@ratchet/contracts';
import { RegistryError } from './errors.js';
import { compareSemver, isSemver } from './semver.js';

/** One published model version as the registry records it. */
export interface ModelVersionRecord {
  readonly model: string;
  readonly version: string;
  readonly sha256: string;
  readonly sizeBytes: number;
  readonly publishedAtMs: number;
  /** Absolute path of the artifact. */
  readonly artifactPath: string;
  readonly manifest: ModelManifest;
}

/** What a caller hands to {@link FileRegistry.publish}. */
export interface PublishRequest {
  readonly model: string;
  readonly version: string;
  readonly artifact: Uint8Array;
  /** Manifest fields; model, version and creation time are filled in by the registry. */
  readonly manifest?: Partial<ModelManifest>;
}

/** Options of the filesystem registry. */
export interface FileRegistryOptions {
  /** Root folder; default `./var/registry`. */
  readonly root?: string;
  /** Called after a version is durably stored, e.g. to announce it on `ratchet.models.v1`. */
  readonly onPublished?: (event: ModelVersionPublished) => Promise<void> | void;
  readonly now?: () => number;
}

const tracer = trace.getTracer('ratchet.registry');

const MODEL_NAME_RE = /^[a-zA-Z0-9][a-zA-Z0-9._-]{0,127}$/;
const ARTIFACT = 'model.onnx';
const RECORD = 'record.json';

/** Validates a model name: letters, digits, `.`, `_`, `-`, at most 128 characters. */
export function assertModelName(model: string): void {
  if (!MODEL_NAME_RE.test(model) || model === '.' || model === '..') {
    throw new RegistryError(
      'INVALID_ARGUMENT',
      `invalid model name ${JSON.stringify(model)}: use letters, digits, '.', '_' or '-' (at most 128)`,
    );
  }
}

function assertVersion(model: string, version: string): void {
  if (!isSemver(version)) {
    throw new RegistryError(
      'INVALID_ARGUMENT',
      `invalid version ${JSON.stringify(version)} for model ${model}: expected a semantic version such as 1.0.0`,
    );
  }
}

/** Hex sha256 of a byte array. */
export function sha256Hex(bytes: Uint8Array): string {
  return createHash('sha256').update(bytes).digest('hex');
}

async function writeFileDurably(path: string, data: Uint8Array | string): Promise<void> {
  const fh = await open(path, fsConstants.O_CREAT | fsConstants.O_WRONLY | fsConstants.O_EXCL, 0o644);
  try {
    await fh.writeFile(data);
    await fh.sync();
  } finally {
    await fh.close();
  }
}

async function fsyncDir(path: string): Promise<void> {
  const fh = await open(path, fsConstants.O_RDONLY);
  try {
    await fh.sync();
  } finally {
    await fh.close();
  }
}

interface StoredRecord {
  model: string;
  version: string;
  sha256: string;
  sizeBytes: number;
  publishedAtMs: number;
  manifest: unknown;
}

/**
 * Model registry on a local filesystem: `<root>/<model>/<version>/{model.onnx,record.json}`.
 *
 * Publishing is atomic: both files are written and fsynced in a hidden temporary folder that is
 * then renamed into place, so a reader sees a whole version or none, even after a crash.
 * Versions are immutable; publishing an existing version is refused.
 */
export class FileRegistry {
  readonly root: string;
  private readonly onPublished: FileRegistryOptions['onPublished'];
  private readonly now: () => number;

  constructor(options: FileRegistryOptions = {}) {
    this.root = resolve(options.root ?? './var/registry');
    this.onPublished = options.onPublished;
    this.now = options.now ?? Date.now;
  }

  /**
   * Stores a new version durably, then calls `onPublished` (inside a `registry.publish` span,
   * so the announcement carries its trace). Returns the stored record.
   */
  publish(request: PublishRequest): Promise<ModelVersionRecord> {
    return tracer.startActiveSpan(
      'registry.publish',
      { attributes: { 'ratchet.model': request.model, 'ratchet.version': request.version } },
      async (span) => {
        try {
          const record = await this.publishInSpan(request);
          span.setAttribute('ratchet.sha256', record.sha256);
          return record;
        } catch (err) {
          span.recordException(err as Error);
          span.setStatus({ code: SpanStatusCode.ERROR, message: (err as Error).message });
          throw err;
        } finally {
          span.end();
        }
      },
    );
  }

  private async publishInSpan(request: PublishRequest): Promise<ModelVersionRecord> {
    const { model, version, artifact } = request;
    assertModelName(model);
    assertVersion(model, version);
    if (artifact.byteLength === 0) {
      throw new RegistryError('INVALID_ARGUMENT', `empty artifact for ${model}@${version}`);
    }
    const modelDir = join(this.root, model);
    const finalDir = join(modelDir, version);
    if (await exists(finalDir)) {
      throw new RegistryError('ALREADY_EXISTS', `${model}@${version} is already published; versions are immutable`);
    }
    await mkdir(modelDir, { recursive: true });
    const tmpDir = join(modelDir, `.tmp-${version}-${randomUUID()}`);
    await mkdir(tmpDir);
    const publishedAtMs = this.now();
    const sha256 = sha256Hex(artifact);
    const manifest = ModelManifest.fromPartial({
      ...request.manifest,
      model,
      version,
      createdAtMs: request.manifest?.createdAtMs || publishedAtMs,
      format: request.manifest?.format || 'onnx',
    });
    const stored: StoredRecord = {
      model,
      version,
      sha256,
      sizeBytes: artifact.byteLength,
      publishedAtMs,
      manifest: ModelManifest.toJSON(manifest),
    };
    try {
      await writeFileDurably(join(tmpDir, ARTIFACT), artifact);
      await writeFileDurably(join(tmpDir, RECORD), JSON.stringify(stored, null, 2));
      await fsyncDir(tmpDir);
      // rename(2) of a directory onto a missing path is atomic; a concurrent publisher of the
      // same version loses with ENOTEMPTY/EEXIST.
      await rename(tmpDir, finalDir);
      await fsyncDir(modelDir);
    } catch (err) {
      await rm(tmpDir, { recursive: true, force: true });
      const code = (err as NodeJS.ErrnoException).code;
      if (code === 'ENOTEMPTY' || code === 'EEXIST') {
        throw new RegistryError('ALREADY_EXISTS', `${model}@${version} is already published; versions are immutable`);
      }
      throw new RegistryError('IO', `could not store ${model}@${version} under ${modelDir}: ${String(err)}`, true, {
        cause: err,
      });
    }
    const record = toRecord(stored, join(finalDir, ARTIFACT));
    await this.onPublished?.(publishedEvent(record));
    return record;
  }

  /** Model names that have at least one version, sorted. */
  async models(): Promise<string[]> {
    const entries = await readdir(this.root, { withFileTypes: true }).catch(() => []);
    const names: string[] = [];
    for (const e of entries) {
      if (e.isDirectory() && MODEL_NAME_RE.test(e.name) && (await this.versions(e.name)).length > 0) names.push(e.name);
    }
    return names.sort();
  }

  /** Published versions of a model, oldest first by semver precedence. */
  async versions(model: string): Promise<string[]> {
    assertModelName(model);
    const entries = await readdir(join(this.root, model), { withFileTypes: true }).catch(() => []);
    return entries
      .filter((e) => e.isDirectory() && !e.name.startsWith('.') && isSemver(e.name))
      .map((e) => e.name)
      .sort(compareSemver);
  }

  /** All records of a model (or of every model), oldest first. */
  async list(model?: string): Promise<ModelVersionRecord[]> {
    const names = model === undefined ? await this.models() : [model];
    const out: ModelVersionRecord[] = [];
    for (const name of names) {
      for (const version of await this.versions(name)) {
        const r = await this.get(name, version);
        if (r) out.push(r);
      }
    }
    return out;
  }

  /** The record of one version, or undefined when it is not published. */
  async get(model: string, version: string): Promise<ModelVersionRecord | undefined> {
    assertModelName(model);
    assertVersion(model, version);
    const dir = join(this.root, model, version);
    let text: string;
    try {
      text = await readFile(join(dir, RECORD), 'utf8');
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
      throw new RegistryError('IO', `could not read ${model}@${version}: ${String(err)}`, true, { cause: err });
    }
    let stored: StoredRecord;
    try {
      stored = JSON.parse(text) as StoredRecord;
    } catch (err) {
      throw new RegistryError('CORRUPT', `record of ${model}@${version} is not valid JSON: ${String(err)}`);
    }
    return toRecord(stored, join(dir, ARTIFACT));
  }

  /** The highest version of a model by semver precedence, or undefined. */
  async latest(model: string): Promise<ModelVersionRecord | undefined> {
    const versions = await this.versions(model);
    const top = versions[versions.length - 1];
    return top === undefined ? undefined : this.get(model, top);
  }

  /** Reads a version's artifact and checks it against the recorded sha256. */
  async readArtifact(record: ModelVersionRecord): Promise<Uint8Array> {
    const buffer = await readFile(record.artifactPath).catch((err: unknown) => {
      throw new RegistryError('NOT_FOUND', `artifact of ${record.model}@${record.version} is missing: ${String(err)}`);
    });
    const bytes = new Uint8Array(buffer.buffer, buffer.byteOffset, buffer.byteLength);
    const digest = sha256Hex(bytes);
    if (digest !== record.sha256) {
      throw new RegistryError(
        'CORRUPT',
        `artifact of ${record.model}@${record.version} has sha256 ${digest}, expected ${record.sha256}`,
      );
    }
    return bytes;
  }
}

async function exists(path: string): Promise<boolean> {
  try {
    await stat(path);
    return true;
  } catch {
    return false;
  }
}

function toRecord(stored: StoredRecord, artifactPath: string): ModelVersionRecord {
  return {
    model: stored.model,
    version: stored.version,
    sha256: stored.sha256,
    sizeBytes: stored.sizeBytes,
    publishedAtMs: stored.publishedAtMs,
    artifactPath,
    manifest: ModelManifest.fromJSON(stored.manifest),
  };
}

/** The `ratchet.models.v1` event announcing a stored version. */
export function publishedEvent(record: ModelVersionRecord): ModelVersionPublished {
  return {
    model: record.model,
    version: record.version,
    artifactUri: record.artifactPath,
    sha256: record.sha256,
    sizeBytes: record.sizeBytes,
    publishedAtMs: record.publishedAtMs,
    manifest: record.manifest,
  };
}
