import { InferenceClient } from '@ratchet/inference-client';

/** Where the prediction services that answer for members listen. */
export interface MemberEndpoints {
  /** Addresses (host:port) serving every model version not listed in `overrides`. */
  readonly default: readonly string[];
  /** Addresses for one model (`income`) or one model version (`income@1.1.0`). */
  readonly overrides?: Readonly<Record<string, readonly string[]>>;
}

export interface MemberPoolOptions {
  /** gRPC channels (HTTP/2 connections) kept per address. Default 2. */
  readonly channelsPerAddress?: number;
}

/**
 * Pooled gRPC channels to the prediction services: a few long-lived channels per address,
 * shared by all requests and picked round-robin, so a member call never pays for a connection.
 */
export class MemberPool {
  private readonly clients = new Map<string, InferenceClient[]>();
  private readonly cursor = new Map<string, number>();
  private readonly channels: number;

  constructor(
    private readonly endpoints: MemberEndpoints,
    options: MemberPoolOptions = {},
  ) {
    this.channels = options.channelsPerAddress ?? 2;
    if (endpoints.default.length === 0 && Object.keys(endpoints.overrides ?? {}).length === 0) {
      throw new RangeError('the router needs at least one prediction service address');
    }
  }

  /** Addresses that serve `model@version`: the version's override, the model's, else the default. */
  addresses(model: string, version: string): readonly string[] {
    const o = this.endpoints.overrides ?? {};
    const list = (version ? o[`${model}@${version}`] : undefined) ?? o[model] ?? this.endpoints.default;
    if (list.length === 0) throw new RangeError(`no prediction service address for ${model}@${version || '(default)'}`);
    return list;
  }

  /** A pooled client for a member. */
  client(model: string, version: string): InferenceClient {
    const addrs = this.addresses(model, version);
    const key = `${model}@${version}`;
    const n = this.cursor.get(key) ?? 0;
    this.cursor.set(key, n + 1);
    return this.forAddress(addrs[n % addrs.length] as string, Math.floor(n / addrs.length));
  }

  private forAddress(address: string, n: number): InferenceClient {
    let list = this.clients.get(address);
    if (!list) {
      // A local subchannel pool per client: otherwise grpc-js would share one connection among
      // them. No transparent retries: the router's own fallback decides what a failure means,
      // and grpc-js's retry wrapper costs CPU on every call.
      const channelOptions = { 'grpc.use_local_subchannel_pool': 1, 'grpc.enable_retries': 0 };
      list = Array.from({ length: this.channels }, () => new InferenceClient(address, { channelOptions }));
      this.clients.set(address, list);
    }
    return list[n % list.length] as InferenceClient;
  }

  close(): void {
    for (const list of this.clients.values()) for (const c of list) c.close();
    this.clients.clear();
  }
}
