/**
 * The loss curve: loss per latent element against the step, on a canvas. The raw batch losses
 * are kept in the canvas's `data-losses` (JSON), for tests that compare them with `msflow train`.
 */
export class LossCurve {
  private losses: number[] = [];
  private perDim: number[] = [];
  private epochs: number[] = [];

  constructor(
    private readonly canvas: HTMLCanvasElement,
    private total = 1,
  ) {}

  reset(total: number): void {
    this.losses = [];
    this.perDim = [];
    this.epochs = [];
    this.total = Math.max(1, total);
    this.draw();
  }

  /** Records step `step` (1-based); a step seen before (a run resumed elsewhere) replaces it and what followed. */
  add(step: number, loss: number, lossPerDim: number): void {
    this.losses.length = this.perDim.length = Math.min(this.losses.length, step - 1);
    this.losses.push(loss);
    this.perDim.push(lossPerDim);
    this.epochs = this.epochs.filter((s) => s < step);
    this.draw();
  }

  /** Marks the end of a meta-epoch after the current step. */
  epochEnd(): void {
    this.epochs.push(this.losses.length);
    this.draw();
  }

  private draw(): void {
    const c = this.canvas;
    c.dataset.losses = JSON.stringify(this.losses);
    c.dataset.epochs = String(this.epochs.length);
    const ctx = c.getContext('2d');
    if (!ctx) return;
    const { width: w, height: h } = c;
    const pad = { l: 52, r: 12, t: 12, b: 26 };
    ctx.clearRect(0, 0, w, h);
    ctx.font = '11px system-ui, sans-serif';
    ctx.fillStyle = '#5b6673';
    ctx.strokeStyle = '#d5dbe1';
    ctx.strokeRect(pad.l, pad.t, w - pad.l - pad.r, h - pad.t - pad.b);
    ctx.fillText('step', w - pad.r - 24, h - 8);
    ctx.fillText(`${this.total}`, w - pad.r - ctx.measureText(`${this.total}`).width, h - pad.b + 12);
    if (this.perDim.length === 0) {
      ctx.fillText('loss per dimension', pad.l + 6, pad.t + 14);
      return;
    }
    const lo = Math.min(...this.perDim);
    const hi = Math.max(...this.perDim);
    const span = hi - lo || Math.abs(hi) || 1;
    const x = (i: number) => pad.l + (this.total > 1 ? i / (this.total - 1) : 0) * (w - pad.l - pad.r);
    const y = (v: number) => pad.t + (1 - (v - lo) / span) * (h - pad.t - pad.b);
    ctx.fillText(hi.toPrecision(3), 4, pad.t + 8);
    ctx.fillText(lo.toPrecision(3), 4, h - pad.b);
    ctx.strokeStyle = '#c9d3de';
    for (const s of this.epochs) {
      ctx.beginPath();
      ctx.moveTo(x(s - 1), pad.t);
      ctx.lineTo(x(s - 1), h - pad.b);
      ctx.stroke();
    }
    ctx.strokeStyle = '#3b7dd8';
    ctx.lineWidth = 2;
    ctx.beginPath();
    this.perDim.forEach((v, i) => (i ? ctx.lineTo(x(i), y(v)) : ctx.moveTo(x(i), y(v))));
    ctx.stroke();
    ctx.lineWidth = 1;
    ctx.fillStyle = '#1d232b';
    ctx.fillText(`loss/dim ${this.perDim.at(-1)!.toFixed(4)}`, pad.l + 6, pad.t + 14);
  }
}
