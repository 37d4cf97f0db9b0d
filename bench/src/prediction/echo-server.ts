// Child process of the prediction bench: the transport floor. Serves the same OIP service with
// grpc-js and ts-proto, but ModelInfer answers a canned response without looking at the model:
// what any Node OIP server pays before doing work.
import { GRPCInferenceServiceService, type GRPCInferenceServiceServer, type oip, encodeRawTensor } from '@ratchet/contracts';
import { startGrpcServer } from '@ratchet/service-kit';

function canned(rows: number): oip.ModelInferResponse {
  return {
    modelName: 'demo',
    modelVersion: '1.0.0',
    id: '',
    parameters: {},
    outputs: [
      { name: 'label', datatype: 'INT64', shape: [rows], parameters: {}, contents: undefined },
      { name: 'probabilities', datatype: 'FP32', shape: [rows, 2], parameters: {}, contents: undefined },
    ],
    rawOutputContents: [encodeRawTensor(new BigInt64Array(rows)), encodeRawTensor(new Float32Array(rows * 2).fill(0.5))],
  };
}
const responses = new Map<number, oip.ModelInferResponse>();
const unimplemented: GRPCInferenceServiceServer['serverLive'] = (_c, cb) => cb(null, { live: true });
const service: GRPCInferenceServiceServer = {
  serverLive: unimplemented,
  serverReady: (_c, cb) => cb(null, { ready: true }),
  modelReady: (_c, cb) => cb(null, { ready: true }),
  serverMetadata: (_c, cb) => cb(null, { name: 'echo', version: '0', extensions: [] }),
  modelMetadata: (_c, cb) => cb(null, { name: 'demo', versions: ['1.0.0'], platform: 'echo', inputs: [], outputs: [] }),
  modelInfer: (call, cb) => {
    const rows = call.request.inputs[0]?.shape[0] ?? 1;
    let res = responses.get(rows);
    if (!res) responses.set(rows, (res = canned(rows)));
    cb(null, res);
  },
};
const server = await startGrpcServer({ host: '127.0.0.1', port: 0, services: [{ definition: GRPCInferenceServiceService, implementation: service }] });
process.stdout.write(`${JSON.stringify({ grpcPort: server.port })}\n`);
process.once('SIGTERM', () => {
  void server.close(1000).then(() => process.exit(0));
});
