// Why: "a 14.6% chance of overrun" is abstract; "about 1 in 7 years" is what a planner repeats in a
// meeting. This turns a probability of exceeding the appropriation into those words, for one year
// or for a period of several years, and formats percentages the same way everywhere.

const SMALL_NUMBERS = ['zero', 'one', 'two', 'three', 'four', 'five', 'six', 'seven', 'eight', 'nine', 'ten']

/** "years" for one year, "three-year periods" for several. */
export function periodNoun(years: number): { one: string; many: string } {
  if (years <= 1) return { one: 'year', many: 'years' }
  const n = years < SMALL_NUMBERS.length ? SMALL_NUMBERS[years] : String(years)
  return { one: `${n}-year period`, many: `${n}-year periods` }
}

/**
 * A probability in words: 0.146 -> "about 1 in 7 years"; 0.7 -> "about 7 years in 10";
 * over a 3-year selection 0.042 -> "about 1 in 24 three-year periods".
 * `trials` (the number of simulated years) bounds what can be said when nothing exceeded.
 */
export function oddsInWords(p: number | null | undefined, options: { years?: number; trials?: number } = {}): string {
  const noun = periodNoun(options.years ?? 1)
  if (p === null || p === undefined || !Number.isFinite(p)) return 'no appropriation is set, so there is nothing to overrun'
  if (p <= 0) return options.trials ? `not once in ${options.trials.toLocaleString('en-US')} simulated ${noun.many}` : 'never in the simulation'
  if (p >= 0.995) return noun.one === 'year' ? 'almost every year' : `almost every ${noun.one}`
  if (p > 0.5) return `about ${Math.round(p * 10)} ${noun.many} in 10`
  const n = Math.round(1 / p)
  return `about 1 in ${n.toLocaleString('en-US')} ${noun.many}`
}

/** 0.1443 -> "14.4%"; below 1% two decimals; null -> "–". */
export function formatPercent(p: number | null | undefined): string {
  if (p === null || p === undefined || !Number.isFinite(p)) return '–'
  const pct = p * 100
  const decimals = pct !== 0 && Math.abs(pct) < 1 ? 2 : 1
  return `${pct.toFixed(decimals)}%`
}

/** A mean count: 1,700.5 or 0.35. */
export function formatCount(v: number | null | undefined): string {
  if (v === null || v === undefined || !Number.isFinite(v)) return '–'
  const a = Math.abs(v)
  const d = a >= 100 ? 1 : a >= 1 ? 2 : 3
  return new Intl.NumberFormat('en-US', { minimumFractionDigits: 0, maximumFractionDigits: d }).format(v)
}
