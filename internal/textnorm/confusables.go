package textnorm

// confusables maps look-alikes of Latin letters to the Latin letter.
//
// Source: Unicode Technical Standard #39, confusables.txt (Unicode 15.1),
// entries whose prototype is a single lowercase or uppercase Latin letter,
// restricted to the scripts seen in evasions aimed at Indonesian, English and
// Arabic keyword lists: Cyrillic, Greek, Armenian, Cherokee capitals, Latin
// small capitals and IPA letters. Upper-case look-alikes are listed
// separately because case folding would otherwise turn, e.g., Cyrillic "В"
// (a Latin B look-alike) into "в", which looks like nothing in Latin.
// Fullwidth, mathematical and circled letters are not listed: NFKC folds them.
// Deliberately absent: TR39's ASCII-to-ASCII prototypes (m→rn, l/1→I, 0→O),
// which would rewrite ordinary words, and the Arabic-to-Latin prototypes
// (ا→l, ه→o), which would destroy Arabic text.
var confusables = map[rune]rune{
	// Cyrillic lower case.
	'а': 'a', 'в': 'b', 'е': 'e', 'ё': 'e', 'һ': 'h', 'і': 'i', 'ї': 'i', 'ј': 'j',
	'к': 'k', 'ӏ': 'l', 'м': 'm', 'н': 'h', 'о': 'o', 'р': 'p', 'с': 'c', 'т': 't',
	'у': 'y', 'х': 'x', 'ѕ': 's', 'ԁ': 'd', 'ԛ': 'q', 'ԝ': 'w', 'ү': 'y', 'ɡ': 'g',
	'ᴦ': 'r', 'ɢ': 'g', 'ѵ': 'v', 'ԍ': 'g', 'ԃ': 'd', 'ӄ': 'k', 'ө': 'o', 'ѡ': 'w',
	'ь': 'b', 'п': 'n', 'ц': 'u', 'г': 'r', 'ꙇ': 'i',
	// Cyrillic upper case whose lower case does not look Latin.
	'А': 'a', 'В': 'b', 'Е': 'e', 'Ё': 'e', 'Һ': 'h', 'І': 'i', 'Ї': 'i', 'Ј': 'j',
	'К': 'k', 'Ӏ': 'l', 'М': 'm', 'Н': 'h', 'О': 'o', 'Р': 'p', 'С': 'c', 'Т': 't',
	'У': 'y', 'Х': 'x', 'Ѕ': 's', 'Ԁ': 'd', 'Ԛ': 'q', 'Ԝ': 'w', 'Ү': 'y', 'Ѵ': 'v',
	'Ԍ': 'g', 'Ө': 'o', 'Ь': 'b',
	// Greek lower case.
	'α': 'a', 'β': 'b', 'γ': 'y', 'ε': 'e', 'η': 'n', 'ι': 'i', 'κ': 'k', 'ν': 'v',
	'ο': 'o', 'ρ': 'p', 'σ': 'o', 'τ': 't', 'υ': 'u', 'χ': 'x', 'ω': 'w', 'ϲ': 'c',
	'ϳ': 'j', 'ς': 'c', 'ϵ': 'e', 'ϱ': 'p', 'ί': 'i', 'ό': 'o', 'ύ': 'u',
	'ά': 'a', 'έ': 'e', 'ή': 'n', 'ώ': 'w',
	// Greek upper case.
	'Α': 'a', 'Β': 'b', 'Ε': 'e', 'Ζ': 'z', 'Η': 'h', 'Ι': 'i', 'Κ': 'k', 'Μ': 'm',
	'Ν': 'n', 'Ο': 'o', 'Ρ': 'p', 'Τ': 't', 'Υ': 'y', 'Χ': 'x', 'Ϲ': 'c', 'Ϳ': 'j',
	'Ά': 'a', 'Έ': 'e', 'Ή': 'h', 'Ί': 'i', 'Ό': 'o', 'Ύ': 'y',
	// Armenian.
	'օ': 'o', 'ս': 'u', 'ո': 'n', 'հ': 'h', 'զ': 'q', 'ց': 'g', 'ա': 'w',
	'Օ': 'o', 'Ս': 'u', 'Տ': 's', 'Լ': 'l',
	// Cherokee capitals that are Latin capitals.
	'Ꭺ': 'a', 'Ᏼ': 'b', 'Ꮯ': 'c', 'Ꭰ': 'd', 'Ꭼ': 'e', 'Ᏻ': 'g', 'Ꮋ': 'h', 'Ꭻ': 'j',
	'Ꮶ': 'k', 'Ꮮ': 'l', 'Ꮇ': 'm', 'Ꮲ': 'p', 'Ꮢ': 'r', 'Ꮪ': 's', 'Ꭲ': 't', 'Ꮩ': 'v',
	'Ꮃ': 'w', 'Ꮓ': 'z',
	// Latin small capitals and IPA letters used by "fancy text" generators.
	'ᴀ': 'a', 'ʙ': 'b', 'ᴄ': 'c', 'ᴅ': 'd', 'ᴇ': 'e', 'ꜰ': 'f', 'ʜ': 'h', 'ɪ': 'i',
	'ᴊ': 'j', 'ᴋ': 'k', 'ʟ': 'l', 'ᴍ': 'm', 'ɴ': 'n', 'ᴏ': 'o', 'ᴘ': 'p', 'ʀ': 'r',
	'ꜱ': 's', 'ᴛ': 't', 'ᴜ': 'u', 'ᴠ': 'v', 'ᴡ': 'w', 'ʏ': 'y', 'ᴢ': 'z', 'ɑ': 'a',
	'ı': 'i', 'ȷ': 'j', 'ɩ': 'i', 'ʋ': 'u', 'ɒ': 'a',
	// Latin letters with strokes or ligatures that have no canonical
	// decomposition, so removing marks does not reach them.
	'ø': 'o', 'Ø': 'o', 'ł': 'l', 'Ł': 'l', 'đ': 'd', 'Đ': 'd', 'ð': 'd', 'Ð': 'd',
	'ħ': 'h', 'Ħ': 'h', 'ƚ': 'l', 'ɨ': 'i', 'ƀ': 'b', 'ɇ': 'e', 'ŧ': 't', 'Ŧ': 't',
	'ƶ': 'z', 'Ƶ': 'z', 'ǥ': 'g', 'Ǥ': 'g', 'ɍ': 'r', 'ʉ': 'u', 'ɏ': 'y',
}

// multiConfusables maps letters that stand for two Latin letters.
var multiConfusables = map[rune]string{
	'æ': "ae", 'Æ': "ae", 'œ': "oe", 'Œ': "oe", 'ß': "ss", 'ẞ': "ss",
}
