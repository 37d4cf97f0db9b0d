export type {
  BackoffOptions,
  CloseOptions,
  EnsureTopicsOptions,
  EventBus,
  MessageContext,
  MessageHandler,
  PublishOptions,
  PublishReceipt,
  SubscribeOptions,
  Subscription,
} from './event-bus.js';
export { BusError, isRetriable, type BusErrorCode, type BusErrorOptions } from './errors.js';
export { encodeRecord, type EncodedRecord } from './encoded-record.js';
export { deadLetterTopic, rawBytesCodec, RAW_BYTES_TYPE } from './dead-letter.js';
export { MemoryBus, createMemoryBus, type MemoryBusOptions } from './memory-bus.js';
export { KafkaBus, createKafkaBus, parseBrokers, type KafkaBusOptions } from './kafka-bus.js';
export {
  BufferedPublisher,
  type BufferedPublisherCounters,
  type BufferedPublisherOptions,
} from './buffered-publisher.js';
export { partitionForKey, murmur2 } from './partitioner.js';
export {
  contextFromTraceHeaders,
  formatTraceparent,
  generateTraceparent,
  parseTraceparent,
  traceHeadersFromActiveContext,
  type Traceparent,
} from './traceparent.js';
export { silentLogger, stderrLogger, type BusLogFields, type BusLogger } from './logger.js';
