import { mkdtempSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import sharp from 'sharp'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { renderLine, type FontName } from '../../../../tests/fixtures/render-lines'
import { loadRecognizer, type Recognizer } from './recognizer'

const samples: Array<{ text: string; font: FontName }> = [
  { text: 'TOTAL RM 12.50', font: 'sans' },
  { text: 'Invoice No: 4471-22', font: 'sans' },
  { text: 'The quick brown fox jumps over the lazy dog', font: 'sans' },
  { text: 'Thank you! Please come again.', font: 'serif' },
  { text: '2019-03-18 10:42', font: 'mono' },
  { text: 'QTY 2 x 3.90', font: 'serif' },
]

let recognizer: Recognizer
const textOf = (r: Awaited<ReturnType<Recognizer['read']>>[number]) => (r.ok ? r.reading.text : `error: ${r.error}`)

beforeAll(async () => {
  recognizer = await loadRecognizer({ providers: ['cpu'] })
})
afterAll(async () => {
  await recognizer?.release()
})

describe('recognizer', () => {
  it('reads rendered lines exactly, in three fonts', async () => {
    const images = await Promise.all(samples.map((s) => renderLine(s.text, { font: s.font })))
    const results = await recognizer.read(images)
    expect(results.map(textOf)).toEqual(samples.map((s) => s.text))
    for (const r of results) {
      if (!r.ok) continue
      expect(r.reading.confidence).toBeGreaterThan(0.8)
      expect(r.reading.charConfidences).toHaveLength([...r.reading.text].length)
    }
  })

  it("gives a line the same reading whatever it is batched with", async () => {
    const line = await renderLine('GST 6% 0.71')
    const others = await Promise.all(['A', 'a much longer neighbour line of text here', 'x y z'].map((t) => renderLine(t)))
    const alone = (await recognizer.read([line]))[0]
    const mixed = (await recognizer.read([others[1], line, others[0], others[2]]))[1]
    expect(alone.ok && mixed.ok).toBe(true)
    if (!alone.ok || !mixed.ok) return
    expect(mixed.reading.text).toBe(alone.reading.text)
    expect(mixed.reading.frames).toBe(alone.reading.frames)
    mixed.reading.charConfidences.forEach((c, i) => expect(c).toBeCloseTo(alone.reading.charConfidences[i], 5))
  })

  it('reads rotated, 16-bit, palette, grayscale and transparent images in PNG, JPEG, WebP and TIFF alike', async () => {
    const text = 'Invoice No: 4471-22'
    const plain = await renderLine(text)
    const { width, height } = await sharp(plain).metadata()
    const inkOnly = await sharp(plain).negate().extractChannel(0).toBuffer() // text as alpha, no paper
    const variants: Record<string, Buffer> = {
      'png gray': await sharp(plain).toColourspace('b-w').png().toBuffer(),
      'png 16-bit': await sharp(plain).toColourspace('rgb16').png().toBuffer(),
      'png palette': await sharp(plain).png({ palette: true, colours: 16 }).toBuffer(),
      'png alpha': await sharp({ create: { width, height, channels: 3, background: '#000' } })
        .joinChannel(inkOnly)
        .png()
        .toBuffer(),
      jpeg: await sharp(plain).jpeg({ quality: 90 }).toBuffer(),
      webp: await sharp(plain).webp({ quality: 90 }).toBuffer(),
      tiff: await sharp(plain).tiff().toBuffer(),
      'jpeg EXIF rotated 90°': await sharp(plain).rotate(270).withMetadata({ orientation: 6 }).jpeg({ quality: 95 }).toBuffer(),
      'png EXIF rotated 180°': await sharp(plain).rotate(180).withMetadata({ orientation: 3 }).png().toBuffer(),
    }
    const results = await recognizer.read(Object.values(variants))
    const read = Object.fromEntries(Object.keys(variants).map((k, i) => [k, textOf(results[i])]))
    expect(read).toEqual(Object.fromEntries(Object.keys(variants).map((k) => [k, text])))
  })

  it("reads a line far wider than the model's range in overlapping windows, to its last word", async () => {
    const words = 'Invoice 4471 total amount due 128.40 paid by card thank you for your order'.split(' ')
    const text = Array.from({ length: 60 }, (_, i) => words[i % words.length]).join(' ') + ' END'
    const image = await renderLine(text)
    const result = (await recognizer.read([image]))[0]
    expect(result.ok).toBe(true)
    if (!result.ok) return
    // Wider than the largest bucket (3,200 px), so it went through more than one window.
    expect(result.reading.frames * 8).toBeGreaterThan(3200)
    const { distance } = await import('fastest-levenshtein')
    expect(distance(result.reading.text, text) / text.length).toBeLessThan(0.02)
    expect(result.reading.text.endsWith('END')).toBe(true)
  })

  it('gives a corrupt, empty or missing file its own error and still reads the rest', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'lector-rec-'))
    const good = await renderLine('Hello world')
    writeFileSync(join(dir, 'empty.png'), Buffer.alloc(0))
    writeFileSync(join(dir, 'text.png'), 'this is text, not an image')
    writeFileSync(join(dir, 'truncated.png'), good.subarray(0, good.length / 2))
    const results = await recognizer.read([
      good,
      join(dir, 'empty.png'),
      join(dir, 'text.png'),
      join(dir, 'truncated.png'),
      join(dir, 'missing.png'),
      good,
    ])
    expect(textOf(results[0])).toBe('Hello world')
    expect(textOf(results[5])).toBe('Hello world')
    expect(results.slice(1, 5).map((r) => r.ok)).toEqual([false, false, false, false])
    const errors = results.slice(1, 5).map((r) => (r.ok ? '' : r.error))
    expect(errors[0]).toMatch(/empty file/)
    expect(errors[1]).toMatch(/not an image/)
    expect(errors[2]).toMatch(/damaged|truncated/i)
    expect(errors[3]).toMatch(/not found/)
  })
})

describe('loadRecognizer', () => {
  it('falls back past an execution provider ONNX Runtime does not have, and says why', async () => {
    const recognizer = await loadRecognizer({ providers: ['no-such-provider', 'cpu'] })
    try {
      expect(recognizer.provider).toBe('cpu')
      expect(recognizer.skippedProviders).toHaveLength(1)
      expect(recognizer.skippedProviders[0].name).toBe('no-such-provider')
      expect(recognizer.skippedProviders[0].reason).toMatch(/no-such-provider/)
      expect(recognizer.model.id).toMatch(/^ppocrv4-rec:[0-9a-f]{12}$/)
      expect(recognizer.alphabet.size).toBe(6625)
    } finally {
      await recognizer.release()
    }
  })
})
