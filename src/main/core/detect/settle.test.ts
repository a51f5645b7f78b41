import { describe, expect, it } from 'vitest'
import type { DetectedLine, LineCut, Quad } from '../pages/types'
import { settleOrientation } from './settle'

const quad: Quad = [
  [0, 0],
  [10, 0],
  [10, 5],
  [0, 5],
]
const cut = (name: string, rotation: LineCut['rotation'] = 0): LineCut => ({ quad, crop: Buffer.from(name), width: 10, height: 5, rotation })
const line = (name: string, alternatives?: LineCut[]): DetectedLine => ({ ...cut(name), score: 0.9, contrast: 200, ...(alternatives ? { alternatives } : {}) })

describe('which way up a doubtful line is', () => {
  it('keeps the detector’s cut unless another reads clearly more confidently, and reads only doubtful lines', async () => {
    const confidence: Record<string, number> = { 'To:': 0.98, ':01': 0.95, TOTAL: 0.99, '5-turned': 0.1, '5': 0.99, '6': 0.94, '9': 0.96, NIOAW: 0.79, MYDIN: 0.94 }
    const asked: string[] = []
    const lines = [
      line('To:', [cut(':01', 180)]),
      line('TOTAL'),
      line('5-turned', [cut('5', 90)]),
      line('6', [cut('9', 180)]),
      line('NIOAW', [cut('MYDIN', 180)]),
    ]
    const settled = await settleOrientation(lines, async (crops) => {
      asked.push(...crops.map(String))
      return crops.map((c) => confidence[String(c)])
    })
    expect(settled.map((l) => [String(l.crop), l.rotation, 'alternatives' in l])).toEqual([
      ['To:', 0, false],
      ['TOTAL', 0, false],
      ['5', 90, false],
      ['6', 0, false],
      ['MYDIN', 180, false],
    ])
    expect(asked).not.toContain('TOTAL')
    expect(settled[0].score).toBe(0.9)
  })
})
