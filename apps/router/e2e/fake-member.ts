import { type Metadata, status } from '@grpc/grpc-js';
import { GRPCInferenceServiceService, type GRPCInferenceServiceServer, encodeRawTensor, type oip } from '@ratchet/contracts';
import { type GrpcServerHandle, grpcError, grpcService, startGrpcServer } from '@ratchet/service-kit';

/** How a fake member answers a version. */
export type Behaviour =
  | { kind: 'ok'; p1: number }
  | { kind: 'slow' }
  | { kind: 'nan' }
  | { kind: 'bad-sum' }
  | { kind: 'wrong-rows' }
  | { kind: 'error'; code: status }
  | { kind: 'composite'; p1: number; arms: number[] };

/** A request a fake member received. */
export interface Received {
  readonly model: string;
  readonly version: string;
  readonly id: string;
  readonly traceparent: string | undefined;
  readonly inputs: readonly string[];
}

/** An OIP server answering each model version with a scripted behaviour, for fault injection. */
export interface FakeMember {
  readonly address: string;
  readonly received: Received[];
  set(version: string, b: Behaviour, model?: string): void;
  close(): Promise<void>;
}

function proba(rows: number, p1: number): { outputs: oip.ModelInferResponse_InferOutputTensor[]; raw: Buffer[] } {
  const probs = new Float32Array(rows * 2);
  const labels = new BigInt64Array(rows);
  for (let r = 0; r < rows; r++) {
    probs[2 * r] = 1 - p1;
    probs[2 * r + 1] = p1;
    labels[r] = p1 >= 0.5 ? 1n : 0n;
  }
  return {
    outputs: [
      { name: 'label', datatype: 'INT64', shape: [rows], parameters: {}, contents: undefined },
      { name: 'probabilities', datatype: 'FP32', shape: [rows, 2], parameters: {}, contents: undefined },
    ],
    raw: [encodeRawTensor(labels), encodeRawTensor(probs)],
  };
}

/** Starts a fake member on a loopback port. */
export async function startFakeMember(defaults: Record<string, Behaviour> = {}): Promise<FakeMember> {
  const behaviours = new Map<string, Behaviour>(Object.entries(defaults));
  const received: Received[] = [];
  const pending = new Set<() => void>();
  const answer = (req: oip.ModelInferRequest, metadata: Metadata): Promise<oip.ModelInferResponse> => {
    const version = req.modelVersion;
    received.push({
      model: req.modelName,
      version,
      id: req.id,
      traceparent: metadata.get('traceparent')[0]?.toString(),
      inputs: req.inputs.map((i) => i.name),
    });
    const b = behaviours.get(`${req.modelName}@${version}`) ?? behaviours.get(version);
    const rows = req.inputs[0]?.shape[0] ?? 1;
    const respond = (outputs: oip.ModelInferResponse_InferOutputTensor[], raw: Buffer[]): oip.ModelInferResponse => ({
      modelName: req.modelName,
      modelVersion: version || '9.0.0',
      id: req.id,
      parameters: {},
      outputs,
      rawOutputContents: raw,
    });
    if (!b) return Promise.reject(grpcError(status.NOT_FOUND, `model '${req.modelName}' has no version '${version}'`));
    switch (b.kind) {
      case 'ok': {
        const { outputs, raw } = proba(rows, b.p1);
        return Promise.resolve(respond(outputs, raw));
      }
      case 'slow':
        // Never answers: the caller's deadline ends the call; close() releases it.
        return new Promise((_resolve, reject) => pending.add(() => reject(grpcError(status.CANCELLED, 'closing'))));
      case 'nan': {
        const { outputs, raw } = proba(rows, Number.NaN);
        return Promise.resolve(respond(outputs, raw));
      }
      case 'bad-sum': {
        const { outputs } = proba(rows, 0.5);
        return Promise.resolve(respond(outputs, [encodeRawTensor(new BigInt64Array(rows)), encodeRawTensor(new Float32Array(rows * 2).fill(0.7))]));
      }
      case 'wrong-rows': {
        const { outputs, raw } = proba(rows + 1, 0.5);
        return Promise.resolve(respond(outputs, raw));
      }
      case 'error':
        return Promise.reject(grpcError(b.code, `scripted ${status[b.code]}`));
      case 'composite': {
        const { outputs, raw } = proba(rows, b.p1);
        outputs.push({ name: 'arm', datatype: 'INT64', shape: [rows], parameters: {}, contents: undefined });
        raw.push(encodeRawTensor(BigInt64Array.from(b.arms.slice(0, rows), (a) => BigInt(a))));
        return Promise.resolve(respond(outputs, raw));
      }
    }
  };
  const impl: GRPCInferenceServiceServer = {
    serverLive: (_c, cb) => cb(null, { live: true }),
    serverReady: (_c, cb) => cb(null, { ready: true }),
    serverMetadata: (_c, cb) => cb(null, { name: 'fake', version: '0', extensions: [] }),
    modelReady: (c, cb) => cb(null, { ready: behaviours.has(c.request.version) }),
    modelMetadata: (c, cb) => cb(null, { name: c.request.name, versions: [...behaviours.keys()], platform: 'fake', inputs: [], outputs: [] }),
    modelInfer: (call, cb) => {
      answer(call.request, call.metadata).then((res) => cb(null, res), (err: unknown) => cb(err as Parameters<typeof cb>[0], null));
    },
  };
  const server: GrpcServerHandle = await startGrpcServer({ port: 0, services: [grpcService(GRPCInferenceServiceService, impl)] });
  return {
    address: `127.0.0.1:${server.port}`,
    received,
    set: (version, b, model) => void behaviours.set(model ? `${model}@${version}` : version, b),
    close: async () => {
      for (const release of pending) release();
      await server.close(100);
    },
  };
}
