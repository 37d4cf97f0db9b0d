import { MAX_TOPIC_NAME_LENGTH, topicPrefixProblem } from '@ratchet/contracts';
import { BusError } from './errors.js';

/**
 * One deployment's names on a shared Kafka cluster: topic `t` is `<prefix>t` on the broker (its
 * dead-letter topic `<prefix>t.dlq`) and consumer group `g` is `<prefix>g`. Groups are
 * namespaced too because kafkajs' assigners hand every partition the group subscribes to to any
 * member, so two deployments in one group would be given each other's partitions.
 *
 * Only names on the wire change; the application keeps the registry's names.
 */
export class TopicNamespace {
  /** Throws a non-retriable `BusError` when `prefix` is not usable in Kafka topic names. */
  constructor(readonly prefix: string) {
    const problem = topicPrefixProblem(prefix);
    if (problem !== undefined) {
      throw new BusError('invalid-argument', `invalid topic prefix ${JSON.stringify(prefix)}: ${problem}`, { retriable: false });
    }
  }

  /** The broker's name for topic `name`. Throws when it would be longer than Kafka allows. */
  topic(name: string): string {
    const wire = this.prefix + name;
    if (wire.length > MAX_TOPIC_NAME_LENGTH) {
      throw new BusError(
        'invalid-argument',
        `topic ${name} under prefix ${JSON.stringify(this.prefix)} would be named ${wire.length} characters on the broker; Kafka allows ${MAX_TOPIC_NAME_LENGTH}`,
        { retriable: false, topic: name },
      );
    }
    return wire;
  }

  /** The broker's name for consumer group `groupId`. */
  group(groupId: string): string {
    return this.prefix + groupId;
  }
}
