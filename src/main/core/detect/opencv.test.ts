import { describe, expect, it } from 'vitest'
import { loadOpenCv } from './opencv'

describe('OpenCV loader', () => {
  it("leaves the process's error handlers as they were", async () => {
    const before = [process.listeners('uncaughtException'), process.listeners('unhandledRejection')]
    const { cv } = await loadOpenCv()
    expect(typeof cv.findContours).toBe('function')
    expect([process.listeners('uncaughtException'), process.listeners('unhandledRejection')]).toEqual(before)
  })
})
