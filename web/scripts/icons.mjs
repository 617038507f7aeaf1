// Writes the PWA icons (PNG, from one SVG drawn here) into web/dist/icons and web/dist/favicon.ico
// after `vite build`,
// with sharp (already a server dependency), so no binary images live in the repository.
import { mkdir, writeFile } from 'node:fs/promises'
import path from 'node:path'
import { fileURLToPath } from 'node:url'
import sharp from 'sharp'

const out = path.join(path.dirname(fileURLToPath(import.meta.url)), '..', 'dist', 'icons')

function svg(size, padding) {
  const inner = size - padding * 2
  const r = Math.round(inner * 0.22)
  return `<svg xmlns="http://www.w3.org/2000/svg" width="${size}" height="${size}" viewBox="0 0 ${size} ${size}">
  <rect width="${size}" height="${size}" fill="${padding ? '#0b57d0' : 'none'}"/>
  <rect x="${padding}" y="${padding}" width="${inner}" height="${inner}" rx="${padding ? 0 : r}" fill="#0b57d0"/>
  <g transform="translate(${padding} ${padding}) scale(${inner / 100})">
    <rect x="18" y="30" width="64" height="46" rx="6" fill="#ffffff"/>
    <path d="M18 30 L30 18 L44 18 L32 30 Z M40 30 L52 18 L66 18 L54 30 Z M62 30 L74 18 L82 18 L82 22 L74 30 Z" fill="#ffffff"/>
    <circle cx="50" cy="53" r="12" fill="#0b57d0"/>
  </g>
</svg>`
}

await mkdir(out, { recursive: true })
await sharp(Buffer.from(svg(192, 0)))
  .png()
  .toFile(path.join(out, 'icon-192.png'))
await sharp(Buffer.from(svg(512, 0)))
  .png()
  .toFile(path.join(out, 'icon-512.png'))
// Maskable: the platform crops to a circle or squircle, so the mark keeps to the safe 80 % zone.
await sharp(Buffer.from(svg(512, 52)))
  .png()
  .toFile(path.join(out, 'icon-maskable-512.png'))
// /favicon.ico: browsers and crawlers ask for it whatever the page says. An ICO file holding PNG
// images (allowed since Windows Vista, read by every current browser): a 6-byte header, a 16-byte
// entry per image, then the PNGs.
const sizes = [16, 32, 48]
const pngs = await Promise.all(
  sizes.map((s) =>
    sharp(Buffer.from(svg(s, 0)))
      .png()
      .toBuffer(),
  ),
)
const header = Buffer.alloc(6 + 16 * sizes.length)
header.writeUInt16LE(0, 0)
header.writeUInt16LE(1, 2) // type: icon
header.writeUInt16LE(sizes.length, 4)
let offset = header.length
pngs.forEach((png, i) => {
  const at = 6 + 16 * i
  header.writeUInt8(sizes[i], at)
  header.writeUInt8(sizes[i], at + 1)
  header.writeUInt16LE(1, at + 4) // colour planes
  header.writeUInt16LE(32, at + 6) // bits per pixel
  header.writeUInt32LE(png.length, at + 8)
  header.writeUInt32LE(offset, at + 12)
  offset += png.length
})
await writeFile(path.join(out, '..', 'favicon.ico'), Buffer.concat([header, ...pngs]))
console.log('icons written to web/dist/icons, web/dist/favicon.ico')
