import { useEffect, useMemo, useState } from 'preact/hooks'
import { ApiError, api, channelPath } from '../app/api.js'
import { locale, t } from '../app/i18n.js'
import { ErrorBox } from '../components/ErrorBox.js'
import { Chart } from './Chart.js'

/** `GET …/analytics/reach` (src/reach/schemas.ts): views per surface per day and the top lists. */
interface ReachReport {
  days: {
    day: string
    pages: number
    embeds: number
    feeds: number
    oembed: number
    visitors: number
    bots: number
  }[]
  totals: { pages: number; embeds: number; feeds: number; oembed: number; bots: number }
  origins: { origin: string; views: number; posts: number }[]
  embeds: { postId: string; excerpt: string; origin: string; views: number }[]
  posts: { postId: string; excerpt: string; pages: number; embeds: number; oembed: number }[]
  readers: { reader: string; fetches: number; subscribers: number }[]
}

const DAYS = 30

const formatNumber = (n: number) => new Intl.NumberFormat(locale()).format(n)

/** `direct` and `other` are not sites: say what they mean. */
function originLabel(origin: string): string {
  if (origin === 'direct') return t('analytics.reach.direct')
  if (origin === 'other') return t('analytics.reach.otherSites')
  return origin.replace(/^https:\/\//, '')
}

function readerLabel(reader: string): string {
  if (reader === 'browser') return t('analytics.reach.browser')
  if (reader === 'other') return t('analytics.reach.otherReaders')
  return reader
}

function PostLink({ slug, postId, excerpt }: { slug: string; postId: string; excerpt: string }) {
  return (
    <a href={`/app/studio/${encodeURIComponent(slug)}/p/${encodeURIComponent(postId)}`}>
      {excerpt || t('analytics.reach.untitled')}
    </a>
  )
}

/**
 * Reach outside the app (issue 19 part 5): public pages, embeds on other sites, feeds and oEmbed,
 * counted without cookies or addresses (docs/privacy.md). Owner and admins only: other staff see why.
 */
export function ReachSection({ slug }: { slug: string }) {
  const [reach, setReach] = useState<ReachReport | null>(null)
  const [error, setError] = useState<unknown>(null)

  useEffect(() => {
    api.get<ReachReport>(channelPath(slug, `/analytics/reach?days=${DAYS}`)).then(setReach, setError)
  }, [slug])

  const chart = useMemo(() => {
    if (!reach) return null
    const series = (key: 'pages' | 'embeds' | 'feeds' | 'oembed' | 'visitors', color: string) => ({
      label: t(`analytics.reach.${key}`),
      values: reach.days.map((d) => d[key]),
      color,
    })
    return {
      x: reach.days.map((d) => Date.parse(`${d.day}T00:00:00Z`) / 1000),
      series: [
        series('pages', 'accent'),
        series('embeds', '#d93f7a'),
        series('feeds', '#e8871e'),
        series('oembed', '#7b5ea7'),
        series('visitors', '#2e8b57'),
      ],
    }
  }, [reach])

  const isTeamOnly = error instanceof ApiError && error.code === 'not-allowed'
  return (
    <section class="card reach" aria-labelledby="reach-title" id="reach">
      <h2 id="reach-title">{t('analytics.reach.title', { days: DAYS })}</h2>
      <p class="small muted">{t('analytics.reach.help')}</p>
      {isTeamOnly ? <p class="muted">{t('analytics.reach.ownersOnly')}</p> : <ErrorBox error={error} />}
      {reach && chart && (
        <>
          <table aria-label={t('analytics.reach.totals', { days: DAYS })}>
            <thead>
              <tr>
                <th>{t('analytics.reach.pages')}</th>
                <th>{t('analytics.reach.embeds')}</th>
                <th>{t('analytics.reach.feeds')}</th>
                <th>{t('analytics.reach.oembed')}</th>
                <th>{t('analytics.reach.bots')}</th>
              </tr>
            </thead>
            <tbody>
              <tr>
                <td>{formatNumber(reach.totals.pages)}</td>
                <td>{formatNumber(reach.totals.embeds)}</td>
                <td>{formatNumber(reach.totals.feeds)}</td>
                <td>{formatNumber(reach.totals.oembed)}</td>
                <td>{formatNumber(reach.totals.bots)}</td>
              </tr>
            </tbody>
          </table>
          <Chart title={t('analytics.reach.chart', { days: DAYS })} x={chart.x} series={chart.series} />
          <ReachTables slug={slug} reach={reach} />
        </>
      )}
    </section>
  )
}

function ReachTables({ slug, reach }: { slug: string; reach: ReachReport }) {
  return (
    <>
      <h3 id="reach-sites">{t('analytics.reach.sitesTitle')}</h3>
      {reach.origins.length === 0 ? (
        <p class="muted">{t('analytics.reach.noEmbeds')}</p>
      ) : (
        <table aria-labelledby="reach-sites">
          <thead>
            <tr>
              <th>{t('analytics.reach.site')}</th>
              <th>{t('analytics.reach.embeds')}</th>
              <th>{t('analytics.reach.postsEmbedded')}</th>
            </tr>
          </thead>
          <tbody>
            {reach.origins.map((o) => (
              <tr key={o.origin}>
                <td>{originLabel(o.origin)}</td>
                <td>{formatNumber(o.views)}</td>
                <td>{formatNumber(o.posts)}</td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
      {reach.embeds.length > 0 && (
        <>
          <h3 id="reach-embeds">{t('analytics.reach.embedsTitle')}</h3>
          <table aria-labelledby="reach-embeds">
            <thead>
              <tr>
                <th>{t('analytics.post')}</th>
                <th>{t('analytics.reach.site')}</th>
                <th>{t('analytics.reach.embeds')}</th>
              </tr>
            </thead>
            <tbody>
              {reach.embeds.map((e) => (
                <tr key={`${e.postId}|${e.origin}`}>
                  <td>
                    <PostLink slug={slug} postId={e.postId} excerpt={e.excerpt} />
                  </td>
                  <td>{originLabel(e.origin)}</td>
                  <td>{formatNumber(e.views)}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </>
      )}
      {reach.posts.length > 0 && (
        <>
          <h3 id="reach-posts">{t('analytics.reach.postsTitle')}</h3>
          <table aria-labelledby="reach-posts">
            <thead>
              <tr>
                <th>{t('analytics.post')}</th>
                <th>{t('analytics.reach.pages')}</th>
                <th>{t('analytics.reach.embeds')}</th>
                <th>{t('analytics.reach.oembed')}</th>
              </tr>
            </thead>
            <tbody>
              {reach.posts.map((p) => (
                <tr key={p.postId}>
                  <td>
                    <PostLink slug={slug} postId={p.postId} excerpt={p.excerpt} />
                  </td>
                  <td>{formatNumber(p.pages)}</td>
                  <td>{formatNumber(p.embeds)}</td>
                  <td>{formatNumber(p.oembed)}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </>
      )}
      <h3 id="reach-readers">{t('analytics.reach.readersTitle')}</h3>
      {reach.readers.length === 0 ? (
        <p class="muted">{t('analytics.reach.noReaders')}</p>
      ) : (
        <table aria-labelledby="reach-readers">
          <thead>
            <tr>
              <th>{t('analytics.reach.reader')}</th>
              <th>{t('analytics.reach.feeds')}</th>
              <th>{t('analytics.reach.subscribers')}</th>
            </tr>
          </thead>
          <tbody>
            {reach.readers.map((r) => (
              <tr key={r.reader}>
                <td>{readerLabel(r.reader)}</td>
                <td>{formatNumber(r.fetches)}</td>
                <td>{r.subscribers > 0 ? formatNumber(r.subscribers) : '—'}</td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
      <p class="small muted">{t('analytics.reach.subscribersHelp')}</p>
    </>
  )
}
