import type { RemoteAudioOutput } from '../session/channelSession';

/** One `<audio>` element per peer under a container, each at the volume set for that participant. */
export class RemoteAudio implements RemoteAudioOutput {
  private readonly volumes = new Map<string, number>();

  constructor(private readonly container: HTMLElement) {}

  setVolume(peerId: string, volume: number): void {
    this.volumes.set(peerId, volume);
    const audio = this.element(peerId);
    if (audio) {
      audio.volume = volume;
    }
  }

  attach(peerId: string, stream: MediaStream): void {
    let audio = this.element(peerId);
    if (!audio) {
      audio = document.createElement('audio');
      audio.autoplay = true;
      audio.dataset['peer'] = peerId;
      this.container.append(audio);
    }
    audio.srcObject = stream;
    audio.volume = this.volumes.get(peerId) ?? 1;
  }

  setAudible(peerId: string, audible: boolean): void {
    const audio = this.element(peerId);
    if (audio) {
      audio.muted = !audible;
    }
  }

  play(peerId: string): void {
    void this.element(peerId)?.play().catch(() => {});
  }

  remove(peerId: string): void {
    this.element(peerId)?.remove();
  }

  private element(peerId: string): HTMLAudioElement | null {
    return this.container.querySelector<HTMLAudioElement>(`audio[data-peer="${peerId}"]`);
  }
}
