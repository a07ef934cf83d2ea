/**
 * The JSON Schema (draft 2020-12) of the priors file (CONTRACT.md, "Priors file"). The package
 * ships the same object as `schema/priors.schema.json` (a test checks that the two are equal), for
 * editors and other tools; `resolvePriors` validates a file against this object with
 * `schemaViolations` before the checks that need the model (grouping factors, lengths, positive
 * definiteness).
 */
export const priorsSchema = {
  $schema: 'https://json-schema.org/draft/2020-12/schema',
  title: 'lmm-ts priors file',
  description: 'Priors of `lmm sample --priors`. Any block left out takes its documented default (README, "Priors").',
  type: 'object',
  additionalProperties: false,
  properties: {
    beta: {
      description: 'beta ~ Normal(mean, var), or "flat" for the improper flat prior.',
      oneOf: [
        { title: '"flat"', const: 'flat' },
        {
          title: '{"mean": ..., "var": ...}',
          type: 'object',
          additionalProperties: false,
          properties: {
            mean: { description: 'A number (for every coefficient) or one number per coefficient.', $ref: '#/$defs/numberOrVector' },
            var: { description: 'A number (times the identity), the diagonal, or the covariance matrix.', $ref: '#/$defs/numberVectorOrMatrix' },
          },
        },
      ],
    },
    Psi: {
      description: 'Per grouping factor, the prior of its random-effects covariance over all its columns (terms in formula order).',
      type: 'object',
      additionalProperties: {
        oneOf: [
          {
            title: '{"halfT": {"df": ..., "scale": [...]}}',
            description: 'Huang & Wand (2013): Psi | lambda ~ IW(df + q - 1, 2 df diag(1/lambda)), lambda_r ~ IG(1/2, 1/scale_r^2); each SD half-t(df, scale_r), correlations uniform for df = 2.',
            type: 'object',
            additionalProperties: false,
            required: ['halfT'],
            properties: {
              halfT: {
                type: 'object',
                additionalProperties: false,
                properties: {
                  df: { description: 'Degrees of freedom (default 2).', $ref: '#/$defs/positive' },
                  scale: { description: 'The half-t scale of each SD: a number (every column) or one per column (default from the data).', $ref: '#/$defs/positiveOrVector' },
                },
              },
            },
          },
          {
            title: '{"df": ..., "scale": ...}',
            description: 'InverseWishart(df, scale), density proportional to |Psi|^(-(df+q+1)/2) exp(-tr(scale Psi^-1)/2).',
            type: 'object',
            additionalProperties: false,
            required: ['df', 'scale'],
            properties: {
              df: { $ref: '#/$defs/positive' },
              scale: { description: 'A number (times the identity), the diagonal, or the q x q matrix.', $ref: '#/$defs/numberVectorOrMatrix' },
            },
          },
        ],
      },
    },
    sigma2: {
      description: 'The prior of the residual variance.',
      oneOf: [
        {
          title: '{"halfT": {"df": ..., "scale": ...}}',
          description: 'sigma ~ half-t(df, scale), by sigma2 | lambda ~ IG(df/2, df/lambda), lambda ~ IG(1/2, 1/scale^2).',
          type: 'object',
          additionalProperties: false,
          required: ['halfT'],
          properties: {
            halfT: {
              type: 'object',
              additionalProperties: false,
              properties: {
                df: { description: 'Degrees of freedom (default 2).', $ref: '#/$defs/positive' },
                scale: { description: 'The half-t scale of sigma (default sd(y)).', $ref: '#/$defs/positive' },
              },
            },
          },
        },
        {
          title: '{"shape": ..., "rate": ...}',
          description: 'InverseGamma(shape, rate), density proportional to sigma2^(-(shape+1)) exp(-rate/sigma2).',
          type: 'object',
          additionalProperties: false,
          required: ['shape', 'rate'],
          properties: {
            shape: { $ref: '#/$defs/positive' },
            rate: { $ref: '#/$defs/positive' },
          },
        },
      ],
    },
    rho: {
      description: 'The AR(1) correlation of --residuals ar1(time | group): uniform on (a, b) within (-1, 1) (default [-1, 1]), or (rho + 1)/2 ~ Beta(a, b).',
      oneOf: [
        {
          title: '{"uniform": [a, b]}',
          type: 'object',
          additionalProperties: false,
          required: ['uniform'],
          properties: { uniform: { type: 'array', minItems: 2, maxItems: 2, items: { type: 'number', minimum: -1, maximum: 1 } } },
        },
        {
          title: '{"beta": [a, b]}',
          type: 'object',
          additionalProperties: false,
          required: ['beta'],
          properties: { beta: { type: 'array', minItems: 2, maxItems: 2, items: { $ref: '#/$defs/positive' } } },
        },
      ],
    },
  },
  $defs: {
    positive: { type: 'number', exclusiveMinimum: 0 },
    positiveOrVector: {
      oneOf: [
        { title: 'a positive number', $ref: '#/$defs/positive' },
        { title: 'a vector of positive numbers', type: 'array', minItems: 1, items: { $ref: '#/$defs/positive' } },
      ],
    },
    numberOrVector: {
      oneOf: [
        { title: 'a number', type: 'number' },
        { title: 'a vector of numbers', type: 'array', minItems: 1, items: { type: 'number' } },
      ],
    },
    numberVectorOrMatrix: {
      oneOf: [
        { title: 'a number', type: 'number' },
        { title: 'a vector of numbers', type: 'array', minItems: 1, items: { type: 'number' } },
        { title: 'a matrix (array of rows)', type: 'array', minItems: 1, items: { type: 'array', minItems: 1, items: { type: 'number' } } },
      ],
    },
  },
} as const;
