// @ts-check
// The README's quick start. Data: `npx msflow synth data --size 64 --train 16` (a synthetic class).
import { Detector } from '@msflow/detector';

const images = ['data/synth_woven/test/good/000.png', 'data/synth_woven/test/crack/000.png'];
const detector = await Detector.fit({ train: 'data/synth_woven/train/good', preset: 'cpu', config: { inputSize: [64, 64] }, seed: 0 });
const results = await detector.predict(images); // [{ score, label, map }, ...]
await detector.save('model');
const again = await (await Detector.load('model')).predict(images);
console.log(JSON.stringify({ scores: results.map((r) => r.score), labels: results.map((r) => r.label), reloaded: again.map((r) => r.score) }));
