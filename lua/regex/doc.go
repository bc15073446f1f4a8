// Package regex is the Lua regex module of KosmoKrator scripts:
// regex.match, regex.match_all and regex.gsub with PHP-style (PCRE)
// delimited patterns such as "/^acme-(\\d+)$/i", run on Go's regexp (RE2),
// whose matching time is linear in the subject, so no pattern can hang a run.
//
// # Patterns
//
// A pattern is written as PHP's preg_* functions take it: a delimiter (any
// character but a letter, digit, backslash or space; (), [], {} and <> pair
// up), the expression, the same delimiter, then modifiers. The optional flags
// argument adds modifiers. Modifiers:
//
//   - i, m, s, U: RE2's inline flags of the same meaning (case-insensitive,
//     ^ and $ at line breaks, . matches newline, ungreedy).
//   - x: whitespace and # comments outside character classes are removed
//     before compiling (RE2 has no x).
//   - A: the match must start where the search starts.
//   - u: accepted; Go always matches UTF-8 (without u PCRE matches bytes, so
//     . and \w differ on non-ASCII text).
//   - D: accepted; $ without m matches only at the very end here (PCRE also
//     matches before a final newline unless D is given).
//   - S, X, J: accepted and ignored.
//   - e (removed from PHP) and n (no automatic captures) are refused; any
//     other letter is an unknown modifier.
//
// (?'name'...) is rewritten to (?P<name>...); (?<name>...) and (?P<name>...)
// are RE2 syntax. An escaped delimiter (\/) is the literal character.
//
// Features RE2 does not have are refused with a *[PatternError] naming the
// feature, its offset and a fix: back-references (\1, \g1, \k<n>, (?P=n)),
// look-ahead and look-behind, atomic groups, possessive quantifiers,
// recursion and subroutine calls, conditionals, branch reset, control verbs,
// \K, \G, \Z, \R, \h, \X and the inline x flag.
//
// # Results
//
// KosmoKrator wraps preg_match, preg_match_all and preg_replace_callback and
// hands PHP's arrays to Lua as sequences, so PHP's index k is Lua's k+1:
//
//   - regex.match(subject, pattern [, flags]) returns nil or a table with the
//     whole match at [1], group k at [k+1] and named groups also under their
//     names; a group that did not take part is "", trailing ones are left out
//     (as preg_match does).
//   - regex.match_all(subject, pattern [, flags]) returns PHP's default
//     PREG_PATTERN_ORDER: [1] the list of whole matches, [k+1] the list of
//     group k's values (named groups also under their names), and the number
//     of matches. Lists encode as JSON arrays even when empty.
//   - regex.gsub(subject, pattern, repl [, limit]) returns the new string and
//     the number of replacements. repl is a string with $n, ${n} or \n
//     references (n from 0 to 99; a group that does not exist is empty), a
//     function called with the match table (as regex.match gives it; its
//     string or number result replaces the match, nil or false remove it,
//     as PHP's callback returning null does), or a table indexed by the first
//     group or the whole match (as string.gsub; nil or false keep the
//     match). limit nil or negative replaces all, 0 none.
//
// Matches follow PCRE's rules for repeated matching: they do not overlap, an
// empty match directly after a non-empty one counts, and after an empty match
// the search moves on one character.
//
// # Limits
//
// A pattern is at most [Options.MaxPatternBytes], a subject at most
// [Options.MaxSubjectBytes] (the sandbox sets its string size limit, so the
// subject counts against the run's memory) and one call finds at most
// [Options.MaxMatches] matches; gsub reports the size of its result as it
// grows to [Options.CheckSize]. Searches check [Options.Context] between
// matches, and a search whose subject length times pattern length is large
// reads the subject through a reader that ends the input at the deadline, so
// no call runs much past it (FuzzRegexDeadline).
package regex
