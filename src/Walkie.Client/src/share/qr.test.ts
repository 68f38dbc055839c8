import { describe, expect, it } from 'vitest';
import { qrModules, qrPath } from './qr';

const link = 'https://walkie.example/#c=p-abcdefghijklmnop&p=abcdefghijklmnopqrst';

describe('QR code', () => {
  it('is square, of a real QR size, with the three finder patterns in place', () => {
    const modules = qrModules(link);
    const count = modules.length;
    expect((count - 21) % 4).toBe(0);
    expect(modules.every((row) => row.length === count)).toBe(true);
    // A finder's outer ring is dark and the ring inside it light, at the top left, top right and bottom left.
    for (const [top, left] of [[0, 0], [0, count - 7], [count - 7, 0]] as const) {
      expect(modules[top]!.slice(left, left + 7).every(Boolean)).toBe(true);
      expect(modules[top + 1]!.slice(left + 1, left + 6).some(Boolean)).toBe(false);
    }
  });

  it('keeps non-ASCII text whole instead of cutting each character to a byte', () => {
    // Both would be the same bytes if each UTF-16 unit were cut to its low byte.
    expect(qrModules('\u0141')).not.toEqual(qrModules('\u0041'));
  });

  it('draws each run of dark modules once, inside the quiet zone', () => {
    expect(qrPath([[true, true, false, true], [false, false, false, false]], 4)).toBe('M4 4h2v1h-2zM7 4h1v1h-1z');
    expect(qrPath([[false]], 4)).toBe('');
  });
});
