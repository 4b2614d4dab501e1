// Why: a decision analysis speaks of a statistic (an amount, or a chance of overrun) and of the
// parameters it moves (a cap in 万元, an approval rate in per cent, a count). The page writes them
// one way everywhere: its amounts rule (亿元 from 1 亿, else 万元), differences signed, a change in a
// chance in percentage points, a parameter path in words ("Technology transaction subsidy: approval
// rate"). They are the filed report's rules (engine/report/format.ts), imported so the two cannot
// drift apart.

export {
  figureText,
  formatParameterValue,
  formatStatistic,
  formatStatisticChange,
  parameterLabel,
  STATISTIC_NAMES,
  yearsText,
} from '../../../engine/report/format'
