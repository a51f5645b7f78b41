// The batch visibly learning: counts, the engine's current trust in context and in the batch's vocabulary,
// and the session's chart.
import type { ReviewStats } from '../../../shared/api'
import { EffortChart } from './EffortChart'
import { LearningChart } from './LearningChart'
import { conventionsSummary } from './conventions-summary'
import { unreviewedSummary } from './unreviewed-summary'

export function LearningPanel({ stats }: { stats: ReviewStats | undefined }) {
  if (!stats) return <div className="learning muted">…</div>
  const trust = stats.decision?.trust
  const unreviewed = unreviewedSummary(stats)
  const decision = stats.decision
  const conventions = conventionsSummary(decision?.conventions)
  return (
    <section className="learning" aria-label="What the batch has learnt" data-testid="learning">
      <dl className="counts">
        <div title="Lines of the batch, less those marked not text">
          <dt>Lines</dt>
          <dd data-testid="count-lines">
            {stats.lines.toLocaleString()}
            {stats.notText > 0 && <span className="muted small" data-testid="count-not-text"> · {stats.notText.toLocaleString()} not text</span>}
          </dd>
        </div>
        <div>
          <dt>Reviewed</dt>
          <dd data-testid="count-reviewed">{stats.reviewed.toLocaleString()}</dd>
        </div>
        <div title="Lines whose text context changed, now (with those the batch's writing conventions rewrote); and how many the last correction changed">
          <dt>By context</dt>
          <dd data-testid="count-context">
            {stats.context.toLocaleString()}
            <span className="muted small"> · last +{stats.lastChanged}</span>
          </dd>
        </div>
        <div title="Whether context reads the rest of the batch: it does once your corrections, read just before you made them, came out clearly better with it than with the model alone. Each change is then decided character by character, from how close and how many your corrected lines are.">
          <dt>Context</dt>
          <dd data-testid="trust">
            {trust === undefined ? '—' : trust > 0 ? 'on' : 'off'}
            {decision?.gate && (
              <span className="muted small">
                {' '}
                · {decision.gate.better} better / {decision.gate.worse} worse
              </span>
            )}
            {conventions && (
              <span
                className="muted small"
                data-testid="conventions"
                title="How your corrections write this batch, so every line is shown so, whether context is on or off"
              >
                {' '}
                · {conventions}
              </span>
            )}
          </dd>
        </div>
        <div title="Words of your corrections the engine may put in place of a doubtful reading, and how many nats of the model's evidence a word is worth, from leave-one-out checks (0 = vocabulary off)">
          <dt>Vocabulary</dt>
          <dd data-testid="lexicon">
            {decision ? `${decision.lexiconEntries.toLocaleString()} words` : '—'}
            {decision && <span className="muted small"> · bias {decision.lexiconBias}</span>}
          </dd>
        </div>
        <div title="Mean confidence of the lines not reviewed yet">
          <dt>Unreviewed</dt>
          <dd>{unreviewed.sure}</dd>
        </div>
        <div title="The engine's estimate of how many lines not reviewed yet are still wrong: each line's probability of being wrong, judged from the model's own signals and calibrated on your corrections and acceptances in this batch, added up. When it is near 0, more review finds little.">
          <dt>Probably wrong</dt>
          <dd data-testid="probably-wrong">{unreviewed.probablyWrong}</dd>
        </div>
      </dl>
      {stats.contextLoading && (
        <p className="notice small" role="status" data-testid="context-loading">
          Reading the batch in context again, from your {stats.reviewed.toLocaleString()} reviewed lines… The model’s
          readings are shown until then; a correction you make now is saved at once and applied when it is ready.
        </p>
      )}
      <LearningChart history={stats.history} />
      <EffortChart history={stats.history} />
    </section>
  )
}
