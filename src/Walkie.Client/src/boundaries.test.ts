import { describe, expect, it } from 'vitest';

// signaling/ and rtc/ meet only in session/ and main.ts, through callbacks, so either can be replaced alone.
const sources = import.meta.glob<string>('./{signaling,rtc}/**/*.ts', { query: '?raw', import: 'default', eager: true });

/** The folders under src/ that a file's imports, side-effect and dynamic ones included, resolve into. */
function importedFolders(file: string, source: string): string[] {
  const specifiers = [...source.matchAll(/\b(?:from|import)\s*\(?\s*['"]([^'"]+)['"]/g)].map((m) => m[1]!);
  return specifiers
    .filter((s) => s.startsWith('.'))
    .map((s) => new URL(s, `file:///src/${file.slice(2)}`).pathname.split('/')[2]!);
}

describe('module boundaries', () => {
  it('finds the sources it checks', () => {
    expect(Object.keys(sources)).toContain('./signaling/channelConnection.ts');
    expect(Object.keys(sources)).toContain('./rtc/peerMesh.ts');
  });

  it.each([
    ['signaling', 'rtc'],
    ['rtc', 'signaling'],
  ])('%s/ never imports %s/', (from, forbidden) => {
    const offenders = Object.entries(sources)
      .filter(([file]) => file.startsWith(`./${from}/`))
      .filter(([file, source]) => importedFolders(file, source).includes(forbidden))
      .map(([file]) => file);
    expect(offenders).toEqual([]);
  });
});
