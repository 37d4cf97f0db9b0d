import { z } from 'zod';
import { commaList, loadConfig, nonNegativeInt, port, positiveInt, text, type Env, commonServiceConfig } from '@ratchet/service-kit';
import type { MemberEndpoints } from './member-pool.js';
import { type RouterServiceSettings, defaultRouterSettings as d } from './router-service.js';

const ADDRESS = /^[A-Za-z0-9.\-_[\]:]+:\d{1,5}$/;

/**
 * Parses `RATCHET_MEMBER_URLS`: `;`-separated `model[@version]=host:port[|host:port…]`, e.g.
 * `income@1.1.0=10.0.0.5:8001;fraud=10.0.0.6:8001|10.0.0.7:8001`.
 */
export function parseMemberOverrides(text: string): Record<string, string[]> {
  const out: Record<string, string[]> = {};
  for (const entry of text.split(';').map((e) => e.trim()).filter(Boolean)) {
    const eq = entry.indexOf('=');
    const target = entry.slice(0, eq).trim();
    const addrs = entry.slice(eq + 1).split('|').map((a) => a.trim()).filter(Boolean);
    if (eq <= 0 || addrs.length === 0 || addrs.some((a) => !ADDRESS.test(a))) {
      throw new Error(`'${entry}' is not model[@version]=host:port[|host:port…]`);
    }
    out[target] = addrs;
  }
  return out;
}

/** Environment variables of `ratchet serve router`, with their defaults. */
export const routerConfigSchema = z.object({
  ...commonServiceConfig,
  RATCHET_GRPC_HOST: text().default(d.grpcHost),
  RATCHET_GRPC_PORT: port().default(d.grpcPort),
  RATCHET_HTTP_HOST: text().default(d.httpHost),
  RATCHET_HTTP_PORT: port().default(d.httpPort),
  /** Prediction service addresses that answer for every model version (round-robin). */
  RATCHET_PREDICTION_URLS: commaList().default([...d.members.default]),
  /** Per-model or per-version addresses: `model[@version]=host:port[|host:port…]`, `;`-separated. */
  RATCHET_MEMBER_URLS: text()
    .default('')
    .transform((v, ctx) => {
      try {
        return parseMemberOverrides(v);
      } catch (err) {
        ctx.addIssue({ code: 'custom', message: err instanceof Error ? err.message : String(err) });
        return z.NEVER;
      }
    }),
  RATCHET_CHANNELS_PER_MEMBER: positiveInt({ max: 64 }).default(d.channelsPerAddress),
  RATCHET_MEMBER_DEADLINE_MS: positiveInt({ max: 600_000 }).default(d.memberDeadlineMs),
  RATCHET_BREAKER_FAILURES: positiveInt({ max: 1000 }).default(d.breaker.failureThreshold),
  RATCHET_BREAKER_COOLDOWN_MS: nonNegativeInt().default(d.breaker.cooldownMs),
  RATCHET_MAX_REQUEST_BYTES: positiveInt().default(d.maxRequestBytes),
  RATCHET_DRAIN_MS: nonNegativeInt().default(d.drainMs),
  RATCHET_LOG_BUFFER: positiveInt().default(100_000),
});

export type RouterConfig = z.output<typeof routerConfigSchema>;

/** Reads and validates the router's environment. */
export function loadRouterConfig(env?: Env): RouterConfig {
  return loadConfig(routerConfigSchema, env);
}

/** The router settings a config describes. */
export function routerSettings(c: RouterConfig): RouterServiceSettings {
  const members: MemberEndpoints = { default: c.RATCHET_PREDICTION_URLS, overrides: c.RATCHET_MEMBER_URLS };
  return {
    grpcHost: c.RATCHET_GRPC_HOST,
    grpcPort: c.RATCHET_GRPC_PORT,
    httpHost: c.RATCHET_HTTP_HOST,
    httpPort: c.RATCHET_HTTP_PORT,
    members,
    channelsPerAddress: c.RATCHET_CHANNELS_PER_MEMBER,
    memberDeadlineMs: c.RATCHET_MEMBER_DEADLINE_MS,
    breaker: { failureThreshold: c.RATCHET_BREAKER_FAILURES, cooldownMs: c.RATCHET_BREAKER_COOLDOWN_MS },
    maxRequestBytes: c.RATCHET_MAX_REQUEST_BYTES,
    drainMs: c.RATCHET_DRAIN_MS,
  };
}
