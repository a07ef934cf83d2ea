import { it } from 'vitest';
import { fitLmm } from '../../src/fit/lmm.js';
import { anovaTable, satterthwaiteBasis } from '../../src/fit/satterthwaite.js';
import { dataset, jsonFixtures } from '../helpers.js';
it('scratch', () => {
const refs = jsonFixtures<any>('lmertest');
for (const ref of refs) {
  const fit = fitLmm(dataset(ref.dataset), ref.formula, { reml: ref.REML });
  const basis = satterthwaiteBasis(fit);
  const rows = anovaTable(fit, basis);
  const out = rows.map((r, j) => { const e = ref.anova[j]; return e ? `${r.term}=${e.term} ${r.numDF}/${e.NumDF} ddf ${(Math.abs(r.denDF/e.DenDF-1)).toExponential(1)} F ${(Math.abs(r.F/e.F-1)).toExponential(1)} SS ${(Math.abs(r.sumSq/e.SumSq-1)).toExponential(1)}` : `${r.term} extra`; });
  console.log(ref.id.padEnd(32), rows.length, ref.anova.length, out.join(' | '));
}
}, 600000);
