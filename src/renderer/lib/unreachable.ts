/** The end of an exhaustive switch: the compiler proves it is never reached, and it throws if it is. */
export function unreachable(x: never): never {
  throw new Error(`unreachable: ${JSON.stringify(x)}`)
}
