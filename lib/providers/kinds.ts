import type { ProviderKind } from "@/lib/db/generated/enums";
import type { OutboundPolicy } from "@/lib/net/outbound";
import { BuiltinProvider } from "./builtin/provider";
import { OpenAICompatibleProvider } from "./openai-compatible";
import type { Provider } from "./provider";
import type { RetryPolicy } from "./retry";

/** One provider per kind; a kind without an entry does not compile. */
export type Providers = Record<ProviderKind, Provider>;

export type ProvidersConfig = RetryPolicy & { timeoutMs: number; outbound: OutboundPolicy; modelsDir: string };

/** The providers one gateway calls, each holding its own connections or loaded models. */
export function providersFor(config: ProvidersConfig): Providers {
  return {
    OPENAI_COMPATIBLE: new OpenAICompatibleProvider(config),
    BUILTIN: new BuiltinProvider(config.modelsDir),
  };
}

export async function closeProviders(providers: Providers): Promise<void> {
  await Promise.all(Object.values(providers).map((p) => p.close()));
}
