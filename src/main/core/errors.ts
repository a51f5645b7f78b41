import type { ErrorCode } from '../../shared/api'

/** An error meant for the user: its message is shown as is, its code crosses the boundary as data. */
export class LectorError extends Error {
  constructor(
    readonly code: ErrorCode,
    message: string,
    options?: { cause?: unknown },
  ) {
    super(message, options)
    this.name = 'LectorError'
  }
}

/** The end of an exhaustive switch, `throw unreachable(x)`: the compiler proves it is never reached. */
export function unreachable(x: never): Error {
  return new Error(`unreachable: ${JSON.stringify(x)}`)
}
