import type { SkippedProvider } from '../../../shared/api'

/** The order in which execution providers are tried: a GPU where the platform has one, CPU last. */
export function defaultProviders(platform: NodeJS.Platform = process.platform): string[] {
  const fromEnv = process.env.LECTOR_PROVIDERS?.split(',').map((s) => s.trim()).filter(Boolean)
  if (fromEnv?.length) return fromEnv
  switch (platform) {
    case 'win32':
      return ['cuda', 'dml', 'webgpu', 'cpu']
    case 'darwin':
      return ['coreml', 'webgpu', 'cpu']
    default:
      return ['cuda', 'webgpu', 'cpu']
  }
}

export interface Chosen<S> {
  session: S
  provider: string
  skipped: SkippedProvider[]
}

/**
 * Tries each provider in turn. `open` must create a session *and* prove it runs (a provider can create a
 * session and still fail on the first run); a provider that throws is skipped with its reason recorded.
 */
export async function openWithFallback<S>(providers: string[], open: (provider: string) => Promise<S>): Promise<Chosen<S>> {
  const skipped: SkippedProvider[] = []
  for (const provider of providers) {
    try {
      return { session: await open(provider), provider, skipped }
    } catch (err) {
      skipped.push({ name: provider, reason: firstLine(err) })
    }
  }
  const reasons = skipped.map((s) => `${s.name}: ${s.reason}`).join('; ')
  throw new Error(`No execution provider could run the model (${reasons || 'none was tried'}).`)
}

function firstLine(err: unknown): string {
  const message = err instanceof Error ? err.message : String(err)
  // ORT prefixes messages with long source paths; keep the part a person can act on.
  const line = message.split('\n').find((l) => l.trim()) ?? message
  return line.replace(/^\/\S+:\d+ /, '').slice(0, 300)
}
