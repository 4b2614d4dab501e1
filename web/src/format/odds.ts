// Why: "a 14.6% chance of overrun" is abstract; "about 1 in 7 years" is what a planner repeats in a
// meeting. This turns a probability of exceeding the appropriation into those words, for one year
// or for a period of several years, and formats percentages the same way everywhere. The wording
// is the filed report's (engine/report/format.ts), imported so the two cannot drift apart.

export { formatCount, formatPercent, oddsInWords, periodNoun } from '../../../engine/report/format'
