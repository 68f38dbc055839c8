import * as signalR from '@microsoft/signalr';
import {
  HubError,
  type FloorInfo,
  type FloorOutcome,
  type IceServersResult,
  type JoinRequest,
  type JoinResult,
  type ServerEvents,
  type SfuDescription,
  type SignalPayload,
} from './protocol';
import { nextRetryDelayMs } from './retry';

/** `restarting` is `reconnecting` after the server said it was shutting down. */
export type ConnectionState = 'connecting' | 'connected' | 'reconnecting' | 'restarting' | 'gone';

export interface ChannelConnectionCallbacks {
  onEvent: <K extends keyof ServerEvents>(name: K, body: ServerEvents[K]) => void;
  onState: (state: ConnectionState) => void;
  /** After a reconnect: the snapshot of the automatic re-join, usually the same seat taken back. */
  onRejoined: (snapshot: JoinResult) => void;
  /** A join or re-join succeeded; keep this to come back as the same participant, even after a reload. */
  onSession: (request: JoinRequest) => void;
  /** The automatic re-join was refused (the channel filled up, its passcode changed…): why, for the person. */
  onRejoinRefused: (error: HubError) => void;
}

const eventNames: (keyof ServerEvents)[] = [
  'ParticipantJoined',
  'ParticipantLeft',
  'ParticipantAway',
  'Signal',
  'FloorChanged',
  'FloorGranted',
  'FloorRevoked',
  'MediaChanged',
  'MediaInterrupted',
];

/**
 * Re-join refusals that pass by themselves: the server is unreachable, the channel is moving off a node that died,
 * or the media server is restarting. Anything else (the channel filled up, its passcode changed) ends the session.
 */
const transient = new Set(['connection', 'channel-unavailable', 'sfu-unavailable']);

/** A connection attempt into a dead network can hang for minutes; give up on it and try again instead. */
const connectTimeoutMs = 5000;

/** The signaling side of Walkie: one SignalR connection, knows nothing of WebRTC. */
export class ChannelConnection {
  private readonly hub: signalR.HubConnection;
  private session: JoinRequest | null = null;
  private state: ConnectionState = 'connecting';
  private stopped = false;
  private reconnecting = false;
  private serverClosing = false;

  constructor(
    url: string,
    private readonly callbacks: ChannelConnectionCallbacks,
    private readonly random: () => number = Math.random,
  ) {
    this.hub = new signalR.HubConnectionBuilder()
      // WebSockets only, straight away: the server offers no other transport, and skipping negotiate saves a
      // round trip and lets any node behind a load balancer take the connection.
      .withUrl(url, { transport: signalR.HttpTransportType.WebSockets, skipNegotiation: true })
      .configureLogging(signalR.LogLevel.Warning)
      .build();
    // Until the Join result says otherwise: the server's defaults (docs/PROTOCOL.md).
    this.hub.keepAliveIntervalInMilliseconds = 5000;
    this.hub.serverTimeoutInMilliseconds = 10000;
    for (const name of eventNames) {
      this.hub.on(name, (body: ServerEvents[typeof name]) => callbacks.onEvent(name, body));
    }
    // The server is restarting: it closes us next, and reconnecting at once (with jitter) is right.
    this.hub.on('ServerClosing', () => {
      this.serverClosing = true;
      this.setState('restarting');
    });
    this.hub.onclose(() => void this.reconnect());
  }

  async start(): Promise<void> {
    this.setState('connecting');
    await this.startWithTimeout();
    this.setState('connected');
  }

  async join(request: JoinRequest): Promise<JoinResult> {
    const result = await this.invoke<JoinResult>('Join', request);
    this.accept(request, result);
    return result;
  }

  leave(): Promise<void> {
    this.session = null;
    return this.invoke('Leave', {});
  }

  requestFloor(): Promise<FloorOutcome> {
    return this.invoke<FloorOutcome>('RequestFloor', {});
  }

  /** Resolves to the floor after the release (older servers answer nothing). */
  releaseFloor(): Promise<FloorInfo | null> {
    return this.invoke<FloorInfo | null>('ReleaseFloor', {});
  }

  /** Fresh TURN credentials, for an ICE restart after the ones from Join expired. */
  refreshIceServers(): Promise<IceServersResult> {
    return this.invoke<IceServersResult>('RefreshIceServers', {});
  }

  signal(to: string, payload: SignalPayload): Promise<void> {
    return this.invoke('Signal', { to, ...payload });
  }

  /** SFU channels: publish our microphone with this offer; resolves to the media server's answer. */
  async sfuPublish(offer: SfuDescription): Promise<SfuDescription> {
    return (await this.invoke<{ answer: SfuDescription }>('SfuPublish', { offer })).answer;
  }

  /** SFU channels: the media server's offer of the channel's audio. */
  async sfuListen(): Promise<SfuDescription> {
    return (await this.invoke<{ offer: SfuDescription }>('SfuListen', {})).offer;
  }

  sfuAnswer(answer: SfuDescription): Promise<void> {
    return this.invoke('SfuAnswer', { answer });
  }

  /**
   * Closes the connection without leaving: the server keeps our seat for the resume grace, so a reload comes
   * back as the same participant. (A closed tab shows as away until the grace ends.)
   */
  close(): void {
    this.stopped = true;
    void this.hub.stop();
  }

  /** Keep-alive comes from the server, so a server configured differently neither drops us nor is dropped. */
  private accept(request: JoinRequest, result: JoinResult): void {
    const { keepAliveIntervalMs, clientTimeoutMs } = result.limits;
    this.hub.keepAliveIntervalInMilliseconds = keepAliveIntervalMs;
    this.hub.serverTimeoutInMilliseconds = Math.max(clientTimeoutMs, 2 * keepAliveIntervalMs);
    this.session = { channel: result.channel, name: request.name, resume: result.resumeToken, ...(request.passcode ? { passcode: request.passcode } : {}) };
    this.callbacks.onSession(this.session);
  }

  private async reconnect(): Promise<void> {
    // Abandoning a hung attempt closes the connection again; the loop already running handles that.
    if (this.stopped || this.reconnecting || this.state === 'gone') {
      return;
    }
    this.reconnecting = true;
    try {
      await this.reconnectLoop();
    } finally {
      this.reconnecting = false;
    }
  }

  private async reconnectLoop(): Promise<void> {
    this.setState(this.serverClosing ? 'restarting' : 'reconnecting');
    const since = Date.now();
    for (let attempt = 0; ; attempt++) {
      const delay = nextRetryDelayMs(attempt, Date.now() - since, this.random);
      if (delay === null) {
        this.setState('gone');
        return;
      }
      await new Promise((resolve) => setTimeout(resolve, delay));
      if (this.stopped) {
        return;
      }
      try {
        await this.startWithTimeout();
      } catch {
        continue;
      }
      if (!this.session) {
        this.setState('connected');
        return;
      }
      try {
        const snapshot = await this.invoke<JoinResult>('Join', this.session);
        this.accept(this.session, snapshot);
        this.setState('connected');
        this.callbacks.onRejoined(snapshot);
      } catch (error) {
        const refusal = HubError.from(error);
        if (transient.has(refusal.code)) {
          continue;
        }
        this.stopped = true;
        void this.hub.stop();
        this.setState('gone');
        this.callbacks.onRejoinRefused(refusal);
      }
      return;
    }
  }

  private async startWithTimeout(): Promise<void> {
    let timer: ReturnType<typeof setTimeout> | undefined;
    const timeout = new Promise<never>((_, reject) => {
      timer = setTimeout(() => reject(new HubError('connection', 'timed out connecting')), connectTimeoutMs);
    });
    try {
      await Promise.race([this.hub.start(), timeout]);
    } catch (error) {
      // Abandon a hanging attempt, so the next one starts from a stopped connection.
      if (this.hub.state !== signalR.HubConnectionState.Disconnected) {
        await this.hub.stop().catch(() => {});
      }
      throw HubError.from(error);
    } finally {
      clearTimeout(timer);
    }
  }

  private setState(state: ConnectionState): void {
    if (state === 'connected') {
      this.serverClosing = false;
    }
    this.state = state;
    this.callbacks.onState(state);
  }

  private async invoke<T = void>(method: string, argument: object): Promise<T> {
    try {
      return await this.hub.invoke<T>(method, argument);
    } catch (error) {
      throw HubError.from(error);
    }
  }
}
