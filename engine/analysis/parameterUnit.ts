// Why: a parameter's number has a unit (the currency, a share, applicants a year, places), which
// reports, the CLI and the planner's page all print beside it. This is that rule, in a module with no
// imports, so the page can import it without the engine's validators and the two cannot drift.

/**
 * The unit of the number at `last` inside a programme parameter (`last` is the parameter itself for
 * a plain number, else the innermost key, such as a distribution's `median` or a count's `growth`).
 *
 * @example parameterUnit('contract_value', 'median', 'CNY') // 'CNY'
 * @example parameterUnit('applicants', 'growth', 'CNY') // 'a year'
 */
export function parameterUnit(parameter: string, last: string, currency: string): string {
  switch (parameter) {
    case 'cap':
    case 'amount':
    case 'tier_amounts':
    case 'budget':
      return currency
    case 'rate':
    case 'approval_rate':
    case 'tier_shares':
    case 'funding':
      return 'share'
    case 'contract_value':
    case 'basis':
      return ['median', 'mean', 'scale', 'min', 'max', 'mode', 'value'].includes(last) ? currency : '1'
    case 'applicants':
      return last === 'growth' ? 'a year' : last === 'size' ? '1' : 'applicants a year'
    case 'contracts_per_applicant':
      return 'contracts'
    case 'quota':
      return 'places'
    case 'matching':
      return 'ratio'
    default:
      return ''
  }
}
