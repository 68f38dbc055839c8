import { describe, expect, it } from 'vitest';
import { HubError, validateJoin } from './protocol';
import { nextRetryDelayMs } from './channelConnection';

describe('HubError.from', () => {
  it('reads the code after SignalR\'s prefix', () => {
    const e = HubError.from(new Error("An unexpected error occurred invoking 'Join' on the server. HubException: channel-full: this channel already has 16 participants"));
    expect(e.code).toBe('channel-full');
    expect(e.message).toBe('this channel already has 16 participants');
  });

  it('calls anything else a connection error', () => {
    expect(HubError.from(new Error('WebSocket closed')).code).toBe('connection');
  });
});

describe('validateJoin', () => {
  it('accepts what the server accepts', () => {
    expect(validateJoin('Ops_Team-2', '  Zoë 🎧 ')).toEqual({});
  });

  it('refuses bad channels and names before anything is sent', () => {
    expect(validateJoin('has space', 'Ann').channel).toBeDefined();
    expect(validateJoin('x'.repeat(65), 'Ann').channel).toBeDefined();
    expect(validateJoin('ok', '   ').name).toBeDefined();
    expect(validateJoin('ok', 'n'.repeat(33)).name).toBeDefined();
    expect(validateJoin('ok', 'bell\u0007').name).toBeDefined();
  });
});

describe('nextRetryDelayMs', () => {
  it('retries fast at first and gives up after two minutes', () => {
    expect(nextRetryDelayMs(0, 0)).toBe(0);
    expect(nextRetryDelayMs(1, 100)).toBe(500);
    expect(nextRetryDelayMs(50, 60_000)).toBe(5000);
    expect(nextRetryDelayMs(50, 120_001)).toBeNull();
  });
});
