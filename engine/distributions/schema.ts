// Why: distributions appear in scenarios and seeds; their JSON Schema (and so their TypeScript
// types and the published scenarios/schema.json) is defined once, here.
import type { Static } from 'typebox'
import { Type } from '../validation/Type.js'

const NonNegative = (description: string) => Type.Number({ minimum: 0, description })
const Positive = (description: string) => Type.Number({ exclusiveMinimum: 0, description })
const Count = (description: string) => Type.Integer({ minimum: 0, description })

const strict = { additionalProperties: false } as const

export const CountKinds = ['fixed', 'poisson', 'negative_binomial', 'one_plus_poisson', 'uniform', 'empirical'] as const
export const ValueKinds = ['fixed', 'lognormal', 'gamma', 'pareto', 'triangular', 'uniform', 'empirical'] as const

const countKindSchemas = {
  fixed: Type.Object({ value: Count('the count') }, strict),
  poisson: Type.Object({ mean: NonNegative('mean (= variance)') }, strict),
  negative_binomial: Type.Object(
    {
      mean: NonNegative('mean'),
      size: Positive('dispersion k: variance = mean + mean²/k (smaller k, more overdispersion)'),
    },
    strict,
  ),
  one_plus_poisson: Type.Object({ mean: NonNegative('mean of the Poisson part; the count is 1 + Poisson(mean)') }, strict),
  uniform: Type.Object({ min: Count('smallest count'), max: Count('largest count (inclusive)') }, strict),
  empirical: Type.Object(
    {
      values: Type.Array(Count('an observed count'), { minItems: 1, maxItems: 100000 }),
      weights: Type.Optional(Type.Array(NonNegative('relative weight'), { minItems: 1, maxItems: 100000 })),
    },
    strict,
  ),
}

const valueKindSchemas = {
  fixed: Type.Object({ value: NonNegative('the value') }, strict),
  lognormal: Type.Object(
    {
      median: Type.Optional(Positive('median = e^mu (give with sigma)')),
      sigma: Type.Optional(NonNegative('sd of log value (give with median)')),
      mean: Type.Optional(Positive('mean (give with cv)')),
      cv: Type.Optional(NonNegative('coefficient of variation sd/mean (give with mean)')),
    },
    strict,
  ),
  gamma: Type.Object(
    {
      shape: Type.Optional(Positive('shape k (give with scale)')),
      scale: Type.Optional(Positive('scale θ (give with shape)')),
      mean: Type.Optional(Positive('mean (give with cv)')),
      cv: Type.Optional(Positive('coefficient of variation (give with mean)')),
    },
    strict,
  ),
  pareto: Type.Object(
    { scale: Positive('minimum value x_m'), alpha: Positive('tail index α (mean finite only for α > 1)') },
    strict,
  ),
  triangular: Type.Object({ min: NonNegative('minimum'), mode: NonNegative('most likely value'), max: NonNegative('maximum') }, strict),
  uniform: Type.Object({ min: NonNegative('minimum'), max: NonNegative('maximum') }, strict),
  empirical: Type.Object(
    {
      values: Type.Array(NonNegative('an observed value'), { minItems: 1, maxItems: 100000 }),
      weights: Type.Optional(Type.Array(NonNegative('relative weight'), { minItems: 1, maxItems: 100000 })),
    },
    strict,
  ),
}

const optionalize = <T extends Record<string, any>>(o: T) =>
  Object.fromEntries(Object.entries(o).map(([k, v]) => [k, Type.Optional(v)])) as { [K in keyof T]: ReturnType<typeof Type.Optional<T[K]>> }

/** A distribution of non-negative integer counts, written as `{ kind: { parameters } }`. */
export const CountDistributionSchema = Type.Object(optionalize(countKindSchemas), {
  ...strict,
  minProperties: 1,
  maxProperties: 1,
  description: `exactly one of: ${CountKinds.join(', ')}`,
})

/** A count distribution that may grow by a yearly rate (applicant counts). */
export const GrowingCountSchema = Type.Object(
  {
    ...optionalize(countKindSchemas),
    growth: Type.Optional(
      Type.Number({
        exclusiveMinimum: -1,
        maximum: 10,
        description: 'yearly growth rate: year y scales the count by (1 + growth)^(y - first scenario year)',
      }),
    ),
  },
  { ...strict, minProperties: 1, description: `exactly one of: ${CountKinds.join(', ')}; optional growth` },
)

/** A distribution of non-negative amounts (CNY) or ratios, written as `{ kind: { parameters } }`. */
export const ValueDistributionSchema = Type.Object(optionalize(valueKindSchemas), {
  ...strict,
  minProperties: 1,
  maxProperties: 1,
  description: `exactly one of: ${ValueKinds.join(', ')}`,
})

export type CountDistributionSpec = Static<typeof CountDistributionSchema>
export type GrowingCountSpec = Static<typeof GrowingCountSchema>
export type ValueDistributionSpec = Static<typeof ValueDistributionSchema>
