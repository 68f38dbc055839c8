import { describe, expect, it } from 'vitest';
import { tuneOpus } from './sdp';

const offer = [
  'v=0',
  'o=- 1 2 IN IP4 127.0.0.1',
  's=-',
  't=0 0',
  'm=audio 9 UDP/TLS/RTP/SAVPF 111 63',
  'c=IN IP4 0.0.0.0',
  'a=mid:0',
  'a=rtpmap:111 opus/48000/2',
  'a=rtcp-fb:111 transport-cc',
  'a=fmtp:111 minptime=10;useinbandfec=1;usedtx=1',
  'a=rtpmap:63 red/48000/2',
  'a=ptime:20',
  '',
].join('\r\n');

describe('tuneOpus', () => {
  it('asks for 10 ms mono frames with FEC and without DTX', () => {
    const tuned = tuneOpus(offer);
    expect(tuned).toContain('a=fmtp:111 minptime=10;useinbandfec=1;usedtx=0;stereo=0;sprop-stereo=0\r\n');
    expect(tuned).toContain('a=ptime:10\r\na=maxptime:10\r\n');
    expect(tuned).not.toContain('a=ptime:20');
    expect(tuned.startsWith('v=0\r\no=- 1 2 IN IP4 127.0.0.1\r\n')).toBe(true);
  });

  it('is idempotent and leaves SDP without Opus alone', () => {
    expect(tuneOpus(tuneOpus(offer))).toBe(tuneOpus(offer));
    const noOpus = offer.replace(/opus/g, 'PCMU');
    expect(tuneOpus(noOpus)).toBe(noOpus);
  });
});
