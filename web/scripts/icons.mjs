// Writes the PWA icons (PNG, from one SVG drawn here) into web/dist/icons after `vite build`,
// with sharp (already a server dependency), so no binary images live in the repository.
import { mkdir } from 'node:fs/promises'
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
console.log('icons written to web/dist/icons')
