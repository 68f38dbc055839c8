/**
 * Latency tuning for Opus, applied to the SDP we send (never to our own local description): the remote side
 * encodes toward us according to it. Each setting was measured on its own (docs/BENCHMARKS.md):
 * - ptime 10 ms frames instead of 20 ms: 10 ms less packetisation delay per hop;
 * - mono: a walkie-talkie voice needs no stereo;
 * - no DTX: DTX stops sending in pauses, and the first syllable after a pause arrives late;
 * - in-band FEC: a lost packet is recovered from the next one instead of concealed.
 */
export function tuneOpus(sdp: string): string {
  const payload = /a=rtpmap:(\d+) opus\/48000\/2/i.exec(sdp)?.[1];
  if (!payload) {
    return sdp;
  }
  const eol = sdp.includes('\r\n') ? '\r\n' : '\n';
  const sections = sdp.split(/(?=^m=)/m);
  return sections
    .map((section) => {
      if (!section.startsWith('m=audio') || !section.includes(`a=rtpmap:${payload} `)) {
        return section;
      }
      const lines = section.split(eol).filter((l) => l !== '' && !l.startsWith('a=ptime:') && !l.startsWith('a=maxptime:'));
      const fmtp = lines.findIndex((l) => l.startsWith(`a=fmtp:${payload} `));
      const wanted = { stereo: '0', 'sprop-stereo': '0', useinbandfec: '1', usedtx: '0' };
      if (fmtp >= 0) {
        const params = new Map(
          lines[fmtp]!.slice(`a=fmtp:${payload} `.length).split(';').map((p) => p.trim().split('=') as [string, string]),
        );
        for (const [k, v] of Object.entries(wanted)) {
          params.set(k, v);
        }
        lines[fmtp] = `a=fmtp:${payload} ${[...params].map(([k, v]) => `${k}=${v}`).join(';')}`;
      } else {
        lines.push(`a=fmtp:${payload} ${Object.entries(wanted).map(([k, v]) => `${k}=${v}`).join(';')}`);
      }
      lines.push('a=ptime:10', 'a=maxptime:10');
      return lines.join(eol) + eol;
    })
    .join('');
}
