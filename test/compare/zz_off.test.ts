import { it } from 'vitest';
import * as aq from 'arquero';
import { fitModel } from '../../src/fit/lmm.js';
import { termPooling } from '../../src/fit/pooling.js';
import { buildModel } from '../../src/model/model.js';
import { dataset } from '../helpers.js';
it('off', () => {
  const sleep = aq.from(dataset('sleepstudy')).derive({ D: (d: { Days: number }) => d.Days + 1000 });
  for (const f of ['Reaction ~ D + (D | Subject)', 'Reaction ~ 0 + Days + (1 | Subject)']) {
    const model = buildModel(sleep, f);
    const fit = fitModel(model);
    const p = termPooling(fit, 0);
    console.log(f, p.modifiers.map((m) => m.name), Array.from(p.ols!.slice(0, 4)).map((v) => v.toPrecision(12)));
  }
});
