/**
 * Words for the notifications page that depend on the browser: a device's name ("Chrome on
 * Android", sent as the subscription label so the device list is readable) and how to unblock
 * notifications once they were refused — a page cannot ask again after "Block".
 */

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
  if (browser && system) return `${browser} on ${system}`
  return browser ?? system ?? 'This browser'
}

/** Where to allow notifications again, in this browser's own words. */
export function unblockHelp(userAgent: string): string {
  const browser = first(BROWSERS, userAgent)
  const system = first(SYSTEMS, userAgent)
  if (system === 'iPhone' || system === 'iPad') {
    return 'Open the Settings app → Notifications → Backlot, turn on Allow Notifications, then come back here.'
  }
  if (browser === 'Firefox') {
    return 'Click the permissions icon left of the address, clear “Blocked” next to Send notifications, then reload this page.'
  }
  if (browser === 'Safari') {
    return 'Open Safari → Settings → Websites → Notifications, set this site to Allow, then reload this page.'
  }
  if (system === 'Android') {
    return 'Tap the icon left of the address → Permissions → Notifications → Allow, then reload this page.'
  }
  return 'Click the site information icon left of the address, set Notifications to Allow, then reload this page.'
}
