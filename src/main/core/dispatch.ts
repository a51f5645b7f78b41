import {
  apiInputs,
  isApiName,
  type ApiName,
  type ApiOutput,
  type ApiParsedInput,
  type Result,
} from '../../shared/api'
import { LectorError } from './errors'
import { describeStoreError } from './store/db'

export type Handlers = { [K in ApiName]: (input: ApiParsedInput<K>) => Promise<ApiOutput<K>> | ApiOutput<K> }

export type Dispatch = (name: unknown, rawInput: unknown) => Promise<Result<unknown>>

/**
 * The one entry point every host uses: unknown names and malformed inputs are refused before any
 * handler runs, and every failure becomes `{ ok: false, code, message }` (stack kept in the log).
 * `library`: the library's file, looked at to say why a write to it failed (a full disk, write-protected).
 */
export function createDispatcher(handlers: Handlers, log: (err: unknown) => void = console.error, library?: string): Dispatch {
  return async (name, rawInput) => {
    if (!isApiName(name)) {
      return { ok: false, code: 'unknown-request', message: `Unknown request: ${String(name).slice(0, 80)}` }
    }
    const parsed = apiInputs[name].safeParse(rawInput ?? {})
    if (!parsed.success) {
      const issue = parsed.error.issues[0]
      const where = issue?.path.length ? `${issue.path.join('.')}: ` : ''
      return { ok: false, code: 'bad-input', message: `Invalid input for ${name}: ${where}${issue?.message ?? 'invalid'}` }
    }
    try {
      const handler = handlers[name] as (input: unknown) => unknown
      return { ok: true, value: await handler(parsed.data) }
    } catch (err) {
      if (err instanceof LectorError) return { ok: false, code: err.code, message: err.message }
      log(err)
      const stored = describeStoreError(err, library)
      if (stored) return { ok: false, code: stored.code, message: stored.message }
      return { ok: false, code: 'internal', message: err instanceof Error ? err.message : String(err) }
    }
  }
}
