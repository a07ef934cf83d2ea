/**
 * Data in the forms people have, straight into fitLmm, sample and predict: arrays of records,
 * objects of columns, Arrow tables and IPC bytes (flechette), Arrow files on the command line;
 * malformed input gives one line naming the source and the column or row.
 * References: the same fit from sleepstudy.csv (the criterion bit for bit where the typed
 * columns are the same) and lme4 1.1-31's REML criterion (fixtures/lme4/sleepstudy_slopes_reml.json)
 * to 1e-9 relative. fixtures/data/sleepstudy.arrow is written by fixtures/scripts/arrow.mjs.
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { tableFromIPC, tableToIPC } from '@uwdata/flechette';
import { describe, expect, it } from 'vitest';
import { tableFromArrow, tableFromColumns, toTable } from '../../src/data/input.js';
import { LmmError } from '../../src/errors.js';
import { fitLmm } from '../../src/fit/lmm.js';
import { predict } from '../../src/fit/predict.js';
import { loadTable } from '../../src/node/files.js';
import { sample } from '../../samplers/sample.js';
import { dataset, fixtures } from '../helpers.js';

const formula = 'Reaction ~ Days + (Days | Subject)';
const csvTable = dataset('sleepstudy');
const csvFit = fitLmm(csvTable, formula);
const lme4 = JSON.parse(readFileSync(join(fixtures, 'lme4', 'sleepstudy_slopes_reml.json'), 'utf8')) as { REMLcrit: number };
const records = csvTable.objects() as Record<string, unknown>[];
const arrowFile = join(fixtures, 'data', 'sleepstudy.arrow');
const REMLcrit = (fit: ReturnType<typeof fitLmm>) => fit.toJSON().REMLcrit as number;
const messageOf = (f: () => unknown): string => {
  try {
    f();
  } catch (error) {
    expect(error).toBeInstanceOf(LmmError);
    return (error as Error).message;
  }
  throw new Error('no error');
};

describe('data forms in the library', () => {
  it('fits an array of records as the same rows read from CSV', () => {
    expect(records[0]).toEqual({ Reaction: 249.56, Days: 0, Subject: 308 });
    const fit = fitLmm(records, formula);
    expect(REMLcrit(fit)).toBe(REMLcrit(csvFit));
    expect(Math.abs(REMLcrit(fit) - lme4.REMLcrit) / lme4.REMLcrit).toBeLessThan(1e-9);
  });

  it('fits an object of columns (typed arrays, string arrays)', () => {
    const columns = {
      Reaction: Float64Array.from(records, (r) => r.Reaction as number),
      Days: Int32Array.from(records, (r) => r.Days as number),
      Subject: records.map((r) => `s${r.Subject}`),
    };
    const fit = fitLmm(columns, formula);
    // The levels are spelled differently (s308, ...) but sort the same: the same criterion.
    expect(REMLcrit(fit)).toBe(REMLcrit(csvFit));
    expect(fit.nobs).toBe(180);
  });

  it('predicts for records, as for the same rows in a table', () => {
    const newRows = [{ Days: 3, Subject: 308 }, { Days: 12, Subject: 372 }, { Days: 1, Subject: 333 }];
    const fromRecords = predict(csvFit, newRows);
    const fromTable = csvFit.predict(tableFromColumns({ Days: [3, 12, 1], Subject: [308, 372, 333] }));
    expect(Array.from(fromRecords)).toEqual(Array.from(fromTable));
    expect(fromRecords.every(Number.isFinite)).toBe(true);
  });

  it('samples from records with the draws of the CSV table', async () => {
    const options = { seed: 3, chains: 2, iter: 60, parallel: false } as const;
    const a = await sample(records, formula, options);
    const b = await sample(csvTable, formula, options);
    a.draws.forEach((d, c) => expect(Buffer.from(d.buffer).equals(Buffer.from(b.draws[c].buffer))).toBe(true));
  });

  it('reads Arrow IPC: flechette tables, bytes (file and stream format), and .arrow files', () => {
    const bytes = readFileSync(arrowFile);
    const arrow = tableFromIPC(bytes);
    expect(REMLcrit(fitLmm(arrow, formula))).toBe(REMLcrit(csvFit));
    expect(REMLcrit(fitLmm(new Uint8Array(bytes), formula))).toBe(REMLcrit(csvFit));
    const stream = tableToIPC(arrow, { format: 'stream' }) as Uint8Array;
    expect(REMLcrit(fitLmm(stream, formula))).toBe(REMLcrit(csvFit));
    const table = loadTable(arrowFile);
    expect(table.columnNames()).toEqual(['Reaction', 'Days', 'Subject', 'note']);
    // Nulls stay missing; the dictionary column is read as strings.
    expect((table.array('note') as (string | null)[]).slice(0, 2)).toEqual([null, 'day 1']);
    expect((table.array('Subject') as string[])[0]).toBe('308');
    expect(Array.from(table.array('Days') as Float64Array).slice(0, 3)).toEqual([0, 1, 2]);
  });

  it('gives one line naming the source and the column or row for malformed input', () => {
    const bytes = readFileSync(arrowFile);
    expect(messageOf(() => tableFromArrow(bytes.subarray(0, 200), 'cut.arrow'))).toMatch(/^cannot read 'cut\.arrow' as Arrow IPC: /);
    expect(messageOf(() => toTable({ y: [1, 2, 3], g: ['a', 'b'] }))).toBe("data: column 'g' has 2 values but column 'y' has 3");
    expect(messageOf(() => toTable({ y: [1, 'two', 3] }))).toBe("data: column 'y', row 2: a string among numbers");
    expect(messageOf(() => toTable({ y: [1, 2], when: [new Date(0), new Date(1)] }))).toBe("data: column 'when', row 1: cannot use a value of type Date");
    expect(messageOf(() => toTable({ y: 5 } as never))).toBe("data: column 'y' is not an array (got number)");
    expect(messageOf(() => fitLmm([{ Reaction: 1, Days: 0, Subject: 'a' }, 7 as never], formula))).toBe("'data': record 2 is not an object");
    expect(messageOf(() => predict(csvFit, [{ Days: 1 }]))).toMatch(/Subject/);
    for (const message of [messageOf(() => toTable({ y: [1, 'two'] })), messageOf(() => tableFromArrow(new Uint8Array(3), 'x.arrow'))]) expect(message).not.toContain('\n');
  });
});

describe('data forms on the command line', () => {
  const bin = join(fixtures, '..', '..', 'dist', 'src', 'cli', 'main.js');
  it('fits --data FILE.arrow, and Arrow bytes on stdin', () => {
    const fit = JSON.parse(execFileSync('node', [bin, 'fit', '--data', arrowFile, '--formula', formula, '--json'], { encoding: 'utf8' }));
    expect(fit.REMLcrit).toBe(REMLcrit(csvFit));
    const piped = JSON.parse(execFileSync('node', [bin, 'fit', '--data', '-', '--formula', formula, '--json'], { input: readFileSync(arrowFile), encoding: 'utf8' }));
    expect(piped.REMLcrit).toBe(REMLcrit(csvFit));
  });
  it('names the file of a malformed Arrow file, exit status 2', () => {
    const dir = mkdtempSync(join(tmpdir(), 'lmm-arrow-'));
    const cut = join(dir, 'cut.arrow');
    writeFileSync(cut, readFileSync(arrowFile).subarray(0, 300));
    const run = spawnSync('node', [bin, 'fit', '--data', cut, '--formula', formula], { encoding: 'utf8' });
    expect(run.status).toBe(2);
    expect(run.stderr.trim().split('\n')).toHaveLength(1);
    expect(run.stderr).toContain(`cannot read '${cut}' as Arrow IPC`);
  });
});
