/**
 * A record the monitor cannot use whatever the number of retries (empty request id, rows that
 * do not match the outputs, a label outside the request's rows). `retriable: false` makes the
 * bus send it to `<topic>.dlq` at once with this message as the reason.
 */
export class InvalidRecordError extends Error {
  readonly retriable = false;
  constructor(
    readonly topic: string,
    message: string,
    readonly requestId?: string,
  ) {
    super(`${topic}${requestId ? ` request '${requestId}'` : ''}: ${message}`);
    this.name = 'InvalidRecordError';
  }
}
