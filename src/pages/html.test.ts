import { describe, expect, it } from 'vitest'
import { escapeHtml, html, raw, safeUrl, textWithLinks } from './html.js'

describe('html tagged template', () => {
  it('escapes every interpolated value', () => {
    const evil = `<script>alert(1)</script>"><img src=x onerror=alert(2)>'`
    const out = html`<p title="${evil}">${evil}</p>`.value
    const escaped = '&lt;script&gt;alert(1)&lt;/script&gt;&quot;&gt;&lt;img src=x onerror=alert(2)&gt;&#39;'
    expect(out).toBe(`<p title="${escaped}">${escaped}</p>`)
    expect(out).not.toContain('<script')
    expect(out).not.toContain('<img')
  })

  it('keeps nested templates and raw constants as markup, joins arrays, drops null and false', () => {
    const items = ['a<b', 'c&d'].map((s) => html`<li>${s}</li>`)
    expect(html`<ul>${items}</ul>${null}${undefined}${false}${0}${raw('<hr>')}`.value).toBe(
      '<ul><li>a&lt;b</li><li>c&amp;d</li></ul>0<hr>',
    )
  })

  it('drops characters XML cannot hold', () => {
    expect(escapeHtml('a\u0000b\u0008c\uFFFEd\uD800e')).toBe('abcde')
    expect(escapeHtml('tab\tnew\nline')).toBe('tab\tnew\nline')
  })
})

describe('safeUrl', () => {
  it('lets http(s) and site paths through and neutralises every other scheme', () => {
    expect(safeUrl('https://example.org/a?b=1')).toBe('https://example.org/a?b=1')
    expect(safeUrl('/c/show/p/1')).toBe('/c/show/p/1')
    for (const bad of [
      'javascript:alert(1)',
      ' JaVaScRiPt:alert(1)',
      'data:text/html,x',
      '//evil.example',
      'vbscript:x',
    ]) {
      expect(safeUrl(bad)).toBe('#')
    }
  })
})

describe('textWithLinks', () => {
  it('links only the given ranges and escapes the rest', () => {
    const text = 'see https://example.org/x <b>now</b>\nbye'
    const out = textWithLinks(text, [{ url: 'https://example.org/x', start: 4, end: 25 }]).value
    expect(out).toBe(
      'see <a href="https://example.org/x" rel="nofollow ugc noopener" target="_blank">https://example.org/x</a> &lt;b&gt;now&lt;/b&gt;<br>bye',
    )
  })
})
