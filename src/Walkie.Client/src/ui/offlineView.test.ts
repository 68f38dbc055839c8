import { describe, expect, it } from 'vitest';
import { offlineStatus } from './offlineView';

describe('offlineStatus', () => {
  it('says nothing on the first failure: the screen itself says it', () => {
    expect(offlineStatus({ checking: false, failures: 1 })).toBe('');
  });

  it('says a retry is under way, then how many tries failed', () => {
    expect(offlineStatus({ checking: true, failures: 1 })).toBe('Trying to reach the server…');
    expect(offlineStatus({ checking: false, failures: 2 })).toBe('Still no answer from the server (2 tries).');
    expect(offlineStatus({ checking: false, failures: 3 })).not.toBe(offlineStatus({ checking: false, failures: 2 }));
  });
});
