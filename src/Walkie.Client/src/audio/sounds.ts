export type Tone = 'permit' | 'busy' | 'roger';

/** Short radio-style cues, made locally with WebAudio; nothing is sent over the network. */
const shapes: Record<Tone, [frequency: number, startMs: number, lengthMs: number][]> = {
  permit: [[1200, 0, 60]],
  busy: [[480, 0, 120], [480, 200, 120]],
  roger: [[1500, 0, 40], [1100, 60, 40]],
};

export class Sounds {
  constructor(private readonly context: () => AudioContext | null) {}

  play(tone: Tone): void {
    const ctx = this.context();
    if (!ctx) {
      return;
    }
    for (const [frequency, startMs, lengthMs] of shapes[tone]) {
      const start = ctx.currentTime + startMs / 1000;
      const end = start + lengthMs / 1000;
      const osc = ctx.createOscillator();
      const gain = ctx.createGain();
      osc.frequency.value = frequency;
      gain.gain.setValueAtTime(0.0001, start);
      gain.gain.exponentialRampToValueAtTime(0.2, start + 0.005);
      gain.gain.exponentialRampToValueAtTime(0.0001, end);
      osc.connect(gain).connect(ctx.destination);
      osc.start(start);
      osc.stop(end + 0.01);
    }
  }
}

/** Level of one stream, 0..1, read on demand (the view polls it once per animation frame). */
export class LevelMeter {
  private analyser: AnalyserNode | null = null;
  private source: MediaStreamAudioSourceNode | null = null;
  private watching: MediaStream | null = null;
  private readonly samples = new Float32Array(512);

  constructor(private readonly context: () => AudioContext | null) {}

  watch(stream: MediaStream | null): void {
    // Making a source node costs milliseconds on the main thread, right when a grant is being handled.
    if (stream === this.watching) {
      return;
    }
    this.watching = stream;
    this.source?.disconnect();
    this.source = null;
    const ctx = this.context();
    if (!ctx || !stream || stream.getAudioTracks().length === 0) {
      return;
    }
    this.analyser ??= Object.assign(ctx.createAnalyser(), { fftSize: 512 });
    this.source = ctx.createMediaStreamSource(stream);
    this.source.connect(this.analyser);
  }

  level(): number {
    if (!this.analyser || !this.source) {
      return 0;
    }
    this.analyser.getFloatTimeDomainData(this.samples);
    let sum = 0;
    for (const s of this.samples) {
      sum += s * s;
    }
    // RMS on a rough log scale, so speech fills the bar and silence leaves it empty.
    const rms = Math.sqrt(sum / this.samples.length);
    return Math.max(0, Math.min(1, 1 + Math.log10(rms + 1e-6) / 3));
  }
}

/** Asks for the microphone. Null when denied or absent: the user then joins as a listener. */
export async function openMicrophone(): Promise<MediaStream | null> {
  if (!navigator.mediaDevices?.getUserMedia) {
    return null;
  }
  try {
    return await navigator.mediaDevices.getUserMedia({
      audio: { echoCancellation: true, noiseSuppression: true, autoGainControl: true, channelCount: 1 },
      video: false,
    });
  } catch {
    return null;
  }
}
