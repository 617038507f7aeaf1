import { useEffect, useMemo, useState } from 'preact/hooks'
import { api, channelPath } from '../app/api.js'
import { t } from '../app/i18n.js'
import type { Page, Post } from '../app/types.js'
import { ErrorBox } from '../components/ErrorBox.js'
import { StudioNav } from '../studio/StudioNav.js'
import { Chart } from './Chart.js'
import { ReachSection } from './ReachSection.js'

/** `GET …/analytics/members` (src/web/analytics.ts): current members by the day they joined. */
interface MemberGrowth {
  days: { day: string; joined: number; total: number }[]
  total: number
}

const POSTS = 50

function excerpt(p: Post): string {
  const text =
    p.text ||
    p.poll?.question ||
    p.prompt?.question ||
    (p.media?.length
      ? t('studio.staff.photos', { count: p.media.length })
      : t(`studio.schedule.kind.${p.kind}`))
  return text.length > 40 ? `${text.slice(0, 39)}…` : text
}

/** Members over time, and views and reactions of the latest posts, as charts and as a table. */
export function Analytics({ slug }: { slug: string }) {
  const [growth, setGrowth] = useState<MemberGrowth | null>(null)
  const [growthError, setGrowthError] = useState<unknown>(null)
  const [posts, setPosts] = useState<Post[] | null>(null)
  const [postsError, setPostsError] = useState<unknown>(null)

  useEffect(() => {
    api.get<MemberGrowth>(channelPath(slug, '/analytics/members?days=90')).then(setGrowth, setGrowthError)
    api
      .get<Page<Post>>(channelPath(slug, `/posts?limit=${POSTS}`))
      .then((p) => setPosts(p.items), setPostsError)
  }, [slug])

  const memberChart = useMemo(() => {
    if (!growth) return null
    return {
      x: growth.days.map((d) => Date.parse(`${d.day}T00:00:00Z`) / 1000),
      series: [{ label: t('analytics.members'), values: growth.days.map((d) => d.total), color: 'accent' }],
    }
  }, [growth])

  const postChart = useMemo(() => {
    if (!posts) return null
    const ordered = [...posts].reverse()
    return {
      x: ordered.map((_, i) => i),
      labels: ordered.map((p) => (p.publishedAt ?? '').slice(5, 10)),
      series: [
        {
          label: t('analytics.views'),
          values: ordered.map((p) => p.views ?? 0),
          color: '#5b8def',
          bars: true,
        },
        {
          label: t('analytics.reactions'),
          values: ordered.map((p) => p.reactions?.total ?? 0),
          color: '#d93f7a',
        },
      ],
    }
  }, [posts])

  return (
    <main id="main" class="stack wide">
      <StudioNav slug={slug} current="analytics" />
      <h1>{t('channel.analytics')}</h1>
      <section class="card" aria-labelledby="members-chart">
        <h2 id="members-chart">{t('analytics.membersTitle')}</h2>
        <ErrorBox error={growthError} />
        {growth && memberChart && (
          <>
            <p>{t('analytics.now', { members: t('channel.members', { count: growth.total }) })}</p>
            <Chart
              title={t('analytics.membersChart', { count: growth.total })}
              x={memberChart.x}
              series={memberChart.series}
            />
            <p class="small muted">{t('analytics.membersHelp')}</p>
          </>
        )}
      </section>
      <section class="card" aria-labelledby="posts-chart">
        <h2 id="posts-chart">{t('analytics.postsTitle')}</h2>
        <ErrorBox error={postsError} />
        {posts && postChart && posts.length > 0 && (
          <>
            <Chart
              title={t('analytics.postsChart')}
              x={postChart.x}
              xLabels={postChart.labels}
              series={postChart.series}
            />
            <table>
              <thead>
                <tr>
                  <th>{t('analytics.post')}</th>
                  <th>{t('analytics.views')}</th>
                  <th>{t('analytics.reactions')}</th>
                </tr>
              </thead>
              <tbody>
                {posts.map((p) => (
                  <tr key={p.id}>
                    <td>
                      <a href={`/app/studio/${encodeURIComponent(slug)}/p/${encodeURIComponent(p.id)}`}>
                        {excerpt(p)}
                      </a>
                    </td>
                    <td>{p.views ?? '—'}</td>
                    <td>{p.reactions?.total ?? '—'}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          </>
        )}
        {posts?.length === 0 && <p class="muted">{t('channel.noPosts')}</p>}
      </section>
      <ReachSection slug={slug} />
    </main>
  )
}
