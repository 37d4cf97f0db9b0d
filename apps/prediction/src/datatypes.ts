import type { Tensor as OrtTensor } from 'onnxruntime-node';

/** Open Inference Protocol tensor datatype names. */
export type OipDatatype =
  | 'BOOL'
  | 'UINT8'
  | 'UINT16'
  | 'UINT32'
  | 'UINT64'
  | 'INT8'
  | 'INT16'
  | 'INT32'
  | 'INT64'
  | 'FP16'
  | 'FP32'
  | 'FP64'
  | 'BYTES';

interface DatatypeInfo {
  readonly ort: OrtTensor.Type;
}

const TABLE: Record<OipDatatype, DatatypeInfo> = {
  BOOL: { ort: 'bool' },
  UINT8: { ort: 'uint8' },
  UINT16: { ort: 'uint16' },
  UINT32: { ort: 'uint32' },
  UINT64: { ort: 'uint64' },
  INT8: { ort: 'int8' },
  INT16: { ort: 'int16' },
  INT32: { ort: 'int32' },
  INT64: { ort: 'int64' },
  FP16: { ort: 'float16' },
  FP32: { ort: 'float32' },
  FP64: { ort: 'float64' },
  BYTES: { ort: 'string' },
};

const FROM_ORT = new Map<string, OipDatatype>(
  (Object.entries(TABLE) as [OipDatatype, DatatypeInfo][]).map(([k, v]) => [v.ort, k]),
);

/** True when `name` is a datatype this server understands. */
export function isOipDatatype(name: string): name is OipDatatype {
  return Object.prototype.hasOwnProperty.call(TABLE, name);
}

/** The OIP datatype of an onnxruntime tensor type, or undefined when OIP has none. */
export function oipFromOrt(type: string): OipDatatype | undefined {
  return FROM_ORT.get(type);
}
