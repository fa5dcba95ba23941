package sqltext

// Param is a parameter ($name, or $1 for a positional one) in SQL text:
// Name without the $, and its byte span [Start, End) in the text.
type Param struct {
	Name       string
	Start, End int
}

// Params lists the parameters of text in order, skipping what Split skips
// (string literals, quoted names, comments, dollar-quoted strings), so that
// a '$x' in a literal is not one. A saved query's $name parameters are
// renumbered from these for PostgreSQL, which takes $1, $2, ... only.
func Params(text string) []Param {
	var out []Param
	for i := 0; i < len(text); {
		if text[i] == '$' {
			if _, quoted := dollarTag(text, i); !quoted {
				j := i + 1
				for j < len(text) && (identStart(text[j]) || isDigit(text[j])) {
					j++
				}
				if j > i+1 {
					out = append(out, Param{Name: text[i+1 : j], Start: i, End: j})
					i = j
					continue
				}
			}
		}
		if text[i] == ';' {
			i++
			continue
		}
		i = skipToken(text, i)
	}
	return out
}
