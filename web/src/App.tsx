import { useEffect } from 'preact/hooks'
import { t } from './app/i18n.js'
import { match, route } from './app/router.js'
import { logOut, me } from './app/session.js'
import { connectionStatus } from './app/stream.js'
import { DeletionBanner } from './components/DeletionBanner.js'
import { lazyPage } from './components/LazyPage.js'
import { Link } from './components/Link.js'
import { AuthPage } from './routes/AuthPage.js'
import { ChannelPage } from './routes/ChannelPage.js'
import { Home } from './routes/Home.js'
import { JoinPage } from './routes/JoinPage.js'
import { PostPage } from './routes/PostPage.js'
import { SearchPage } from './routes/SearchPage.js'
import { TimelinePage } from './routes/TimelinePage.js'

// The studio, analytics and notification settings are separate chunks: fans download them on first use only.
const Composer = lazyPage(() => import('./studio/Composer.js').then((m) => m.Composer))
const ChannelSettings = lazyPage(() => import('./studio/ChannelSettings.js').then((m) => m.ChannelSettings))
const StaffPostView = lazyPage(() => import('./studio/StaffPostView.js').then((m) => m.StaffPostView))
const Schedule = lazyPage(() => import('./studio/Schedule.js').then((m) => m.Schedule))
const Reviews = lazyPage(() => import('./studio/Reviews.js').then((m) => m.Reviews))
const ScheduledPost = lazyPage(() => import('./studio/ScheduledPost.js').then((m) => m.ScheduledPost))
const Digests = lazyPage(() => import('./studio/Digests.js').then((m) => m.Digests))
const Reports = lazyPage(() => import('./studio/Reports.js').then((m) => m.Reports))
const Notices = lazyPage(() => import('./routes/Notices.js').then((m) => m.Notices))
const AuditLog = lazyPage(() => import('./studio/AuditLog.js').then((m) => m.AuditLog))
const NewChannel = lazyPage(() => import('./studio/NewChannel.js').then((m) => m.NewChannel))
const Analytics = lazyPage(() => import('./analytics/Analytics.js').then((m) => m.Analytics))
const AccountSettings = lazyPage(() => import('./routes/AccountSettings.js').then((m) => m.AccountSettings))
const NotificationSettings = lazyPage(() =>
  import('./routes/NotificationSettings.js').then((m) => m.NotificationSettings),
)

type Params = Record<string, string>
/** The app's routes, first match wins (the server answers all of them with index.html). */
const routes: [string, (p: Params) => preact.JSX.Element][] = [
  ['/', () => <Home />],
  ['/app', () => <Home />],
  ['/app/login', () => <AuthPage mode="login" />],
  ['/app/signup', () => <AuthPage mode="signup" />],
  ['/app/new', () => <NewChannel />],
  ['/app/settings/notifications', () => <NotificationSettings />],
  ['/app/settings/account', () => <AccountSettings />],
  ['/app/search', () => <SearchPage />],
  ['/app/c/:slug', (p) => <ChannelPage key={p.slug} slug={p.slug!} />],
  ['/app/c/:slug/search', (p) => <SearchPage key={p.slug} slug={p.slug!} />],
  ['/app/c/:slug/timeline', (p) => <TimelinePage key={p.slug} slug={p.slug!} />],
  ['/app/c/:slug/p/:id', (p) => <PostPage key={`${p.slug}/${p.id}`} slug={p.slug!} id={p.id!} />],
  ['/join/:slug', (p) => <JoinPage slug={p.slug!} />],
  ['/app/studio/:slug', (p) => <Composer key={p.slug} slug={p.slug!} />],
  ['/app/studio/:slug/settings', (p) => <ChannelSettings slug={p.slug!} />],
  ['/app/studio/:slug/analytics', (p) => <Analytics slug={p.slug!} />],
  ['/app/studio/:slug/schedule', (p) => <Schedule key={p.slug} slug={p.slug!} />],
  ['/app/studio/:slug/reviews', (p) => <Reviews key={p.slug} slug={p.slug!} />],
  ['/app/studio/:slug/schedule/:id', (p) => <ScheduledPost key={p.id} slug={p.slug!} id={p.id!} />],
  ['/app/studio/:slug/digests', (p) => <Digests key={p.slug} slug={p.slug!} />],
  ['/app/studio/:slug/audit', (p) => <AuditLog key={p.slug} slug={p.slug!} />],
  ['/app/studio/:slug/reports', (p) => <Reports key={p.slug} slug={p.slug!} />],
  ['/app/notices', () => <Notices />],
  ['/app/studio/:slug/p/:id', (p) => <StaffPostView slug={p.slug!} id={p.id!} />],
]

function Page() {
  const { pathname } = route.value
  for (const [pattern, render] of routes) {
    const params = match(pattern, pathname)
    if (params) return render(params)
  }
  return (
    <main id="main">
      <h1>{t('app.notFound')}</h1>
      <p>
        <Link href="/">{t('app.backHome')}</Link>
      </p>
    </main>
  )
}

/** A magnifying glass (decorative: the link or button carries the label). */
export function SearchIcon() {
  return (
    <svg width="20" height="20" viewBox="0 0 24 24" aria-hidden="true" fill="currentColor">
      <path d="M10 3a7 7 0 0 1 5.6 11.2l5 5-1.4 1.4-5-5A7 7 0 1 1 10 3Zm0 2a5 5 0 1 0 0 10 5 5 0 0 0 0-10Z" />
    </svg>
  )
}

function ConnectionBadge() {
  const s = connectionStatus.value
  if (s !== 'reconnecting' && s !== 'stopped') return null
  return (
    <span class="conn" role="status" data-connection={s}>
      {s === 'reconnecting' ? t('app.reconnecting') : t('app.stopped')}
    </span>
  )
}

export function App() {
  const account = me.value
  useEffect(() => {
    document.documentElement.lang ||= 'en'
  }, [])
  return (
    <>
      <a class="skip-link" href="#main">
        {t('app.skip')}
      </a>
      <header class="topbar">
        <Link class="brand" href="/">
          Backlot
        </Link>
        <ConnectionBadge />
        <nav aria-label={t('app.accountNav')}>
          <Link class="button icon-button" href="/app/search" aria-label={t('search.title')}>
            <SearchIcon />
          </Link>
          {account === null && (
            <>
              <Link class="button" href="/app/login">
                {t('common.logIn')}
              </Link>
              <Link class="button primary" href="/app/signup">
                {t('common.signUp')}
              </Link>
            </>
          )}
          {account && (
            <>
              <Link class="small muted" href="/app/settings/account">
                <span class="visually-hidden">{t('nav.account')}: </span>@{account.handle}
              </Link>
              <Link
                class="button icon-button"
                href="/app/settings/notifications"
                aria-label={t('app.notifications')}
              >
                <svg width="20" height="20" viewBox="0 0 24 24" aria-hidden="true" fill="currentColor">
                  <path d="M12 22a2.5 2.5 0 0 0 2.5-2.5h-5A2.5 2.5 0 0 0 12 22Zm7-6V11a7 7 0 0 0-5.5-6.84V3.5a1.5 1.5 0 0 0-3 0v.66A7 7 0 0 0 5 11v5l-2 2v1h18v-1l-2-2Z" />
                </svg>
              </Link>
              <button
                type="button"
                onClick={() => {
                  void logOut().then(() => window.location.assign('/'))
                }}
              >
                {t('common.logOut')}
              </button>
            </>
          )}
        </nav>
      </header>
      <DeletionBanner />
      <Page />
    </>
  )
}
