// Package letters lays out the notes that go by post: letters (US Letter
// or A4), folded A2 note cards printed two to a Letter sheet, flat 5×7
// cards, envelopes (#10, A2, DL, C6) and address label sheets (Avery 5160,
// L7160), as PDF files for a home printer.
//
// It owns the page geometry, the handwriting look (an embedded OFL
// handwriting font, Caveat, and a small, deterministic per-letter
// variation seeded by the contact), glyph-by-glyph fallback to the Go
// fonts and to a user's own fallback font, and the postal conventions of
// an address block. A letter that would need a character no font has is
// refused with a *MissingGlyphError rather than printed with an empty box,
// and a recipient without a complete postal address is refused rather
// than printed half.
//
// It is pure layout: it takes already rendered text (render.RenderLetter)
// and font bytes, reads no file and no configuration, and never touches
// the store. It imports only the standard library, gopdf, golang.org/x/image
// and rapport's contact package.
package letters
