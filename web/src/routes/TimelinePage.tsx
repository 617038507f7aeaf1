import { useEffect, useState } from 'preact/hooks'
import { ApiError, api, channelPath } from '../app/api.js'
import { relativeTime } from '../app/format.js'
import { t } from '../app/i18n.js'
import { tagHref, weeksLabel } from '../app/tags.js'
import { type Timeline, type TimelineWeek, timelineSummary, weekLabel } from '../app/timeline.js'
import type { Channel } from '../app/types.js'
import { ErrorBox } from '../components/ErrorBox.js'
import { Link } from '../components/Link.js'
import './timeline.css'

/**
 * The production timeline in the app: the channel's posts grouped by filming week ("Weeks 1–14,
 * Chapter 8 of 8 — the last chapter"), each week with its cover, chapters and newest posts, linking
 * to the week's tagged posts in the channel. A post's week tag lands on its week (`#week-11`).
 */
export function TimelinePage({ slug }: { slug: string }) {
  const [channel, setChannel] = useState<Channel | null>(null)
  const [timeline, setTimeline] = useState<Timeline | null>(null)
  const [error, setError] = useState<unknown>(null)

  useEffect(() => {
    Promise.all([
      api.get<Channel>(channelPath(slug)),
      api.get<Timeline>(channelPath(slug, '/timeline')),
    ]).then(([c, tl]) => {
      setChannel(c)
      setTimeline(tl)
      document.title = `${t('channel.timeline')} · ${c.title} · Backlot`
    }, setError)
  }, [slug])

  // Land on the week a tag pointed at, once the weeks are on the page.
  useEffect(() => {
    if (!timeline || !window.location.hash) return
    document.getElementById(decodeURIComponent(window.location.hash.slice(1)))?.scrollIntoView()
  }, [timeline])

  const back = `/app/c/${encodeURIComponent(slug)}`
  if (error) {
    return (
      <main id="main">
        <h1>
          {error instanceof ApiError && error.status === 404 ? t('channel.notFound') : t('channel.timeline')}
        </h1>
        <ErrorBox error={error} />
      </main>
    )
  }
  if (!channel || !timeline) {
    return (
      <main id="main" aria-busy="true">
        <p class="muted">{t('common.loading')}</p>
      </main>
    )
  }
  const summary = timelineSummary(timeline)
  return (
    <main id="main" class="stack">
      <p class="small">
        <Link href={back}>← {channel.title}</Link>
      </p>
      <header>
        <h1>{t('channel.timeline')}</h1>
        {summary && <p class="timeline-summary">{summary}</p>}
      </header>
      {timeline.weeks.length === 0 && <p class="muted">{t('channel.noPosts')}</p>}
      <ol class="timeline">
        {withGaps(timeline.weeks).map((w) =>
          'gap' in w ? (
            <li key={`gap-${w.from}`} class="timeline-gap small muted">
              {weeksLabel(w)} · {t('timeline.noPosts')}
            </li>
          ) : (
            <Week key={w.week ?? w.label} slug={slug} week={w} />
          ),
        )}
      </ol>
    </main>
  )
}

/** Runs of filming weeks without posts fold into one line ("Weeks 2–10 · no posts"). */
function withGaps(weeks: TimelineWeek[]): (TimelineWeek | { gap: true; from: number; to: number })[] {
  const out: (TimelineWeek | { gap: true; from: number; to: number })[] = []
  for (const w of weeks) {
    const last = out[out.length - 1]
    if (w.postCount > 0 || w.week === null) out.push(w)
    else if (last && 'gap' in last && last.to === w.week - 1) last.to = w.week
    else out.push({ gap: true, from: w.week, to: w.week })
  }
  return out
}

function Week(props: { slug: string; week: TimelineWeek }) {
  const { slug, week: w } = props
  const id = w.week === null ? undefined : `week-${w.week}`
  return (
    <li id={id} class="card timeline-week" data-week={w.week ?? ''}>
      <h2>{weekLabel(w)}</h2>
      <p class="small muted">
        {w.startsOn && `${t('timeline.from', { date: w.startsOn })} · `}
        {t('timeline.posts', { count: w.postCount })}
      </p>
      {w.chapters.length > 0 && (
        <ul class="tags" aria-label={t('timeline.chapters')}>
          {w.chapters.map((c) => (
            <li key={c.number} data-tag="chapter">
              <Link href={tagHref(slug, { kind: 'chapter', value: String(c.number) })}>{c.name}</Link>
            </li>
          ))}
        </ul>
      )}
      {w.cover && (
        <img
          class="timeline-cover"
          src={w.cover.url}
          width={w.cover.width}
          height={w.cover.height}
          alt={w.cover.isSpoiler ? t('timeline.spoilerCover') : w.cover.alt}
          loading="lazy"
          decoding="async"
        />
      )}
      {w.posts.length > 0 && (
        <ul class="timeline-posts">
          {w.posts.map((p) => (
            <li key={p.id}>
              <Link href={`/app/c/${encodeURIComponent(slug)}/p/${encodeURIComponent(p.id)}`}>{p.title}</Link>
              {p.isSpoiler && ` ${t('timeline.spoilers')}`}{' '}
              <time class="small muted" dateTime={p.publishedAt}>
                {relativeTime(p.publishedAt)}
              </time>
            </li>
          ))}
        </ul>
      )}
      {w.week !== null && w.postCount > 0 && (
        <p class="small">
          <Link href={tagHref(slug, { kind: 'week', value: String(w.week) })}>
            {t('timeline.allPosts', { count: w.postCount, week: weekLabel(w) })}
          </Link>
        </p>
      )}
    </li>
  )
}
