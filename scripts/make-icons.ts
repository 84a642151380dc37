/**
 * Draws Keel's app icons into public/ with Node alone: the anchor mark (the shape of lucide's
 * `anchor`, which the console shows beside the name) in white on the primary indigo. Run it after
 * changing the mark; the files it writes are committed, so no build or install step needs it.
 *
 *   node --import tsx scripts/make-icons.ts
 */
import fs from "node:fs";
import path from "node:path";
import zlib from "node:zlib";

// The primary colour of the light theme (app/globals.css --primary), in sRGB.
const PRIMARY = [0x4f, 0x39, 0xf6] as const;
const MARK = [0xff, 0xff, 0xff] as const;
const STROKE = 2; // in the mark's 24-unit grid, as lucide draws it

type Point = [number, number];

function distanceToSegment([px, py]: Point, [ax, ay]: Point, [bx, by]: Point) {
  const [dx, dy] = [bx - ax, by - ay];
  const t = Math.max(0, Math.min(1, ((px - ax) * dx + (py - ay) * dy) / (dx * dx + dy * dy)));
  return Math.hypot(px - (ax + t * dx), py - (ay + t * dy));
}

/** How far a point of the 24-unit grid is from the mark's centre lines: shaft, ring, and the lower arc with its flukes. */
function distanceToMark(p: Point) {
  const shaft = distanceToSegment(p, [12, 22], [12, 8]);
  const ring = Math.abs(Math.hypot(p[0] - 12, p[1] - 5) - 3);
  const arc = p[1] >= 12 ? Math.abs(Math.hypot(p[0] - 12, p[1] - 12) - 10) : Math.min(Math.hypot(p[0] - 2, p[1] - 12), Math.hypot(p[0] - 22, p[1] - 12));
  const flukes = Math.min(distanceToSegment(p, [2, 12], [5, 12]), distanceToSegment(p, [19, 12], [22, 12]));
  return Math.min(shaft, ring, arc, flukes);
}

function insideRoundedSquare(x: number, y: number, size: number, radius: number) {
  const cx = Math.min(Math.max(x, radius), size - radius);
  const cy = Math.min(Math.max(y, radius), size - radius);
  return Math.hypot(x - cx, y - cy) <= radius;
}

/** RGBA pixels of the icon at `size`, 4×4 supersampled so edges are smooth at 16 px too. */
function drawIcon(size: number, opts: { rounded: boolean }): Buffer {
  const pixels = Buffer.alloc(size * size * 4);
  const scale = (size * 0.72) / 24;
  const offset = size * 0.14;
  const radius = opts.rounded ? size * 0.22 : 0;
  const n = 4;
  for (let y = 0; y < size; y++) {
    for (let x = 0; x < size; x++) {
      let cover = 0;
      let ink = 0;
      for (let sy = 0; sy < n; sy++) {
        for (let sx = 0; sx < n; sx++) {
          const [fx, fy] = [x + (sx + 0.5) / n, y + (sy + 0.5) / n];
          if (!insideRoundedSquare(fx, fy, size, radius)) continue;
          cover++;
          if (distanceToMark([(fx - offset) / scale, (fy - offset) / scale]) <= STROKE / 2) ink++;
        }
      }
      const i = (y * size + x) * 4;
      const t = cover ? ink / cover : 0;
      for (let c = 0; c < 3; c++) pixels[i + c] = Math.round(PRIMARY[c] * (1 - t) + MARK[c] * t);
      pixels[i + 3] = Math.round((cover / (n * n)) * 255);
    }
  }
  return pixels;
}

function chunk(type: string, data: Buffer) {
  const length = Buffer.alloc(4);
  length.writeUInt32BE(data.length);
  const body = Buffer.concat([Buffer.from(type, "ascii"), data]);
  const crc = Buffer.alloc(4);
  crc.writeUInt32BE(zlib.crc32(body));
  return Buffer.concat([length, body, crc]);
}

function encodePng(size: number, rgba: Buffer): Buffer {
  const header = Buffer.alloc(13);
  header.writeUInt32BE(size, 0);
  header.writeUInt32BE(size, 4);
  header.set([8, 6, 0, 0, 0], 8); // 8 bits per channel, RGBA, deflate, no filter set, no interlace
  // Each scanline starts with its filter type; 0 (none) keeps this writer short.
  const raw = Buffer.concat(Array.from({ length: size }, (_, y) => Buffer.concat([Buffer.from([0]), rgba.subarray(y * size * 4, (y + 1) * size * 4)])));
  return Buffer.concat([Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]), chunk("IHDR", header), chunk("IDAT", zlib.deflateSync(raw, { level: 9 })), chunk("IEND", Buffer.alloc(0))]);
}

/** An ICO holding PNG images, which every browser since IE 11 reads. */
function encodeIco(images: { size: number; png: Buffer }[]): Buffer {
  const header = Buffer.alloc(6);
  header.writeUInt16LE(1, 2);
  header.writeUInt16LE(images.length, 4);
  let offset = 6 + 16 * images.length;
  const entries = images.map(({ size, png }) => {
    const entry = Buffer.alloc(16);
    entry.writeUInt8(size >= 256 ? 0 : size, 0);
    entry.writeUInt8(size >= 256 ? 0 : size, 1);
    entry.writeUInt16LE(1, 4);
    entry.writeUInt16LE(32, 6);
    entry.writeUInt32LE(png.length, 8);
    entry.writeUInt32LE(offset, 12);
    offset += png.length;
    return entry;
  });
  return Buffer.concat([header, ...entries, ...images.map((i) => i.png)]);
}

const SVG = `<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 32 32">
  <rect width="32" height="32" rx="7" fill="#${Buffer.from(PRIMARY).toString("hex")}"/>
  <g transform="translate(4.48 4.48) scale(0.96)" fill="none" stroke="#fff" stroke-width="${STROKE}" stroke-linecap="round" stroke-linejoin="round">
    <path d="M12 22V8"/><path d="M5 12H2a10 10 0 0 0 20 0h-3"/><circle cx="12" cy="5" r="3"/>
  </g>
</svg>
`;

const out = path.resolve(import.meta.dirname, "..", "public");
fs.mkdirSync(out, { recursive: true });
const png = (size: number, rounded = true) => encodePng(size, drawIcon(size, { rounded }));
fs.writeFileSync(path.join(out, "favicon.ico"), encodeIco([16, 32, 48].map((size) => ({ size, png: png(size) }))));
fs.writeFileSync(path.join(out, "icon.svg"), SVG);
// iOS rounds the corners itself and shows transparency as black, so this one is square and opaque.
fs.writeFileSync(path.join(out, "apple-touch-icon.png"), png(180, false));
console.log(`Wrote favicon.ico, icon.svg and apple-touch-icon.png to ${out}`);
