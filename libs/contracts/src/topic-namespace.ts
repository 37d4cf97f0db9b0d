import { deadLetterTopicName, Topics } from './topics.js';

/** Longest topic name a Kafka broker accepts (`Topic.MAX_NAME_LENGTH` in Kafka's sources). */
export const MAX_TOPIC_NAME_LENGTH = 249;

/** The characters Kafka allows in a topic name (and so in a prefix of one). */
const TOPIC_NAME_CHARS = /^[a-zA-Z0-9._-]*$/;

/** The longest name on the broker without a prefix: the dead-letter topic of the longest registry topic. */
const LONGEST_REGISTRY_NAME = Object.values(Topics)
  .map((topic) => deadLetterTopicName(topic))
  .reduce((a, b) => (b.length > a.length ? b : a));

/**
 * Longest topic prefix (`RATCHET_TOPIC_PREFIX`) that keeps every name of the registry, dead-letter
 * topics included, within {@link MAX_TOPIC_NAME_LENGTH}: 249 − 31 (`ratchet.retrain.requests.v1.dlq`).
 */
export const MAX_TOPIC_PREFIX_LENGTH = MAX_TOPIC_NAME_LENGTH - LONGEST_REGISTRY_NAME.length;

/**
 * Why `prefix` cannot namespace Ratchet's topics on a Kafka cluster, or `undefined` when it can.
 * A prefix is prepended as is (`staging.` makes `staging.ratchet.alerts.v1`), so it may only hold
 * Kafka's topic-name characters `[a-zA-Z0-9._-]`, and must leave the longest registry name (its
 * `.dlq` included) within Kafka's 249 characters. The empty prefix is valid: no namespace.
 */
export function topicPrefixProblem(prefix: string): string | undefined {
  if (!TOPIC_NAME_CHARS.test(prefix)) {
    return "a topic prefix may only contain letters, digits, '.', '_' and '-' (the characters of a Kafka topic name)";
  }
  if (prefix.length > MAX_TOPIC_PREFIX_LENGTH) {
    return (
      `a topic prefix may be at most ${MAX_TOPIC_PREFIX_LENGTH} characters long (${prefix.length} given): ` +
      `${LONGEST_REGISTRY_NAME} would exceed Kafka's ${MAX_TOPIC_NAME_LENGTH}-character topic names`
    );
  }
  return undefined;
}
