export * from './tensors.js';
export * from './inference-client.js';
