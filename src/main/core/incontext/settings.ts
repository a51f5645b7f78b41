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
  /** Neighbour distance below which context gets full weight, and above which none (linear between):
   *  same glyph in the same print sits well under 0.1; a look-alike from another font above 0.2. */
  nearDistance: number
  farDistance: number
  /** Closeness is measured at this nearest neighbour (2: the second), so one close stored frame is not
   *  enough for context to act. A single look-alike overruled confident readings in small pools: with 5 %
   *  of sroie-dev corrected, a hyphen whose one close neighbour was a space became a space in every
   *  "(81109-A)", an O beside a stored 0 became a 0; lines made worse 119 → 36, no-case CER 3.04 → 2.59 %
   *  (the model alone: 2.86 %). At 20 %, where pools are dense, CER is the same and 9 lines are made worse
   *  instead of 10. */
  support: number
  /** A frame is queried when the model gives characters at least this much mass (1 − blank). Blank
   *  frames are left to the model: the prototype's blank store mostly inserted spurious characters. */
  minCharMass: number
  /** A gap between two characters is queried when the model gives the space at least this much there.
   *  Context then chooses between the model's own alternatives rather than inventing a space it saw no
   *  sign of; on sroie-dev this leaves out 73 % of the gap queries (21,447 → 5,787), with the same
   *  accuracy (no-case CER 1.88 % either way), and a fifth less searching on long lines. */
  minSpaceMass: number
  /** Candidate weights of context the per-batch calibration chooses between (0 = the model alone). */
  trustGrid: number[]
  /** Context is only trusted when, replayed leave-one-out, it removes at least this share of the model's
   *  edits (besides helping clearly more lines than it hurts): a few lucky fixes are not evidence. */
  minGain: number
  /** Corrected lines the leave-one-out calibration replays (the most recent ones), at most… */
  calibrationLines: number
  /** …and only as many as hold this many queried frames: the evidence is the characters, not the lines,
   *  and each replayed frame is searched against the whole pool. 40 receipt lines hold ~600; 40 lines of
   *  1,000 px held 4,800 and made every tenth correction on them cost half a second. */
  calibrationFrames: number
  /** Corrections needed before context is trusted at all: below this the evidence is too thin. */
  minCorrections: number
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
}

export const defaultContextSettings: ContextSettings = {
  k: 8,
  temperature: 0.02,
  voteWindow: 0.1,
  nearDistance: 0.08,
  farDistance: 0.25,
  support: 2,
  minCharMass: 0.05,
  minSpaceMass: 0.001,
  trustGrid: [0, 0.35, 0.6, 0.85, 1],
  minGain: 0.1,
  calibrationLines: 40,
  calibrationFrames: 1200,
  minCorrections: 5,
  calibrateAlwaysUpTo: 20,
  calibrateEvery: 10,
  lexiconBiasGrid: [0, 1, 2, 4],
  lexiconCalibrationLines: 300,
  lexiconHarmRatio: 0.1,
}
