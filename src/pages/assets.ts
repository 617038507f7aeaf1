import { createHash } from 'node:crypto'
import { existsSync, readFileSync } from 'node:fs'
import path from 'node:path'
import { fileURLToPath } from 'node:url'
import { originOf } from '../reads/index.js'

/**
 * The public pages' own small static files: one stylesheet and three scripts. Served from
 * /_pages/…, versioned by content hash in their URLs so they can be cached for a year.
 * Pages work without any script: two scripts only size embeds, and the island
 * (web/src/island, built with the web app) enhances the channel, post and timeline pages.
 */
const css = `
:root{color-scheme:light dark;--fg:#1b1b1f;--muted:#5d5d66;--bg:#fff;--card:#f5f5f7;--accent:#b4232c;--line:#e3e3e8}
@media (prefers-color-scheme:dark){:root{--fg:#ececf1;--muted:#a3a3ad;--bg:#121215;--card:#1d1d22;--accent:#ff6b72;--line:#2c2c33}}
*{box-sizing:border-box}
body{margin:0;font:16px/1.5 system-ui,-apple-system,Segoe UI,Roboto,sans-serif;color:var(--fg);background:var(--bg)}
a{color:var(--accent)}
main{max-width:42rem;margin:0 auto;padding:1rem}
header.channel{border-bottom:1px solid var(--line);margin-bottom:1rem;padding-bottom:.5rem}
header.channel h1{margin:.2rem 0;font-size:1.5rem}
header.channel img.avatar{float:left;width:3.5rem;height:3.5rem;border-radius:50%;object-fit:cover;margin:.2rem .8rem 0 0}
header.channel::after{content:"";display:block;clear:both}
.muted,.meta{color:var(--muted);font-size:.9rem}
.meta time{white-space:nowrap}
nav.links a{margin-right:1rem}
article.post{background:var(--card);border-radius:12px;padding:1rem;margin:0 0 1rem}
article.post .text{white-space:normal;overflow-wrap:anywhere}
.tags{display:flex;flex-wrap:wrap;gap:.4rem;padding:0;margin:.5rem 0;list-style:none}
.tags li{font-size:.8rem;border:1px solid var(--line);border-radius:99px;padding:.05rem .6rem}
.album{display:grid;grid-template-columns:repeat(auto-fill,minmax(9rem,1fr));gap:.4rem;margin:.6rem 0}
.album.single{grid-template-columns:1fr}
.link-card{display:flex;gap:.6rem;border:1px solid #8884;border-radius:.5rem;padding:.5rem;margin:.6rem 0;text-decoration:none;color:inherit}
.link-card img{width:5.5rem;height:5.5rem;object-fit:cover;border-radius:.3rem;flex:none}
.link-card .site{font-size:.85em;opacity:.8}
figure{margin:0}
figure img{width:100%;height:auto;border-radius:8px;display:block;background:var(--line)}
figure video{width:100%;height:auto;max-height:80vh;border-radius:8px;display:block;background:#000}
figure.voice{margin:.6rem 0}
figure.voice audio{width:100%}
.waveform{width:100%;height:2.5rem;display:block;fill:currentColor;opacity:.55}
figcaption{font-size:.8rem;color:var(--muted)}
.spoiler{border:1px dashed var(--accent);border-radius:8px;padding:.6rem;margin:.5rem 0}
.spoiler strong{color:var(--accent)}
.banner{background:#b4232c;color:#fff;padding:.8rem 1rem;font-weight:700;text-align:center;letter-spacing:.04em}
.week{border-left:3px solid var(--accent);padding:.2rem 0 .8rem 1rem;margin:0 0 1rem}
.week h2{margin:0;font-size:1.1rem}
.week img.cover{width:100%;max-width:14rem;height:auto;border-radius:8px;display:block;margin:.4rem 0}
.week.empty{border-left-color:var(--line)}
.week.empty h2{font-weight:600}
.last-chapter{font-weight:700}
.poll ol{margin:.3rem 0 0 1.2rem;padding:0}
footer{color:var(--muted);font-size:.8rem;text-align:center;margin:2rem 0}
.counts{color:var(--muted);font-size:.85rem;margin:.4rem 0 0}
.votes{color:var(--muted);font-size:.85rem}
figure[data-spoiler-media]:not([data-revealed]){cursor:pointer}
.text.revealed{white-space:pre-wrap;overflow-wrap:anywhere}
nav.app-links{display:flex;gap:.6rem;margin:.6rem 0 0}
nav.app-links a{border:1px solid var(--accent);border-radius:99px;padding:.1rem .8rem;text-decoration:none;font-size:.9rem}
.live-pill{position:fixed;top:.8rem;left:50%;transform:translateX(-50%);z-index:10;border:0;border-radius:99px;padding:.45rem 1.1rem;background:var(--accent);color:#fff;font:inherit;font-weight:600;box-shadow:0 2px 10px rgba(0,0,0,.3);cursor:pointer}
.live-pill[hidden]{display:none}
form.search{display:flex;flex-wrap:wrap;gap:.4rem;align-items:center;margin:0 0 .8rem}
form.search label{flex-basis:100%;font-weight:600}
form.search input{flex:1;min-width:10rem;font:inherit;padding:.4rem .6rem;border:1px solid var(--line);border-radius:8px;background:var(--card);color:inherit}
form.search button{font:inherit;padding:.4rem 1rem;border:0;border-radius:8px;background:var(--accent);color:var(--bg);cursor:pointer}
nav.links a[aria-current]{font-weight:700;text-decoration:none}
nav.links{margin:.4rem 0;display:flex;flex-wrap:wrap;row-gap:.3rem}
ul.directory-list{list-style:none;padding:0;margin:1rem 0}
ul.directory-list h2{margin:0 0 .3rem;font-size:1.15rem}
.badge{font-size:.75rem;font-weight:600;border:1px solid var(--accent);border-radius:99px;padding:.05rem .5rem;vertical-align:middle}
body.embed main{padding:.6rem;max-width:none}
body.embed article.post{margin:0}
`

/** Inside the embed: tells the embedding page its height whenever it changes. */
const embedJs = `(function(){var last=0;function send(){var h=Math.ceil(document.documentElement.getBoundingClientRect().height);if(h!==last){last=h;parent.postMessage({type:'backlot:embed-size',id:document.body.dataset.post,height:h},'*')}}
addEventListener('load',send);addEventListener('resize',send);if(window.ResizeObserver){new ResizeObserver(send).observe(document.body)}send()})();`

/** On the embedding page (shipped in the oEmbed html): sizes our iframes to the height they report. */
const embedHostJs = (origin: string) =>
  `(function(){addEventListener('message',function(e){if(e.origin!==${JSON.stringify(origin)})return;var d=e.data;if(!d||d.type!=='backlot:embed-size'||typeof d.height!=='number')return;var f=document.querySelectorAll('iframe[data-backlot-post]');for(var i=0;i<f.length;i++){if(f[i].contentWindow===e.source){f[i].style.height=Math.min(Math.max(d.height,80),4000)+'px'}}})})();`

export interface PageAsset {
  body: string
  type: string
  path: string
}

function asset(name: string, body: string, type: string): PageAsset {
  const hash = createHash('sha256').update(body).digest('hex').slice(0, 10)
  return { body, type, path: `/_pages/${name}?v=${hash}` }
}

/** web/dist/island/island.js: src/pages/ and dist/pages/ are both two levels below the project root. */
export const defaultIslandFile = path.resolve(
  path.dirname(fileURLToPath(import.meta.url)),
  '..',
  '..',
  'web',
  'dist',
  'island',
  'island.js',
)

/**
 * The island as built by `npm run build:web` (web/vite.config.ts), read once; null without a web
 * build — the pages then simply stay static.
 */
function readIsland(file: string): PageAsset | null {
  if (!existsSync(file)) return null
  return asset('island.js', readFileSync(file, 'utf8'), 'text/javascript; charset=utf-8')
}

export function pageAssets(origin: string, islandFile = defaultIslandFile) {
  return {
    css: asset('pages.css', css, 'text/css; charset=utf-8'),
    embedJs: asset('embed.js', embedJs, 'text/javascript; charset=utf-8'),
    embedHostJs: asset('embed-host.js', embedHostJs(origin), 'text/javascript; charset=utf-8'),
    island: readIsland(islandFile),
  }
}
export type PageAssets = ReturnType<typeof pageAssets>

/**
 * The assets for the current public URL, made again only when its origin changes: with BACKLOT_PORT=0
 * the public URL is known only once the server listens, after the context is built.
 */
export function createPageAssets(publicUrl: () => URL): () => PageAssets {
  let assets: PageAssets | null = null
  let assetsOrigin = ''
  return () => {
    const origin = originOf(publicUrl())
    if (!assets || assetsOrigin !== origin) {
      assets = pageAssets(new URL(origin).origin)
      assetsOrigin = origin
    }
    return assets
  }
}
