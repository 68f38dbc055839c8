import { describe, expect, it } from 'vitest';
import { channelFromPath } from './route';

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
