/**
 * A small JSON Schema validator for the keywords the priors schema uses (`type`, `const`,
 * `properties`, `required`, `additionalProperties`, `items`, `minItems`, `maxItems`,
 * `minimum`, `maximum`, `exclusiveMinimum`, `oneOf`, local `$ref`), with messages a user reads: one per violation,
 * naming the key by its path (`Psi.school.halfT.scale[1]`).
 *
 * Why not a general validator (ajv): the priors file is small and fixed, and what it needs is the
 * message, not generality: for `oneOf`, a general validator reports every branch's failure, where
 * a user needs the one branch the value was meant for (the branch sharing most keys, or item
 * types, with the value). This walker also runs in browsers without code generation
 * (`new Function`), as the core must. Keywords outside the list above throw, so the schema cannot
 * silently grow beyond what is checked.
 */

/** A JSON Schema node (the subset above). */
export type Schema = { readonly [key: string]: unknown };

const known = new Set(['$schema', '$id', '$defs', '$ref', 'title', 'description', 'type', 'const', 'properties', 'required', 'additionalProperties', 'items', 'minItems', 'maxItems', 'minimum', 'maximum', 'exclusiveMinimum', 'oneOf']);

/** The violations of `value` against `schema`, one message per violation (empty when valid). */
export function schemaViolations(schema: Schema, value: unknown): string[] {
  const out: string[] = [];
  check(schema, schema, value, '', out);
  return out;
}

function resolve(root: Schema, node: Schema): Schema {
  const ref = node.$ref;
  if (typeof ref !== 'string') return node;
  if (!ref.startsWith('#/$defs/')) throw new Error(`schema: unsupported $ref ${ref}`);
  const target = (root.$defs as Record<string, Schema> | undefined)?.[ref.slice(8)];
  if (!target) throw new Error(`schema: unresolved $ref ${ref}`);
  // Annotations beside a $ref (description) are kept out of the check.
  return resolve(root, target);
}

function jsonType(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'array';
  return typeof value;
}

function describe(value: unknown): string {
  const text = JSON.stringify(value);
  return text === undefined ? String(value) : text.length > 40 ? text.slice(0, 37) + '...' : text;
}

function child(path: string, key: string): string {
  return path === '' ? key : `${path}.${key}`;
}

function name(path: string): string {
  return path === '' ? 'the priors file' : path;
}

function check(root: Schema, node0: Schema, value: unknown, path: string, out: string[]): void {
  const node = resolve(root, node0);
  for (const key of Object.keys(node)) if (!known.has(key)) throw new Error(`schema: unsupported keyword ${key}`);
  if (node.oneOf) {
    checkOneOf(root, node.oneOf as Schema[], value, path, out);
    return;
  }
  if ('const' in node && value !== node.const) {
    out.push(`${name(path)} must be ${describe(node.const)}, got ${describe(value)}`);
    return;
  }
  if (typeof node.type === 'string') {
    const type = jsonType(value);
    const ok = node.type === type || (node.type === 'integer' && type === 'number' && Number.isInteger(value));
    if (!ok) {
      out.push(`${name(path)} must be ${article(node.type)}, got ${describe(value)}`);
      return;
    }
  }
  if (typeof value === 'number') {
    if (typeof node.exclusiveMinimum === 'number' && !(value > node.exclusiveMinimum)) out.push(`${name(path)} must be greater than ${node.exclusiveMinimum}, got ${value}`);
    if (typeof node.minimum === 'number' && !(value >= node.minimum)) out.push(`${name(path)} must be at least ${node.minimum}, got ${value}`);
    if (typeof node.maximum === 'number' && !(value <= node.maximum)) out.push(`${name(path)} must be at most ${node.maximum}, got ${value}`);
  }
  if (Array.isArray(value)) {
    if (typeof node.minItems === 'number' && value.length < node.minItems) out.push(`${name(path)} must have at least ${node.minItems} element${node.minItems === 1 ? '' : 's'}`);
    if (typeof node.maxItems === 'number' && value.length > node.maxItems) out.push(`${name(path)} must have at most ${node.maxItems} element${node.maxItems === 1 ? '' : 's'}`);
    if (node.items) value.forEach((v, i) => check(root, node.items as Schema, v, `${path}[${i}]`, out));
  }
  if (jsonType(value) === 'object') {
    const object = value as Record<string, unknown>;
    const properties = (node.properties ?? {}) as Record<string, Schema>;
    for (const key of (node.required ?? []) as string[]) if (!(key in object)) out.push(`${name(path)} needs the key '${key}'`);
    for (const [key, v] of Object.entries(object)) {
      if (key in properties) check(root, properties[key], v, child(path, key), out);
      else if (node.additionalProperties === false) {
        const expected = Object.keys(properties);
        out.push(`${name(path)}: unknown key '${key}'${expected.length ? ` (expected ${expected.join(', ')})` : ''}`);
      } else if (typeof node.additionalProperties === 'object') check(root, node.additionalProperties as Schema, v, child(path, key), out);
    }
  }
}

function article(type: string): string {
  return type === 'object' || type === 'array' || type === 'integer' ? `an ${type}` : `a ${type}`;
}

/**
 * `oneOf`: valid when exactly one branch accepts the value. Otherwise the violations of the
 * branch the value best resembles (its type, then the keys or item types it shares), or, when
 * none resembles it, one message listing the branches' titles.
 */
function checkOneOf(root: Schema, branches: readonly Schema[], value: unknown, path: string, out: string[]): void {
  const results = branches.map((b) => {
    const errors: string[] = [];
    check(root, b, value, path, errors);
    return errors;
  });
  const passing = results.filter((e) => e.length === 0).length;
  if (passing === 1) return;
  if (passing > 1) throw new Error(`schema: ambiguous oneOf at ${name(path)}`);
  const scores = branches.map((b) => resemblance(root, resolve(root, b), value));
  const best = Math.max(...scores);
  const winners = scores.filter((s) => s === best).length;
  if (best > 0 && winners === 1) {
    out.push(...results[scores.indexOf(best)]);
    return;
  }
  const titles = branches.map((b) => (b.title as string | undefined) ?? (resolve(root, b).title as string | undefined) ?? 'another form');
  out.push(`${name(path)} must be ${titles.join(' or ')}, got ${describe(value)}`);
}

/** How much a value looks like a branch: 0 for another type, then 1 + shared keys or matching item types. */
function resemblance(root: Schema, node: Schema, value: unknown): number {
  if (node.oneOf) return Math.max(...(node.oneOf as Schema[]).map((b) => resemblance(root, resolve(root, b), value)));
  if ('const' in node) return value === node.const ? 2 : 0;
  const type = jsonType(value);
  if (typeof node.type === 'string' && node.type !== type) return 0;
  if (type === 'object') {
    const properties = Object.keys((node.properties ?? {}) as object);
    return 1 + Object.keys(value as object).filter((k) => properties.includes(k)).length;
  }
  if (type === 'array' && node.items) {
    const items = resolve(root, node.items as Schema);
    return 1 + (value as unknown[]).filter((v) => typeof items.type !== 'string' || jsonType(v) === items.type).length;
  }
  return 1;
}
