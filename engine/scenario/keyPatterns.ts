// Why: names in scenarios (scenario, programme, tier and year keys) follow patterns that the
// schema, the preset lookup and the error messages all need; defined here once, with the words
// used when a key does not match.
export const KeyPatterns = {
  name: { pattern: '^[a-z0-9][a-z0-9._-]{0,99}$', words: 'lower-case letters, digits, ".", "_" or "-" (at most 100)' },
  programme: { pattern: '^[a-z0-9][a-z0-9-]{0,63}$', words: 'a programme id (lower-case letters, digits and "-")' },
  year: { pattern: '^[0-9]{4}$', words: 'a four-digit year' },
  tier: { pattern: '^[a-z][a-z0-9_]{0,39}$', words: 'a tier name (lower-case letters, digits and "_")' },
} as const
