// Draws Walkie's app icons into public/icons from one description of the brand mark (the favicon in index.html:
// a yellow walkie-talkie on the dark background), so the SVG and every PNG stay the same picture.
// Run it after changing the mark: `node scripts/icons.mjs`. The output is committed; the build only copies it.
import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { deflateSync } from 'node:zlib';

const out = join(dirname(fileURLToPath(import.meta.url)), '..', 'public', 'icons');
const background = '#10151c';
const accent = '#f2b134';

// The favicon's shapes on its 32-unit grid: body and antenna, as rounded rectangles.
const mark = [
  { x: 9, y: 6, w: 14, h: 24, r: 4 },
  { x: 19, y: 1, w: 3, h: 7, r: 1.5 },
];
const markCentre = { x: 16, y: 15.5 };

/**
 * The icon on a 512-unit canvas. `maskable` fills the whole square (the platform cuts its own shape) and keeps the
 * mark inside the central safe circle; otherwise the background is a rounded square and the mark is larger.
 */
function shapes(maskable) {
  const scale = maskable ? 10 : 11;
  const place = (s) => ({
    x: 256 + (s.x - markCentre.x) * scale,
    y: 256 + (s.y - markCentre.y) * scale,
    w: s.w * scale,
    h: s.h * scale,
    r: s.r * scale,
  });
  return {
    background: { x: 0, y: 0, w: 512, h: 512, r: maskable ? 0 : 96 },
    mark: mark.map(place),
  };
}

function svg({ background: b, mark: m }) {
  const rect = (s, fill) => `<rect x="${s.x}" y="${s.y}" width="${s.w}" height="${s.h}" rx="${s.r}" fill="${fill}"/>`;
  return `<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 512 512">${rect(b, background)}${m.map((s) => rect(s, accent)).join('')}</svg>\n`;
}

function inside(s, px, py) {
  if (px < s.x || py < s.y || px > s.x + s.w || py > s.y + s.h) {
    return false;
  }
  const dx = Math.max(s.x + s.r - px, 0, px - (s.x + s.w - s.r));
  const dy = Math.max(s.y + s.r - py, 0, py - (s.y + s.h - s.r));
  return dx * dx + dy * dy <= s.r * s.r;
}

const rgb = (hex) => [1, 3, 5].map((i) => parseInt(hex.slice(i, i + 2), 16));

/** RGBA pixels, each the average of 4x4 samples so the curves are smooth. */
function raster({ background: b, mark: m }, size) {
  const n = 4;
  const unit = 512 / size;
  const [br, bg, bb] = rgb(background);
  const [ar, ag, ab] = rgb(accent);
  const pixels = Buffer.alloc(size * size * 4);
  for (let y = 0; y < size; y++) {
    for (let x = 0; x < size; x++) {
      let back = 0;
      let front = 0;
      for (let sy = 0; sy < n; sy++) {
        for (let sx = 0; sx < n; sx++) {
          const px = (x + (sx + 0.5) / n) * unit;
          const py = (y + (sy + 0.5) / n) * unit;
          if (m.some((s) => inside(s, px, py))) {
            front++;
          } else if (inside(b, px, py)) {
            back++;
          }
        }
      }
      const alpha = (back + front) / (n * n);
      const i = (y * size + x) * 4;
      if (alpha > 0) {
        const f = front / (back + front);
        pixels[i] = Math.round(br + (ar - br) * f);
        pixels[i + 1] = Math.round(bg + (ag - bg) * f);
        pixels[i + 2] = Math.round(bb + (ab - bb) * f);
        pixels[i + 3] = Math.round(alpha * 255);
      }
    }
  }
  return pixels;
}

const crcTable = Array.from({ length: 256 }, (_, n) => {
  let c = n;
  for (let k = 0; k < 8; k++) {
    c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
  }
  return c >>> 0;
});
function crc32(bytes) {
  let c = 0xffffffff;
  for (const byte of bytes) {
    c = crcTable[(c ^ byte) & 0xff] ^ (c >>> 8);
  }
  return (c ^ 0xffffffff) >>> 0;
}

function chunk(type, data) {
  const body = Buffer.concat([Buffer.from(type, 'ascii'), data]);
  const length = Buffer.alloc(4);
  length.writeUInt32BE(data.length);
  const crc = Buffer.alloc(4);
  crc.writeUInt32BE(crc32(body));
  return Buffer.concat([length, body, crc]);
}

function png(pixels, size) {
  const header = Buffer.alloc(13);
  header.writeUInt32BE(size, 0);
  header.writeUInt32BE(size, 4);
  header.set([8, 6, 0, 0, 0], 8); // 8-bit RGBA, no interlace
  const rows = Buffer.alloc(size * (size * 4 + 1));
  for (let y = 0; y < size; y++) {
    pixels.copy(rows, y * (size * 4 + 1) + 1, y * size * 4, (y + 1) * size * 4);
  }
  return Buffer.concat([
    Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
    chunk('IHDR', header),
    chunk('IDAT', deflateSync(rows, { level: 9 })),
    chunk('IEND', Buffer.alloc(0)),
  ]);
}

mkdirSync(out, { recursive: true });
const plain = shapes(false);
const maskable = shapes(true);
writeFileSync(join(out, 'icon.svg'), svg(plain));
writeFileSync(join(out, 'icon-192.png'), png(raster(plain, 192), 192));
writeFileSync(join(out, 'icon-512.png'), png(raster(plain, 512), 512));
writeFileSync(join(out, 'icon-maskable-512.png'), png(raster(maskable, 512), 512));
// iOS draws its own rounded corners and shows transparency as black: a full square, like the maskable one.
writeFileSync(join(out, 'apple-touch-icon.png'), png(raster(maskable, 180), 180));
