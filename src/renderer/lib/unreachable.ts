/** The end of an exhaustive switch, `throw unreachable(x)`: the compiler proves it is never reached. */
export function unreachable(x: never): Error {
  return new Error(`unreachable: ${JSON.stringify(x)}`)
}
