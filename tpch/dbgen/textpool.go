package dbgen

import "sync"

// textPoolSize is the size of the text pool every comment is a slice of, at
// a random offset scaled to the pool's size. It is 10 MB, as in the dbgen
// DuckDB embeds, whose data Ember's reference files and answers come from;
// the TPC's own dbgen uses 300 MB, which only moves the offsets.
const textPoolSize = 10 << 20

// textPoolSeed seeds the one stream the pool is built from.
const textPoolSeed = 933588178

// textPool returns the pool, built on first use (some 70 ms) and kept:
// it is read-only, and shared by every generation in the process.
var textPool = sync.OnceValue(func() []byte { return buildTextPool(textPoolSize) })

// wordList is a distribution's values as byte slices, for appending.
type wordList struct {
	d     *dist
	words [][]byte
}

func newWordList(d *dist) wordList {
	w := wordList{d: d}
	for _, v := range d.values {
		w.words = append(w.words, []byte(v))
	}
	return w
}

func (w *wordList) pick(s *stream) []byte { return w.words[w.d.pick(s)] }

// buildTextPool writes sentences of dbgen's grammar until size bytes are
// there, and cuts the last sentence at size.
func buildTextPool(size int) []byte {
	b := &poolBuilder{
		buf:        make([]byte, 0, size+512),
		nouns:      newWordList(distNouns),
		verbs:      newWordList(distVerbs),
		adverbs:    newWordList(distAdverbs),
		adjectives: newWordList(distAdjectives),
		articles:   newWordList(distArticles),
		preps:      newWordList(distPrepositions),
		auxes:      newWordList(distAuxiliaries),
		terms:      newWordList(distTerminators),
		s:          stream{seed: textPoolSeed, perRow: 1},
	}
	for len(b.buf) < size {
		b.sentence()
	}
	return b.buf[:size:size]
}

type poolBuilder struct {
	buf                               []byte
	nouns, verbs, adverbs, adjectives wordList
	articles, preps, auxes, terms     wordList
	s                                 stream
}

// sentence appends one sentence: its form's phrases, each followed by a
// space; the terminator replaces the space before it.
func (b *poolBuilder) sentence() {
	form := distGrammar.values[distGrammar.pick(&b.s)]
	for i := 0; i < len(form); i += 2 {
		switch form[i] {
		case 'N':
			b.nounPhrase()
		case 'V':
			b.verbPhrase()
		case 'P':
			b.buf = append(b.buf, b.preps.pick(&b.s)...)
			b.buf = append(b.buf, " the "...)
			b.nounPhrase()
		case 'T':
			b.buf = b.buf[:len(b.buf)-1]
			b.buf = append(b.buf, b.terms.pick(&b.s)...)
		}
		if b.buf[len(b.buf)-1] != ' ' {
			b.buf = append(b.buf, ' ')
		}
	}
}

func (b *poolBuilder) nounPhrase() {
	form := distNounPhrases.values[distNounPhrases.pick(&b.s)]
	for i := 0; i < len(form); i++ {
		var w *wordList
		switch form[i] {
		case 'N':
			w = &b.nouns
		case 'J':
			w = &b.adjectives
		case 'D':
			w = &b.adverbs
		case 'A':
			w = &b.articles
		case ',':
			b.buf = append(b.buf[:len(b.buf)-1], ", "...)
			continue
		default:
			continue
		}
		b.buf = append(b.buf, w.pick(&b.s)...)
		b.buf = append(b.buf, ' ')
	}
}

func (b *poolBuilder) verbPhrase() {
	form := distVerbPhrases.values[distVerbPhrases.pick(&b.s)]
	for i := 0; i < len(form); i += 2 {
		var w *wordList
		switch form[i] {
		case 'V':
			w = &b.verbs
		case 'D':
			w = &b.adverbs
		case 'X':
			w = &b.auxes
		}
		b.buf = append(b.buf, w.pick(&b.s)...)
		b.buf = append(b.buf, ' ')
	}
}
