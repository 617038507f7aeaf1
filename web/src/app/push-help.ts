/**
 * Words for the notifications page that depend on the browser: a device's name ("Chrome on
 * Android", sent as the subscription label so the device list is readable) and how to unblock
 * notifications once they were refused — a page cannot ask again after "Block".
 */

import { t } from './i18n.js'

const BROWSERS: [RegExp, string][] = [
  [/Edg(e|A|iOS)?\//, 'Edge'],
  [/OPR\/|Opera/, 'Opera'],
  [/SamsungBrowser\//, 'Samsung Internet'],
  [/Firefox\/|FxiOS\//, 'Firefox'],
  [/Chrom(e|ium)\/|CriOS\//, 'Chrome'],
  [/Safari\//, 'Safari'],
]

const SYSTEMS: [RegExp, string][] = [
  [/Android/, 'Android'],
  [/iPhone|iPod/, 'iPhone'],
  [/iPad/, 'iPad'],
  [/CrOS/, 'ChromeOS'],
  [/Windows/, 'Windows'],
  [/Mac OS X|Macintosh/, 'macOS'],
  [/Linux/, 'Linux'],
]

const first = (list: [RegExp, string][], ua: string) => list.find(([re]) => re.test(ua))?.[1] ?? null

/** "Chrome on Android", "Firefox on Windows", "Safari on iPhone"; "This browser" when unknown. */
export function deviceLabel(userAgent: string): string {
  const browser = first(BROWSERS, userAgent)
  const system = first(SYSTEMS, userAgent)
  if (browser && system) return t('push.deviceLabel', { browser, system })
  return browser ?? system ?? t('push.thisBrowser')
}

/** Where to allow notifications again, in this browser's own words. */
export function unblockHelp(userAgent: string): string {
  const browser = first(BROWSERS, userAgent)
  const system = first(SYSTEMS, userAgent)
  if (system === 'iPhone' || system === 'iPad') {
    return t('push.unblock.ios')
  }
  if (browser === 'Firefox') {
    return t('push.unblock.firefox')
  }
  if (browser === 'Safari') {
    return t('push.unblock.safari')
  }
  if (system === 'Android') {
    return t('push.unblock.android')
  }
  return t('push.unblock.other')
}
