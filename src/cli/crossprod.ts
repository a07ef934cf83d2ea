import '../node/install.js';
import { LmmError } from '../errors.js';
import { parseOptions, requireOption, type Command } from './io.js';

/**
 * `lmm crossprod --data FILE|--sql QUERY [--db DB] --formula F [--weights COLUMN] --out model.lmmx`:
 * the cross-products of the model computed by DuckDB and written as an artifact (docs/LMMX.md)
 * that `--crossprod` reads on every fitting command; `lmm crossprod --merge a.lmmx b.lmmx ... --out
 * all.lmmx` adds artifacts of disjoint row shards. Summary of what was written on stderr.
 */
export const crossprod: Command = async (argv, io) => {
  // `--merge a b c`: the files after --merge up to the next option.
  const merge: string[] = [];
  const rest: string[] = [];
  for (let i = 0; i < argv.length; i++) {
    if (argv[i] !== '--merge') {
      rest.push(argv[i]);
      continue;
    }
    while (i + 1 < argv.length && !argv[i + 1].startsWith('--')) merge.push(argv[++i]);
    if (merge.length === 0) throw new LmmError('option', 'crossprod: --merge needs the files to merge');
  }
  const options = parseOptions('crossprod', rest, {
    data: { type: 'string', description: 'data file or glob read by DuckDB (Parquet, CSV, TSV, also .gz)' },
    delimiter: { type: 'string' },
    sql: { type: 'string', description: 'a SELECT giving the data (with --db, or over files it names)' },
    db: { type: 'string', description: 'DuckDB database file that --sql reads (opened read-only)' },
    formula: { type: 'string' },
    weights: { type: 'string' },
    merge: { type: 'string', description: 'add the artifacts of disjoint row shards: --merge a.lmmx b.lmmx ...' },
    out: { type: 'string', description: 'the artifact to write (.lmmx)' },
    'emit-sql': { type: 'boolean', default: false, description: 'print the aggregation as SQL for --dialect over --table (nothing is read)' },
    dialect: { type: 'string', defaultText: 'duckdb', description: 'duckdb, spark or trino' },
    table: { type: 'string', description: 'the table the emitted SQL reads' },
    columns: { type: 'string', description: "the table's columns and types as its engine describes them: 'y:DOUBLE,x:DOUBLE,g:VARCHAR' (with --emit-sql and --load)" },
    load: { type: 'string', description: "the engine's result of --emit-sql (Parquet file or glob), made into an artifact with --formula, --columns and --out" },
  });
  if (options['emit-sql'] || options.load !== undefined) {
    const { emitSql, completeEmitted, artifactRows } = await import('../duckdb/model.js');
    const { DIALECTS } = await import('../duckdb/sql.js');
    const formula = requireOption('crossprod', options.formula as string | undefined, 'formula');
    const columns = parseColumns(requireOption('crossprod', options.columns as string | undefined, 'columns'));
    const name = String(options.dialect ?? 'duckdb').toLowerCase();
    if (!Object.hasOwn(DIALECTS, name)) throw new LmmError('option', `crossprod: --dialect must be duckdb, spark or trino, got '${options.dialect}'`);
    const weights = options.weights as string | undefined;
    if (options['emit-sql']) {
      const table = requireOption('crossprod', options.table as string | undefined, 'table');
      io.stdout(emitSql(table, columns, formula, DIALECTS[name as 'duckdb'], { weights }).sql + ';\n');
      return 0;
    }
    const out = requireOption('crossprod', options.out as string | undefined, 'out');
    const { header } = emitSql('lmm_result', columns, formula, DIALECTS.duckdb, { weights });
    const { openDuckDB, fileRelation } = await import('../duckdb/connection.js');
    const { writeArtifact } = await import('../duckdb/lmmx.js');
    const { run, close } = await openDuckDB();
    try {
      const rows = artifactRows(await run(`SELECT block, CAST(term AS INTEGER), CAST(term2 AS INTEGER), level, level2, sums FROM ${fileRelation(options.load as string)}`));
      const artifact = completeEmitted(header, rows);
      await writeArtifact(run, artifact, out);
      io.stderr(`lmm crossprod: wrote ${out} from ${rows.length} rows of '${options.load}'\n`);
    } finally {
      close();
    }
    return 0;
  }
  const out = requireOption('crossprod', options.out as string | undefined, 'out');
  if (merge.length > 0) {
    if (options.data !== undefined || options.sql !== undefined || options.formula !== undefined) throw new LmmError('option', 'crossprod: --merge takes artifacts only (no --data, --sql or --formula)');
    const { openDuckDB } = await import('../duckdb/connection.js');
    const { readArtifact, writeArtifact } = await import('../duckdb/lmmx.js');
    const { mergeArtifacts } = await import('../model/artifact.js');
    const { run, close } = await openDuckDB();
    try {
      const parts = [];
      for (const file of merge) parts.push({ artifact: await readArtifact(run, file), label: `'${file}'` });
      const merged = mergeArtifacts(parts);
      await writeArtifact(run, merged, out);
      const n = (merged.rows.find((r) => r.block === 'global')?.sums[0]) ?? 0;
      io.stderr(`lmm crossprod: merged ${merge.length} files (${n} rows) into ${out}\n`);
    } finally {
      close();
    }
    return 0;
  }
  const formula = requireOption('crossprod', options.formula as string | undefined, 'formula');
  if (options.data === undefined && options.sql === undefined) throw new LmmError('option', 'crossprod: missing required option --data (or --sql)');
  const { writeCrossprod } = await import('../duckdb/lmmx.js');
  const header = await writeCrossprod(
    { data: options.data as string | undefined, sql: options.sql as string | undefined, db: options.db as string | undefined, delimiter: options.delimiter as string | undefined },
    formula,
    out,
    { weights: options.weights as string | undefined },
  );
  const dropped = header.nTotal;
  io.stderr(`lmm crossprod: wrote ${out} (${header.fixedNames.length} fixed-effects columns, ${header.terms.length} random-effects term${header.terms.length === 1 ? '' : 's'}, ${dropped} rows read)\n`);
  return 0;
};

/** `--columns 'y:DOUBLE,x:DOUBLE,g:VARCHAR'` as names and types. */
function parseColumns(text: string): { name: string; type: string }[] {
  return text.split(',').map((item) => {
    const at = item.lastIndexOf(':');
    if (at <= 0 || at === item.length - 1) throw new LmmError('option', `crossprod: --columns takes name:TYPE pairs separated by commas, got '${item.trim()}'`);
    return { name: item.slice(0, at).trim(), type: item.slice(at + 1).trim() };
  });
}
