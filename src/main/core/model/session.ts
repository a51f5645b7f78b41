import ort from 'onnxruntime-node'

/**
 * An ONNX Runtime session on one execution provider, proven by `probe` (a run on a dummy input): a
 * provider can build a session and still fail on its first run. Released again when the probe fails, so
 * openWithFallback can move on to the next provider.
 */
export async function openProbedSession(
  bytes: Uint8Array,
  provider: string,
  probe: (session: ort.InferenceSession) => Promise<void>,
): Promise<ort.InferenceSession> {
  const session = await ort.InferenceSession.create(bytes, {
    executionProviders: [provider],
    graphOptimizationLevel: 'all',
    logSeverityLevel: 3,
  })
  try {
    await probe(session)
  } catch (err) {
    await session.release()
    throw err
  }
  return session
}
