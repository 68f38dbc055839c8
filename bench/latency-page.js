// Injected into every benchmark page before the app loads (Playwright addInitScript).
// - Replaces the microphone with a 1 kHz oscillator behind a gate: 30 ms bursts every 500 ms, or a continuous tone.
// - Detects sound onsets with the same AudioWorklet on the sent signal and on every received track, and stamps them
//   in wall-clock milliseconds, which pages of one browser share.
(() => {
  const ctx = new AudioContext({ latencyHint: 'interactive' });
  const bench = { ctx, sent: [], received: [], mode: 'bursts' };
  window.__bench = bench;

  const osc = new OscillatorNode(ctx, { frequency: 1000 });
  const gate = new GainNode(ctx, { gain: 0 });
  const out = new MediaStreamAudioDestinationNode(ctx, { channelCount: 1 });
  osc.connect(gate).connect(out);
  osc.start();
  bench.stream = out.stream;

  const detector = `
    class Onset extends AudioWorkletProcessor {
      constructor() { super(); this.quiet = 1e9; }
      process(inputs) {
        const ch = inputs[0] && inputs[0][0];
        if (!ch) {
          // No active input (e.g. the only source track ended) is quiet too.
          this.quiet += 128;
        } else {
          for (let i = 0; i < ch.length; i++) {
            if (Math.abs(ch[i]) > 0.05) {
              // An onset is sound after at least 150 ms of quiet.
              if (this.quiet > sampleRate * 0.15) this.port.postMessage(currentFrame + i);
              this.quiet = 0;
            } else {
              this.quiet++;
            }
          }
        }
        return true;
      }
    }
    registerProcessor('onset', Onset);`;
  const toWallClock = (frame) => performance.timeOrigin + performance.now() - (ctx.currentTime - frame / ctx.sampleRate) * 1000;
  bench.ready = ctx.audioWorklet.addModule(URL.createObjectURL(new Blob([detector], { type: 'application/javascript' }))).then(() => {
    const sentNode = new AudioWorkletNode(ctx, 'onset');
    sentNode.port.onmessage = (e) => bench.sent.push(toWallClock(e.data));
    gate.connect(sentNode);
    bench.receivedNode = new AudioWorkletNode(ctx, 'onset');
    bench.receivedNode.port.onmessage = (e) => bench.received.push(toWallClock(e.data));
  });

  // The gate: bursts scheduled ahead on the audio clock, so their timing does not depend on the main thread.
  let next = 0;
  setInterval(() => {
    if (bench.mode === 'continuous') {
      gate.gain.cancelScheduledValues(ctx.currentTime);
      gate.gain.setValueAtTime(0.5, ctx.currentTime);
      next = 0;
      return;
    }
    if (next < ctx.currentTime) {
      gate.gain.cancelScheduledValues(ctx.currentTime);
      gate.gain.setValueAtTime(0, ctx.currentTime);
      next = ctx.currentTime + 0.05;
    }
    while (next < ctx.currentTime + 1) {
      gate.gain.setValueAtTime(0.5, next);
      gate.gain.setValueAtTime(0, next + 0.03);
      next += 0.5;
    }
  }, 100);

  navigator.mediaDevices.getUserMedia = async () => new MediaStream([out.stream.getAudioTracks()[0].clone()]);

  // Every received track goes to the onset detector (and to a muted <audio>, without which Chromium stays silent).
  bench.listen = async (track) => {
    await bench.ready;
    if (ctx.state !== 'running') await ctx.resume();
    const stream = new MediaStream([track]);
    const audio = new Audio();
    audio.muted = true;
    audio.srcObject = stream;
    audio.play().catch(() => {});
    ctx.createMediaStreamSource(stream).connect(bench.receivedNode);
  };
  const Original = window.RTCPeerConnection;
  window.__pcs = [];
  window.RTCPeerConnection = class extends Original {
    constructor(...args) {
      super(...args);
      window.__pcs.push(this);
      this.addEventListener('track', (e) => bench.listen(e.track));
    }
  };
  window.__OriginalRTCPeerConnection = Original;
})();
