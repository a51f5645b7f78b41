import type { GateWeights } from './gate'

/**
 * Every number in-context decoding uses, with the reason beside it. There are no per-dataset switches:
 * how much to trust context is decided per batch from the corrections themselves (calibrate.ts).
 */
export interface ContextSettings {
  /** Neighbours per frame. 8 in the prototype; fewer made single look-alikes decisive. */
  k: number
  /** Temperature of the neighbour vote over cosine distance: exp(-d / T). 0.02 in the prototype. */
  temperature: number
  /** Neighbours farther than the nearest by more than this do not vote: their weight would be under
   *  exp(−window / T) ≈ 0.7 % of the nearest's, and leaving them out lets a correction that only adds such
   *  far neighbours leave a line untouched (no re-decode). */
  voteWindow: number
  /** Neighbours farther than this are never listed: past it (with the vote window) the gate gives no
   *  weight to a vote (the farthest look-alikes that ever decided a unit in the dev sets sat near 0.2). */
  farDistance: number
  /** A frame is queried when the model gives characters at least this much mass (1 − blank). Blank
   *  frames are left to the model: the prototype's blank store mostly inserted spurious characters. */
  minCharMass: number
  /** A gap between two characters is queried when the model gives the space at least this much there.
   *  Context then chooses between the model's own alternatives rather than inventing a space it saw no
   *  sign of; on sroie-dev this leaves out 73 % of the gap queries (21,447 → 5,787), with the same
   *  accuracy (no-case CER 1.88 % either way), and a fifth less searching on long lines. */
  minSpaceMass: number
  /** The gate's prior (gate.ts): the starting point every batch's own corrections move. Fitted once on the
   *  corrections' units of sroie-dev, forms-dev, fraktur-dev (normalised labels) and iiit5k-dev together —
   *  each set at 10 % and 20 % and in batches of 5 documents, every run weighted alike — then two weights
   *  held firmer than the data asked, since a batch's first corrections are judged by them: a letter for a
   *  digit or back (+0.64 fitted, −1 here) and a space inside a number (−0.2 fitted, −2 here). The pooled
   *  data is dominated by large pools, where such votes are sound; in 5-receipt batches they broke more
   *  numbers than they fixed ("43800" read "438OO" beside a pool of "SELANGOR"s). The last three weights were
   *  added later and not fitted: a ligature's and a class the batch added start at 0, and each batch's own
   *  votes set them; the letter context of an added class (a log-odds) starts half believed, since a small
   *  batch has too few such votes to fit it (fraktur-dev batches of 5 at 10 %: CER 12.74 from 0, 12.62
   *  from 0.5, 12.70 from 1). */
  gatePrior: GateWeights
  /** How firmly the prior holds each weight: the precision of its Gaussian, in examples' worth. */
  gatePrecision: number
  /** The gate is fitted again once its examples have grown by this factor, and by at least
   *  `minRefitExamples` (calibrate.ts says why not after every correction). */
  refitGrowth: number
  minRefitExamples: number
  /** Corrections needed before context is trusted at all: below this the evidence is too thin. */
  minCorrections: number
  /** Up to this many corrections, each calibration reads every corrected line again with all the others
   *  in the pool (leave-one-out, evidence.ts `refreshed`) rather than keeping what it read when corrected. */
  refreshEvidenceUpTo: number
  /** Trust is recalibrated after every correction up to `calibrateAlwaysUpTo`, then every
   *  `calibrateEvery`-th: it settles as evidence grows, and each calibration costs ~30 ms. */
  calibrateAlwaysUpTo: number
  calibrateEvery: number
  /** How many nats of the model's evidence a word of the batch's vocabulary is worth (lexicon.ts), the
   *  candidates the calibration chooses between (0 = no lexicon). On sroie-dev with 20 % corrected, 1–6
   *  replace the same 22 misread words and harm none; 8 starts turning a confident "SHENG" into a pool's
   *  "SENG". */
  lexiconBiasGrid: number[]
  /** Corrected lines the lexicon's leave-one-out replays. It replays the model's own readings (no
   *  neighbour search), so it can afford many more lines than the trust's: fixes are rare, and a sign
   *  test on 40 lines could never see them. */
  lexiconCalibrationLines: number
  /** A bias is only used when, replayed, it made at most this many lines worse per line it made better:
   *  the vocabulary's fixes are small, and one wrong "fix" of a correct word costs as much as one repair. */
  lexiconHarmRatio: number
  /** Lines a correction reads again before it replies, the hardest (least confident) first; the rest
   *  are read straight after, with the calibration (`settle`). Early in a batch a long correction can
   *  reach a third of it (forms-dev: 3,000 of 8,173 lines, 300 ms), most only to confirm a reading. In a
   *  batch of more lines than this, the correction's new entries also reach only the rows of this many
   *  lines, the least confident as shown, before it replies (neighbour-index.ts `merge`): scoring every
   *  row was most of the slowest updates' time (forms-dev at 20 %, update p50/p95 20/62 → 9/20 ms). */
  linesPerUpdate: number
}

export const defaultContextSettings: ContextSettings = {
  k: 8,
  temperature: 0.02,
  voteWindow: 0.1,
  farDistance: 0.25,
  minCharMass: 0.05,
  minSpaceMass: 0.001,
  gatePrior: {
    chars: [-1.63, -0.35, -1.61, 0.05, -0.47, -2.07, -1.31, 0.44, 1.88, 0.82, 0.06, -1, -1.01, -0.1, 0.3, 0, 0, 0.5],
    gaps: [2.54, 0.58, 0.48, 1.36, -0.09, 0.42, -2, -0.21],
  },
  gatePrecision: 2,
  refitGrowth: 1.25,
  minRefitExamples: 10,
  minCorrections: 5,
  refreshEvidenceUpTo: 50,
  calibrateAlwaysUpTo: 20,
  calibrateEvery: 10,
  lexiconBiasGrid: [0, 1, 2, 4],
  lexiconCalibrationLines: 300,
  lexiconHarmRatio: 0.1,
  linesPerUpdate: 300,
}
