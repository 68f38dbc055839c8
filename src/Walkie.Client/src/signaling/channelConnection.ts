import * as signalR from '@microsoft/signalr';
import {
  HubError,
  type FloorOutcome,
  type IceServersResult,
  type JoinRequest,
  type JoinResult,
  type ServerEvents,
  type SignalPayload,
} from './protocol';

export type ConnectionState = 'connecting' | 'connected' | 'reconnecting' | 'gone';

export interface ChannelConnectionCallbacks {
  onEvent: <K extends keyof ServerEvents>(name: K, body: ServerEvents[K]) => void;
  onState: (state: ConnectionState) => void;
  /** After a reconnect the server has forgotten us; this is the snapshot of the automatic re-join. */
  onRejoined: (snapshot: JoinResult) => void;
}

const eventNames: (keyof ServerEvents)[] = [
  'ParticipantJoined',
  'ParticipantLeft',
  'Signal',
  'FloorChanged',
  'FloorGranted',
  'FloorRevoked',
];

/** Quick retries first (a server restart takes a second or two), then slower, then give up after about 2 minutes. */
export function nextRetryDelayMs(previousRetryCount: number, elapsedMs: number): number | null {
  if (elapsedMs > 120_000) {
    return null;
  }
  const schedule = [0, 500, 1000, 1000, 2000, 2000, 5000];
  return schedule[Math.min(previousRetryCount, schedule.length - 1)]!;
}

/** The signaling side of Walkie: one SignalR connection, knows nothing of WebRTC. */
export class ChannelConnection {
  private readonly hub: signalR.HubConnection;
  private lastJoin: JoinRequest | null = null;

  constructor(
    url: string,
    private readonly callbacks: ChannelConnectionCallbacks,
  ) {
    this.hub = new signalR.HubConnectionBuilder()
      // WebSockets only, straight away: the server offers no other transport, and skipping negotiate saves a
      // round trip and lets any node behind a load balancer take the connection.
      .withUrl(url, { transport: signalR.HttpTransportType.WebSockets, skipNegotiation: true })
      .withAutomaticReconnect({ nextRetryDelayInMilliseconds: (ctx) => nextRetryDelayMs(ctx.previousRetryCount, ctx.elapsedMilliseconds) })
      .configureLogging(signalR.LogLevel.Warning)
      .build();
    // The server drops clients silent for 10 s and pings every 5 s (docs/PROTOCOL.md).
    this.hub.keepAliveIntervalInMilliseconds = 5000;
    this.hub.serverTimeoutInMilliseconds = 10000;
    for (const name of eventNames) {
      this.hub.on(name, (body: ServerEvents[typeof name]) => callbacks.onEvent(name, body));
    }
    this.hub.onreconnecting(() => callbacks.onState('reconnecting'));
    this.hub.onreconnected(() => void this.rejoin());
    this.hub.onclose(() => callbacks.onState('gone'));
  }

  async start(): Promise<void> {
    this.callbacks.onState('connecting');
    await this.hub.start();
    this.callbacks.onState('connected');
  }

  async join(request: JoinRequest): Promise<JoinResult> {
    const result = await this.invoke<JoinResult>('Join', request);
    // Re-join with the name we were given, so a reconnect keeps "Ann 2" rather than asking for "Ann" again.
    this.lastJoin = { ...request, channel: result.channel, name: request.name };
    return result;
  }

  leave(): Promise<void> {
    this.lastJoin = null;
    return this.invoke('Leave', {});
  }

  requestFloor(): Promise<FloorOutcome> {
    return this.invoke<FloorOutcome>('RequestFloor', {});
  }

  releaseFloor(): Promise<void> {
    return this.invoke('ReleaseFloor', {});
  }

  /** Fresh TURN credentials, for an ICE restart after the ones from Join expired. */
  refreshIceServers(): Promise<IceServersResult> {
    return this.invoke<IceServersResult>('RefreshIceServers', {});
  }

  signal(to: string, payload: SignalPayload): Promise<void> {
    return this.invoke('Signal', { to, ...payload });
  }

  /** Fire-and-forget leave for pagehide: the page may be gone before any reply. */
  leaveNow(): void {
    this.lastJoin = null;
    void this.hub.stop();
  }

  private async rejoin(): Promise<void> {
    if (!this.lastJoin) {
      this.callbacks.onState('connected');
      return;
    }
    try {
      const snapshot = await this.invoke<JoinResult>('Join', this.lastJoin);
      this.callbacks.onState('connected');
      this.callbacks.onRejoined(snapshot);
    } catch {
      this.callbacks.onState('gone');
    }
  }

  private async invoke<T = void>(method: string, argument: object): Promise<T> {
    try {
      return await this.hub.invoke<T>(method, argument);
    } catch (error) {
      throw HubError.from(error);
    }
  }
}
