package dbgen

import (
	"strconv"
	"strings"
)

// dist is one of dbgen's weighted value lists (its dists.dss file): a draw
// picks value i with probability weight[i]/sum(weights).
type dist struct {
	values []string
	// byDraw maps a draw in [0, sum(weights)) to the index of its value:
	// the first value whose cumulative weight exceeds the draw.
	byDraw []uint8
}

// newDist parses "value:weight|value:weight|…" (weight 1 when omitted).
func newDist(spec string) *dist {
	d := &dist{}
	for _, item := range strings.Split(spec, "|") {
		w := 1
		if i := strings.LastIndexByte(item, ':'); i >= 0 {
			var err error
			if w, err = strconv.Atoi(item[i+1:]); err != nil {
				panic("dbgen: bad weight in " + item)
			}
			item = item[:i]
		}
		if len(d.values) > 255 {
			panic("dbgen: a distribution of more than 256 values")
		}
		for range w {
			d.byDraw = append(d.byDraw, uint8(len(d.values)))
		}
		d.values = append(d.values, item)
	}
	return d
}

// pick draws the index of a value from s.
func (d *dist) pick(s *stream) int {
	return int(d.byDraw[s.intIn(0, int64(len(d.byDraw))-1)])
}

// The lists and weights of the TPC-H specification (clause 4.2.2.13 and
// dbgen's dists.dss), in dbgen's order, which the draws depend on.
var (
	distTypes = newDist(strings.Join(func() []string {
		var out []string
		for _, a := range []string{"STANDARD", "SMALL", "MEDIUM", "LARGE", "ECONOMY", "PROMO"} {
			for _, b := range []string{"ANODIZED", "BURNISHED", "PLATED", "POLISHED", "BRUSHED"} {
				for _, c := range []string{"TIN", "NICKEL", "BRASS", "STEEL", "COPPER"} {
					out = append(out, a+" "+b+" "+c)
				}
			}
		}
		return out
	}(), "|"))
	distContainers = newDist(strings.Join(func() []string {
		var out []string
		for _, a := range []string{"SM", "LG", "MED", "JUMBO", "WRAP"} {
			for _, b := range []string{"CASE", "BOX", "BAG", "JAR", "PACK", "PKG", "CAN", "DRUM"} {
				out = append(out, a+" "+b)
			}
		}
		return out
	}(), "|"))
	distInstructions = newDist("DELIVER IN PERSON|COLLECT COD|TAKE BACK RETURN|NONE")
	distSegments     = newDist("AUTOMOBILE|BUILDING|FURNITURE|HOUSEHOLD|MACHINERY")
	distPriorities   = newDist("1-URGENT|2-HIGH|3-MEDIUM|4-NOT SPECIFIED|5-LOW")
	distReturnFlags  = newDist("R|A")
	distShipModes    = newDist("REG AIR|AIR|RAIL|TRUCK|MAIL|FOB|SHIP")
	distColors       = newDist("almond|antique|aquamarine|azure|beige|bisque|black|blanched|blue|blush|" +
		"brown|burlywood|burnished|chartreuse|chiffon|chocolate|coral|cornflower|cornsilk|cream|" +
		"cyan|dark|deep|dim|dodger|drab|firebrick|floral|forest|frosted|gainsboro|ghost|goldenrod|" +
		"green|grey|honeydew|hot|indian|ivory|khaki|lace|lavender|lawn|lemon|light|lime|linen|" +
		"magenta|maroon|medium|metallic|midnight|mint|misty|moccasin|navajo|navy|olive|orange|" +
		"orchid|pale|papaya|peach|peru|pink|plum|powder|puff|purple|red|rose|rosy|royal|saddle|" +
		"salmon|sandy|seashell|sienna|sky|slate|smoke|snow|spring|steel|tan|thistle|tomato|" +
		"turquoise|violet|wheat|white|yellow")

	// The words and grammar of the text pool.
	distNouns = newDist("packages:40|requests:40|accounts:40|deposits:40|foxes:20|ideas:20|" +
		"theodolites:20|pinto beans:20|instructions:20|dependencies:10|excuses:10|platelets:10|" +
		"asymptotes:10|courts:5|dolphins:5|multipliers|sauternes|warthogs|frets|dinos|attainments|" +
		"somas|Tiresias|patterns|forges|braids|frays|warhorses|dugouts|notornis|epitaphs|pearls|" +
		"tithes|waters|orbits|gifts|sheaves|depths|sentiments|decoys|realms|pains|grouches|" +
		"escapades|hockey players")
	distVerbs = newDist("sleep:20|wake:20|are:20|cajole:20|haggle:20|nag:10|use:10|boost:10|" +
		"affix:5|detect:5|integrate:5|maintain|nod|was|lose|sublate|solve|thrash|promise|engage|" +
		"hinder|print|x-ray|breach|eat|grow|impress|mold|poach|serve|run|dazzle|snooze|doze|" +
		"unwind|kindle|play|hang|believe|doubt")
	distAdverbs = newDist("sometimes|always|never|furiously:50|slyly:50|carefully:50|" +
		"blithely:40|quickly:30|fluffily:20|slowly|quietly|ruthlessly|thinly|closely|doggedly|" +
		"daringly|bravely|stealthily|permanently|enticingly|idly|busily|regularly|finally|" +
		"ironically|evenly|boldly|silently")
	distArticles     = newDist("the:50|a:20|an:5")
	distPrepositions = newDist("about:50|above:50|according to:50|across:50|after:50|" +
		"against:40|along:40|alongside of:30|among:30|around:20|at:10|atop|before|behind|" +
		"beneath|beside|besides|between|beyond|by|despite|during|except|for|from|in place of|" +
		"inside|instead of|into|near|of|on|outside|over|past|since|through|throughout|to|toward|" +
		"under|until|up|upon|whithout|with|within")
	distAuxiliaries = newDist("do|may|might|shall|will|would|can|could|should|ought to|must|" +
		"will have to|shall have to|could have to|should have to|must have to|need to|try to")
	distTerminators = newDist(".:50|;|::1|?|!|--")
	distAdjectives  = newDist("special:20|pending:20|unusual:20|express:20|furious|sly|careful|" +
		"blithe|quick|fluffy|slow|quiet|ruthless|thin|close|dogged|daring|brave|stealthy|" +
		"permanent|enticing|idle|busy|regular:50|final:40|ironic:40|even:30|bold:20|silent:10")
	// Sentence, noun-phrase and verb-phrase forms: N noun phrase, V verb
	// phrase, P prepositional phrase, T terminator; J adjective, D adverb,
	// X auxiliary; a comma follows the word before it.
	distGrammar     = newDist("N V T:3|N V P T:3|N V N T:3|N P V N T:1|N P V P T:1")
	distNounPhrases = newDist("N:10|J N:20|J, J N:10|D J N:50")
	distVerbPhrases = newDist("V:30|X V:1|V D:40|X V D:1")
)

// The nations and regions, in key order, with each nation's region.
var (
	nationNames = []string{"ALGERIA", "ARGENTINA", "BRAZIL", "CANADA", "EGYPT", "ETHIOPIA",
		"FRANCE", "GERMANY", "INDIA", "INDONESIA", "IRAN", "IRAQ", "JAPAN", "JORDAN", "KENYA",
		"MOROCCO", "MOZAMBIQUE", "PERU", "CHINA", "ROMANIA", "SAUDI ARABIA", "VIETNAM", "RUSSIA",
		"UNITED KINGDOM", "UNITED STATES"}
	nationRegions = []int32{0, 1, 1, 1, 4, 0, 3, 3, 2, 2, 4, 4, 2, 4, 0, 0, 0, 1, 2, 3, 4, 2, 3, 3, 1}
	regionNames   = []string{"AFRICA", "AMERICA", "ASIA", "EUROPE", "MIDDLE EAST"}
)
