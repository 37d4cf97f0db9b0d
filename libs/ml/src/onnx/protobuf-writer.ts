/**
 * A minimal Protocol Buffers *wire-format* encoder (no schema compiler, no reflection):
 * enough to write ONNX models. Encoding rules from the protobuf "Encoding" specification:
 * a field is a key `(field_number << 3) | wire_type` followed by its value;
 * wire types 0 = varint, 2 = length-delimited, 5 = 32-bit little-endian.
 */

const WIRE_VARINT = 0;
const WIRE_LEN = 2;
const WIRE_FIXED32 = 5;

const utf8 = new TextEncoder();

/** Append-only byte buffer with protobuf field writers. */
export class ProtoWriter {
  private buf = new Uint8Array(256);
  private len = 0;
  private readonly scratch = new DataView(new ArrayBuffer(4));

  /** Bytes written so far (a copy). */
  finish(): Uint8Array {
    return this.buf.slice(0, this.len);
  }

  private ensure(extra: number): void {
    if (this.len + extra <= this.buf.length) return;
    let size = this.buf.length * 2;
    while (size < this.len + extra) size *= 2;
    const next = new Uint8Array(size);
    next.set(this.buf.subarray(0, this.len));
    this.buf = next;
  }

  private byte(b: number): void {
    this.ensure(1);
    this.buf[this.len++] = b;
  }

  /**
   * Base-128 varint of an unsigned or signed 64-bit integer. Negative values use 64-bit two's
   * complement (10 bytes), as protobuf does for int32/int64.
   */
  varint(value: number | bigint): void {
    if (typeof value === 'number') {
      if (!Number.isSafeInteger(value)) throw new RangeError(`varint: ${value} is not a safe integer`);
      if (value >= 0) {
        let v = value;
        while (v > 0x7f) {
          this.byte((v % 128) | 0x80);
          v = Math.floor(v / 128);
        }
        this.byte(v);
        return;
      }
    }
    let v = BigInt.asUintN(64, BigInt(value));
    while (v > 0x7fn) {
      this.byte(Number(v & 0x7fn) | 0x80);
      v >>= 7n;
    }
    this.byte(Number(v));
  }

  private key(field: number, wireType: number): void {
    this.varint(field * 8 + wireType);
  }

  /** Raw bytes, no framing. */
  raw(bytes: Uint8Array): void {
    this.ensure(bytes.length);
    this.buf.set(bytes, this.len);
    this.len += bytes.length;
  }

  /** int32/int64/enum/bool field. */
  int(field: number, value: number | bigint): void {
    this.key(field, WIRE_VARINT);
    this.varint(value);
  }

  /** 32-bit float field. */
  float(field: number, value: number): void {
    this.key(field, WIRE_FIXED32);
    this.scratch.setFloat32(0, value, true);
    this.raw(new Uint8Array(this.scratch.buffer.slice(0)));
  }

  /** bytes field. */
  bytes(field: number, value: Uint8Array): void {
    this.key(field, WIRE_LEN);
    this.varint(value.length);
    this.raw(value);
  }

  /** string field, UTF-8. */
  string(field: number, value: string): void {
    this.bytes(field, utf8.encode(value));
  }

  /** Embedded message field: `encode` writes the message body into a fresh writer. */
  message(field: number, encode: (w: ProtoWriter) => void): void {
    const inner = new ProtoWriter();
    encode(inner);
    this.bytes(field, inner.finish());
  }

  /** Packed repeated varint field (accepted by proto2 parsers for unpacked fields too). */
  packedInts(field: number, values: ArrayLike<number | bigint>): void {
    if (values.length === 0) return;
    const inner = new ProtoWriter();
    for (let i = 0; i < values.length; i++) inner.varint(values[i] as number | bigint);
    this.bytes(field, inner.finish());
  }

  /** Packed repeated 32-bit float field. */
  packedFloats(field: number, values: ArrayLike<number>): void {
    if (values.length === 0) return;
    const data = new Uint8Array(values.length * 4);
    const view = new DataView(data.buffer);
    for (let i = 0; i < values.length; i++) view.setFloat32(i * 4, values[i] as number, true);
    this.bytes(field, data);
  }
}

/** UTF-8 bytes of a string. */
export function utf8Bytes(s: string): Uint8Array {
  return utf8.encode(s);
}
