import { describe, expect, it } from 'vitest';
import { channelFromPath, routeFrom } from './route';

describe('channelFromPath', () => {
  it('reads the channel from a /c/ link', () => {
    expect(channelFromPath('/c/ops')).toBe('ops');
    expect(channelFromPath('/c/Ops_Team-2/')).toBe('Ops_Team-2');
    expect(channelFromPath('/c/has%20space')).toBe('has space');
  });

  it('gives nothing for other paths or malformed escapes', () => {
    expect(channelFromPath('/')).toBe('');
    expect(channelFromPath('/c/')).toBe('');
    expect(channelFromPath('/c/a/b')).toBe('');
    expect(channelFromPath('/c/%E0%A4%A')).toBe('');
    expect(channelFromPath('/c/%')).toBe('');
  });
});

describe('routeFrom', () => {
  it('takes a private link from the fragment, before the path', () => {
    expect(routeFrom('/', '#c=p-abc&p=secret')).toEqual({ channel: 'p-abc', passcode: 'secret' });
    expect(routeFrom('/c/ops', '#c=p-abc&p=secret')).toEqual({ channel: 'p-abc', passcode: 'secret' });
  });

  it('falls back to /c/<channel> with no passcode', () => {
    expect(routeFrom('/c/ops', '')).toEqual({ channel: 'ops', passcode: '' });
    expect(routeFrom('/c/ops', '#unrelated')).toEqual({ channel: 'ops', passcode: '' });
    expect(routeFrom('/', '')).toEqual({ channel: '', passcode: '' });
  });
});
