import { describe, it, expect } from 'vitest';
import { ProtoWriter } from './protobuf-writer.js';

function bytes(write: (w: ProtoWriter) => void): number[] {
  const w = new ProtoWriter();
  write(w);
  return Array.from(w.finish());
}

// Expected bytes follow the worked examples of the protobuf encoding guide
// (150 in field 1 → 08 96 01; "testing" in field 2 → 12 07 74 65 73 74 69 6e 67).
describe('ProtoWriter', () => {
  it('encodes varint fields', () => {
    expect(bytes((w) => w.int(1, 150))).toEqual([0x08, 0x96, 0x01]);
    expect(bytes((w) => w.varint(300))).toEqual([0xac, 0x02]);
    expect(bytes((w) => w.varint(0))).toEqual([0x00]);
  });

  it('encodes negative int64 as ten-byte two’s complement', () => {
    expect(bytes((w) => w.varint(-1))).toEqual([0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x01]);
  });

  it('encodes integers beyond 32 bits exactly', () => {
    expect(bytes((w) => w.varint(2 ** 35))).toEqual([0x80, 0x80, 0x80, 0x80, 0x80, 0x01]);
    expect(bytes((w) => w.varint(2n ** 63n - 1n))).toEqual([0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x7f]);
  });

  it('encodes strings and nested messages with length prefixes', () => {
    expect(bytes((w) => w.string(2, 'testing'))).toEqual([0x12, 0x07, 0x74, 0x65, 0x73, 0x74, 0x69, 0x6e, 0x67]);
    expect(bytes((w) => w.message(3, (m) => m.int(1, 150)))).toEqual([0x1a, 0x03, 0x08, 0x96, 0x01]);
  });

  it('encodes 32-bit floats little-endian with wire type 5', () => {
    expect(bytes((w) => w.float(2, 1))).toEqual([0x15, 0x00, 0x00, 0x80, 0x3f]);
  });

  it('packs repeated scalars into one length-delimited field and skips empty ones', () => {
    expect(bytes((w) => w.packedInts(4, [3, 270, 86942]))).toEqual([0x22, 0x06, 0x03, 0x8e, 0x02, 0x9e, 0xa7, 0x05]);
    expect(bytes((w) => w.packedFloats(7, []))).toEqual([]);
  });

  it('grows its buffer past the initial size', () => {
    const payload = new Uint8Array(1000).fill(7);
    const out = bytes((w) => w.bytes(1, payload));
    expect(out.length).toBe(1 + 2 + 1000);
    expect(out.slice(0, 3)).toEqual([0x0a, 0xe8, 0x07]);
  });

  it('rejects unsafe integers given as numbers', () => {
    expect(() => bytes((w) => w.varint(2 ** 60))).toThrow(RangeError);
  });
});
