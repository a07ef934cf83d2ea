import type { TermPooling } from '../../src/fit/pooling.js';
import type { MixedModel } from '../../src/model/model.js';

/**
 * One line per coefficient that has a population value: the fixed columns it is made of (each a
 * constant times the coefficient's column within every level), e.g.
 * `school (Intercept): population = (Intercept) + meanses + sectorPublic (group-level: meanses, sectorPublic)`.
 */
export function populationNotes(model: MixedModel, pooling: readonly TermPooling[]): string[] {
  const out: string[] = [];
  model.terms.forEach((term, k) => {
    term.names.forEach((name, r) => {
      const mods = pooling[k].modifiers.filter((m) => m.coefficient === r);
      const others = mods.filter((m) => m.name !== name).map((m) => m.name);
      const parts = mods.map((m) => m.name);
      const text = parts.length === 0 ? '0 (no fixed effect)' : parts.join(' + ');
      const extra = others.length > 0 ? `; ${others.join(', ')} constant times ${name === '(Intercept)' ? 'the intercept' : `'${name}'`} within every ${term.group}, absorbed in no pooling` : '';
      out.push(`population value of ${term.group} ${name} = ${text}${extra}`);
    });
  });
  return out;
}
