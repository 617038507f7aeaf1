import { describe, expect, it } from 'vitest'
import { feedReader, isBotAgent, MAX_REPORTED_SUBSCRIBERS } from './user-agents.js'

const firefox = 'Mozilla/5.0 (X11; Linux x86_64; rv:128.0) Gecko/20100101 Firefox/128.0'

describe('feed readers', () => {
  it.each([
    ['Feedly/1.0 (+http://www.feedly.com/fetcher.html; 12 subscribers; feed-id=abc)', 'feedly', 12],
    ['NewsBlur Feed Fetcher - 42 subscribers - http://www.newsblur.com/site/1 (Mozilla/5.0)', 'newsblur', 42],
    ['Feedbin feed-id:1234 - 7 subscribers', 'feedbin', 7],
    [
      'Mozilla/5.0 (compatible; Inoreader/1.0; +http://www.inoreader.com/feed-fetcher; 1,234 subscribers; )',
      'inoreader',
      1234,
    ],
    ['Mozilla/5.0 (compatible; theoldreader.com; 3 subscribers; feed-id=9)', 'theoldreader', 3],
    ['Miniflux/2.1.0 (https://miniflux.app)', 'miniflux', 0],
    ['SomeFetcher/1.0 subscribers=55', 'other', 55],
    [firefox, 'browser', 0],
    [undefined, 'other', 0],
  ])('%s → %s, %i subscribers', (ua, family, subscribers) => {
    expect(feedReader(ua)).toEqual({ family, subscribers })
  })

  it('does not believe an absurd subscriber count', () => {
    expect(feedReader('Feedly/1.0 (999999999999 subscribers)').subscribers).toBe(MAX_REPORTED_SUBSCRIBERS)
  })
})

describe('bots', () => {
  it('tells unfurlers and crawlers from browsers; no User-Agent is a program', () => {
    expect(isBotAgent('facebookexternalhit/1.1 (+http://www.facebook.com/externalhit_uatext.php)')).toBe(true)
    expect(isBotAgent('Slackbot-LinkExpanding 1.0 (+https://api.slack.com/robots)')).toBe(true)
    expect(isBotAgent('Mozilla/5.0 (compatible; Googlebot/2.1; +http://www.google.com/bot.html)')).toBe(true)
    expect(isBotAgent(undefined)).toBe(true)
    expect(isBotAgent(firefox)).toBe(false)
  })
})
